"""Light and dark themes that follow the system, or a choice that overrides it.

Qt 6.8+ asks the platform to switch its colour scheme; where the platform
cannot (X11 without a desktop theme, older Qt), the app paints its own Fusion
palette so the choice still takes effect.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

_DARK = {
    "Window": "#2b2d30", "WindowText": "#dfe1e5", "Base": "#1e1f22", "AlternateBase": "#26282b",
    "ToolTipBase": "#3c3f41", "ToolTipText": "#dfe1e5", "PlaceholderText": "#8b8e92",
    "Text": "#dfe1e5", "Button": "#3c3f41", "ButtonText": "#dfe1e5", "BrightText": "#ffffff",
    "Light": "#4e5155", "Midlight": "#3a3d40", "Mid": "#4a4d50", "Dark": "#1a1b1d",
    "Shadow": "#111213", "Highlight": "#2f65ca", "HighlightedText": "#ffffff",
    "Link": "#7aa2f7", "LinkVisited": "#b48ef5",
}  # fmt: skip
_LIGHT = {
    "Window": "#efefef", "WindowText": "#1b1b1b", "Base": "#ffffff", "AlternateBase": "#f5f5f5",
    "ToolTipBase": "#ffffdc", "ToolTipText": "#1b1b1b", "PlaceholderText": "#7a7a7a",
    "Text": "#1b1b1b", "Button": "#efefef", "ButtonText": "#1b1b1b", "BrightText": "#ffffff",
    "Light": "#ffffff", "Midlight": "#e3e3e3", "Mid": "#b8b8b8", "Dark": "#9f9f9f",
    "Shadow": "#767676", "Highlight": "#308cc6", "HighlightedText": "#ffffff",
    "Link": "#0b57d0", "LinkVisited": "#7b1fa2",
}  # fmt: skip


def palette_for(scheme: str) -> QPalette:
    """A complete palette for ``"dark"`` or ``"light"`` (disabled text dimmed)."""
    palette = QPalette()
    for role_name, colour in (_DARK if scheme == "dark" else _LIGHT).items():
        palette.setColor(getattr(QPalette.ColorRole, role_name), QColor(colour))
    dim = QColor(palette.color(QPalette.ColorRole.Text))
    dim.setAlpha(110)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):  # fmt: skip
        palette.setColor(QPalette.ColorGroup.Disabled, role, dim)
    return palette


def apply_theme(theme: str) -> None:
    """``"system"``, ``"light"`` or ``"dark"``; a no-op before the application exists."""
    app = QGuiApplication.instance()
    if app is None:
        return
    hints = QGuiApplication.styleHints()
    wanted = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(theme)
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(wanted or Qt.ColorScheme.Unknown)
    painted = bool(app.property("vaeManagerPainted"))
    if wanted is None or hints.colorScheme() == wanted:
        if painted:  # back to what the platform gives
            app.setPalette(QPalette())
            app.setProperty("vaeManagerPainted", False)
        return
    from PySide6.QtWidgets import QApplication

    if isinstance(app, QApplication):
        QApplication.setStyle("Fusion")
    app.setPalette(palette_for(theme))
    app.setProperty("vaeManagerPainted", True)
