"""Image views that zoom and pan together, so the same pixels are compared side by side.

Every view shows a picture of the same size; the :class:`SyncGroup` gives them
one transform and mirrors scroll positions, so a wheel zoom or a drag in any
view moves all of them. Above 100 % pixels are drawn as hard squares (nearest
neighbour) because blurred pixels would hide exactly what is being compared.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap, QTransform, QWheelEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.icons import icon

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

MIN_SCALE, MAX_SCALE, WHEEL_STEP = 0.05, 32.0, 1.25


def array_to_qimage(image: ArrayLike) -> QImage:
    """(H, W, 3) float in [0, 1] or uint8 to a QImage that owns its pixels."""
    import numpy as np

    array = np.asarray(image)
    if array.dtype != np.uint8:
        array = (np.clip(array, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    array = np.ascontiguousarray(array[..., :3])
    height, width = array.shape[:2]
    return QImage(array.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


class ZoomView(QGraphicsView):
    """A view of one picture; wheel zooms under the cursor, dragging pans."""

    zoom_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.item = QGraphicsPixmapItem()
        self.scene().addItem(self.item)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setBackgroundBrush(self.palette().dark())
        self.setMinimumSize(160, 160)

    def set_image(self, image: QImage | None) -> None:
        pixmap = QPixmap.fromImage(image) if image is not None else QPixmap()
        self.item.setPixmap(pixmap)
        self.scene().setSceneRect(self.item.boundingRect())

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt API
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_requested.emit(WHEEL_STEP**steps)
        event.accept()


class ImageTile(QWidget):
    """One decoded image: title, view, numbers under it and a save button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.title = QLabel()
        self.title.setObjectName("tileTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.title)
        self.view = ZoomView()
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.caption = QLabel()
        self.caption.setObjectName("tileCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.caption, 1)
        self.save_button = QToolButton()
        self.save_button.setIcon(icon("save"))
        self.save_button.setToolTip(self.tr("Save as PNG…"))
        self.save_button.setObjectName("savePng")
        self.save_button.clicked.connect(self._on_save_button_clicked)
        row.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        self.image: QImage | None = None
        self.suggested_name = "preview.png"
        self.set_image(None)

    def set_image(self, image: QImage | None, *, final: bool = False) -> None:
        self.image = image if final else None
        self.view.set_image(image)
        self.save_button.setEnabled(final and image is not None)

    def save_png(self, path: Path) -> bool:
        if self.image is None:
            return False
        # PySide6 6.11's stub types format as bytes, but only a str is accepted at run
        # time (bytes raise "wrong argument values").
        saved: bool = self.image.save(str(path), "PNG")  # type: ignore[call-overload]
        return saved

    def _on_save_button_clicked(self) -> None:
        dialog = QFileDialog(self, self.tr("Save the decoded image"), self.suggested_name,
                             self.tr("PNG images (*.png)"))  # fmt: skip
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("png")
        dialog.fileSelected.connect(lambda path: self.save_png(Path(path)))
        dialog.open()


class SyncGroup(QObject):
    """Keeps the views' zoom and scroll positions identical."""

    scale_changed = Signal(float)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.views: list[ZoomView] = []
        self.scale = 1.0
        self._syncing = False

    def add(self, view: ZoomView) -> None:
        self.views.append(view)
        view.zoom_requested.connect(lambda factor, v=view: self.zoom_by(factor, v))
        view.horizontalScrollBar().valueChanged.connect(lambda _, v=view: self._mirror(v))
        view.verticalScrollBar().valueChanged.connect(lambda _, v=view: self._mirror(v))
        view.setTransform(QTransform.fromScale(self.scale, self.scale))

    def set_scale(self, scale: float, source: ZoomView | None = None) -> None:
        self.scale = max(MIN_SCALE, min(MAX_SCALE, scale))
        smooth = self.scale < 1.0
        for view in self.views:
            view.setTransform(QTransform.fromScale(self.scale, self.scale))
            view.item.setTransformationMode(
                Qt.TransformationMode.SmoothTransformation if smooth
                else Qt.TransformationMode.FastTransformation
            )  # fmt: skip
            view.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
        if source is not None:
            self._mirror(source)
        self.scale_changed.emit(self.scale)

    def zoom_by(self, factor: float, source: ZoomView | None = None) -> None:
        """Zoom; from a wheel in ``source``, around the pixel under the mouse there."""
        target = max(MIN_SCALE, min(MAX_SCALE, self.scale * factor))
        if source is not None and self.scale:
            self._syncing = True  # the other views follow once, below
            try:
                source.scale(target / self.scale, target / self.scale)
            finally:
                self._syncing = False
        self.set_scale(target, source)

    def fit(self) -> None:
        """The largest scale at which the whole picture fits every view."""
        fits = []
        for view in self.views:
            rect = view.scene().sceneRect()
            if rect.width() and rect.height():
                port = view.viewport().size()
                fits.append(min(port.width() / rect.width(), port.height() / rect.height()))
        if fits:
            self.set_scale(min(fits) * 0.98)

    def _mirror(self, source: ZoomView) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            h, v = source.horizontalScrollBar().value(), source.verticalScrollBar().value()
            for view in self.views:
                if view is not source:
                    view.horizontalScrollBar().setValue(h)
                    view.verticalScrollBar().setValue(v)
        finally:
            self._syncing = False
