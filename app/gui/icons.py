"""Icons drawn for the app (``resources/icons/*.svg``), tinted to match the palette.

Monochrome icons use ``currentColor``; an icon engine fills it with the
palette's text colour at paint time, so the same icon reads well in the light
and the dark theme and follows a theme switch without reloading anything.
Coloured icons (the app, one per UI kind) are drawn as they are.

Tinted icons are drawn through pixmaps that :mod:`app.gui.icon_cache` keeps
for the first frame of the next start, so that frame needs no QtSvg: it is
imported when an icon is first rendered from its SVG.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap

from app.gui import icon_cache

if TYPE_CHECKING:
    from PySide6.QtCore import QRect, QSize

ICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "icons"
KIND_ICONS = (
    "a1111", "forge", "reforge", "sdnext", "comfyui", "comfyui-desktop",
    "invokeai", "fooocus", "swarmui", "stability-matrix",
)  # fmt: skip

# Qt may clone engines at will; clones must outlive the Python call that made them.
_ENGINES: list[QIconEngine] = []


class _TintedSvgEngine(QIconEngine):
    """Renders an SVG with ``currentColor`` replaced by the palette colour for the mode."""

    def __init__(self, name: str, svg: str) -> None:
        super().__init__()
        self._name = name
        self._svg = svg

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        palette = QGuiApplication.palette()
        if mode == QIcon.Mode.Disabled:
            colour = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        elif mode == QIcon.Mode.Selected:
            colour = palette.color(QPalette.ColorRole.HighlightedText)
        else:
            colour = palette.color(QPalette.ColorRole.WindowText)
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        size = (round(rect.width() * ratio), round(rect.height() * ratio))
        key = icon_cache.icon_key(self._name, self._svg, colour.name(), *size, ratio)
        pixmap = icon_cache.CACHE.lookup(key)
        if pixmap is None:
            pixmap = self._render(colour.name(), *size, ratio)
            icon_cache.CACHE.record(key, pixmap)
        painter.drawPixmap(rect, pixmap)

    def _render(self, colour: str, width: int, height: int, ratio: float) -> QPixmap:
        from PySide6.QtCore import QByteArray, QRectF
        from PySide6.QtSvg import QSvgRenderer  # 1 ms to import: only when an icon is not kept

        pixmap = QPixmap(width, height)
        pixmap.fill(QColor.fromRgbF(0, 0, 0, 0))  # not Qt.transparent: see app.gui.theme
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        data = QByteArray(self._svg.replace("currentColor", colour).encode())
        QSvgRenderer(data).render(painter, QRectF(0, 0, width, height))
        painter.end()
        pixmap.setDevicePixelRatio(ratio)
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(QColor.fromRgbF(0, 0, 0, 0))
        painter = QPainter(pixmap)
        self.paint(painter, pixmap.rect(), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        twin = _TintedSvgEngine(self._name, self._svg)
        _ENGINES.append(twin)
        return twin


@cache
def _svg_text(name: str) -> str:
    return (ICON_DIR / f"{name}.svg").read_text(encoding="utf-8")


@cache
def icon(name: str) -> QIcon:
    """A palette-tinted icon by file name (``resources/icons/<name>.svg``)."""
    engine = _TintedSvgEngine(name, _svg_text(name))
    _ENGINES.append(engine)
    return QIcon(engine)


@cache
def coloured_icon(name: str) -> QIcon:
    """An icon drawn in its own colours (the app icon, the UI badges)."""
    return QIcon(str(ICON_DIR / f"{name}.svg"))


def kind_icon(kind: str) -> QIcon:
    """The badge of a UI kind (A1111, ComfyUI, ...); a neutral one for kinds without a badge."""
    return coloured_icon(f"kind-{kind}" if kind in KIND_ICONS else "kind-unknown")


def app_icon() -> QIcon:
    """The application's own icon."""
    return coloured_icon("app")
