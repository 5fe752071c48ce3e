"""Small widgets every panel uses: empty states, headings, banners."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFont, QIcon, QPalette, QResizeEvent
from PySide6.QtGui import Qt as GuiQt  # the Qt namespace with QtGui's text helpers
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.icons import icon


def heading(text: str, *, size_delta: int = 4, bold: bool = True) -> QLabel:
    """A bold, larger label for titles."""
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() + size_delta)
    font.setBold(bold)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def muted(text: str, *, wrap: bool = True) -> QLabel:
    """Secondary text in the palette's placeholder colour."""
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


class IconLabel(QLabel):
    """A tinted icon as a picture that is drawn again when the palette changes.

    A plain ``QLabel.setPixmap`` keeps the colours of the theme it was made in.
    """

    def __init__(self, icon_name: str, size: int, mode: QIcon.Mode = QIcon.Mode.Normal,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._icon, self._size, self._mode = icon(icon_name), QSize(size, size), mode
        self._render()

    def _render(self) -> None:
        self.setPixmap(self._icon.pixmap(self._size, self._mode))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._render()
        super().changeEvent(event)


def might_be_rich(text: str) -> bool:
    """Qt's own guess whether a label's text is HTML."""
    return GuiQt.mightBeRichText(text)


def refresh_rich_text(root: QWidget) -> None:
    """Parse rich-text labels again: Qt fixes their link colours when the text is set."""
    for label in root.findChildren(QLabel):
        text = label.text()
        if text and (label.textFormat() == Qt.TextFormat.RichText or might_be_rich(text)):
            label.clear()
            label.setText(text)


class EmptyState(QWidget):
    """A big icon, a title, a sentence of help and optional buttons, centred."""

    def __init__(self, icon_name: str, title: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("emptyState")
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        picture = IconLabel(icon_name, 64, QIcon.Mode.Disabled)
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(picture)
        self.title = heading(title, size_delta=5)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.title)
        self.text = muted(text)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setMinimumWidth(300)  # wraps; a 1024-wide window must still fit
        self.text.setMaximumWidth(560)
        self.text.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.text)
        row.addStretch()
        outer.addLayout(row)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch()
        self.buttons.addStretch()
        outer.addSpacing(8)
        outer.addLayout(self.buttons)
        outer.addStretch(3)

    def add_button(self, text: str, icon_name: str | None = None) -> QPushButton:
        button = QPushButton(icon(icon_name), text) if icon_name else QPushButton(text)
        self.buttons.insertWidget(self.buttons.count() - 1, button)
        return button


class Banner(QFrame):
    """A one-line notice across the top of a panel (e.g. a feature not available yet)."""

    def __init__(self, icon_name: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.row = QHBoxLayout(self)  # typed, unlike layout(): a panel adds its buttons here
        self.row.setContentsMargins(10, 6, 10, 6)
        self.row.addWidget(IconLabel(icon_name, 18))
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.row.addWidget(self.label, 1)


class ActionBar(QWidget):
    """Tool buttons in a row: icon and label when all labels fit, else icons (with tooltips).

    Squeezed text-under-icon buttons clip their labels ("Unlink…anager"); here
    a button is either whole or an icon, and the row never needs more room.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionBar")
        self.buttons: list[QToolButton] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._text_width: int | None = None
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def add(self, button: QToolButton) -> QToolButton:
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.buttons.append(button)
        self._layout.addWidget(button)
        self._text_width = None
        return button

    def labels_shown(self) -> bool:
        return bool(self.buttons) and all(
            b.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextUnderIcon for b in self.buttons
        )

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self._labels_width(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        icons = sum(b.iconSize().width() + 8 for b in self.buttons)
        return QSize(icons, super().minimumSizeHint().height())

    def labels_width(self) -> int:
        """The width the buttons need to show their labels."""
        return self._labels_width()

    def _labels_width(self) -> int:
        if self._text_width is None:
            styles = [b.toolButtonStyle() for b in self.buttons]
            for b in self.buttons:
                b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            self._text_width = sum(b.sizeHint().width() for b in self.buttons)
            for b, style in zip(self.buttons, styles, strict=True):
                b.setToolButtonStyle(style)
        return self._text_width

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        fits = event.size().width() >= self._labels_width()
        style = (Qt.ToolButtonStyle.ToolButtonTextUnderIcon if fits
                 else Qt.ToolButtonStyle.ToolButtonIconOnly)  # fmt: skip
        for button in self.buttons:
            if button.toolButtonStyle() != style:
                button.setToolButtonStyle(style)
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.LanguageChange):
            self._text_width = None
        super().changeEvent(event)


def panel_header(title: str, subtitle: str) -> QWidget:
    """Title and one line of explanation at the top of each panel."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 4)
    layout.setSpacing(2)
    layout.addWidget(heading(title, size_delta=6))
    layout.addWidget(muted(subtitle))
    return box
