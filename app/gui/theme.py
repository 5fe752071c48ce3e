"""Light and dark themes that follow the system, or a choice that overrides it, all readable.

Qt 6.8+ asks the platform to switch its colour scheme; where the platform
cannot (X11 without a desktop theme, older Qt), the app paints its own Fusion
palette so the choice still takes effect. Either way the palette is then made
readable: secondary text (``PlaceholderText``, which the platform often gives
as half-transparent text) and links get at least the WCAG AA contrast of 4.5:1
on both the window and the table background. With the OS high-contrast setting
on, the platform's own palette is used and secondary text is not dimmed at all.
"""

from __future__ import annotations

import copy

from PySide6.QtGui import QColor, QGuiApplication, QPalette

# Colours are made with QColor.fromString/fromRgbF and palettes copied with copy.copy,
# never QColor(x) or QPalette(x): resolving those constructors' overloads builds all 93
# enums of Qt's namespace (12 ms, before the window's first frame).

MIN_CONTRAST = 4.5  # WCAG 2 level AA for normal text

_DARK = {
    "Window": "#2b2d30", "WindowText": "#dfe1e5", "Base": "#1e1f22", "AlternateBase": "#26282b",
    "ToolTipBase": "#3c3f41", "ToolTipText": "#dfe1e5", "PlaceholderText": "#a4a7ac",
    "Text": "#dfe1e5", "Button": "#3c3f41", "ButtonText": "#dfe1e5", "BrightText": "#ffffff",
    "Light": "#4e5155", "Midlight": "#3a3d40", "Mid": "#4a4d50", "Dark": "#1a1b1d",
    "Shadow": "#111213", "Highlight": "#2f65ca", "HighlightedText": "#ffffff",
    "Link": "#8ab4f8", "LinkVisited": "#c58af9",
}  # fmt: skip
_LIGHT = {
    "Window": "#efefef", "WindowText": "#1b1b1b", "Base": "#ffffff", "AlternateBase": "#f5f5f5",
    "ToolTipBase": "#ffffdc", "ToolTipText": "#1b1b1b", "PlaceholderText": "#595959",
    "Text": "#1b1b1b", "Button": "#efefef", "ButtonText": "#1b1b1b", "BrightText": "#ffffff",
    "Light": "#ffffff", "Midlight": "#e3e3e3", "Mid": "#b8b8b8", "Dark": "#9f9f9f",
    "Shadow": "#767676", "Highlight": "#2a6fb0", "HighlightedText": "#ffffff",
    "Link": "#0b57d0", "LinkVisited": "#7b1fa2",
}  # fmt: skip
_READ_GROUPS = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)
Role = QPalette.ColorRole


def _rgb(colour: QColor) -> tuple[float, float, float]:
    return colour.redF(), colour.greenF(), colour.blueF()


def _mix(a: QColor, b: QColor, share_of_b: float) -> QColor:
    pairs = zip(_rgb(a), _rgb(b), strict=True)
    return QColor.fromRgbF(*(x + (y - x) * share_of_b for x, y in pairs))


def over(colour: QColor, background: QColor) -> QColor:
    """``colour`` composited onto an opaque ``background`` (what the eye finally sees)."""
    return _mix(background, colour, colour.alphaF())


def relative_luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour (sRGB)."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: QColor, background: QColor) -> float:
    """WCAG 2 contrast ratio (1 to 21) of text in ``foreground`` on ``background``."""
    bg = over(background, QColor.fromString("#ffffff")) if background.alpha() < 255 else background
    lighter, darker = sorted(
        (relative_luminance(over(foreground, bg)), relative_luminance(bg)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def readable(
    colour: QColor, towards: QColor, backgrounds: list[QColor], minimum: float = MIN_CONTRAST
) -> QColor:
    """``colour`` if it reads on every background, else moved toward ``towards`` until it does."""
    for step in range(11):
        candidate = _mix(over(colour, backgrounds[0]), towards, step / 10)
        if all(contrast_ratio(candidate, bg) >= minimum for bg in backgrounds):
            return candidate
    return towards


def make_readable(palette: QPalette, *, high_contrast: bool = False) -> QPalette:
    """A copy with secondary text, links and selections readable (text itself: as given)."""
    fixed = copy.copy(palette)  # not QPalette(palette): see the note on QColor above
    for group in _READ_GROUPS:
        text = palette.color(group, Role.WindowText)
        grounds = [palette.color(group, Role.Window), palette.color(group, Role.Base)]
        if high_contrast:
            secondary = text  # a copy already (palette.color returns one)
        else:
            dimmed = _mix(text, grounds[0], 0.4)  # what secondary text should look like
            secondary = readable(dimmed, text, grounds)
        fixed.setColor(group, Role.PlaceholderText, secondary)
        selected = palette.color(group, Role.HighlightedText)
        away = (
            QColor.fromString("#000000")
            if relative_luminance(selected) > 0.18
            else QColor.fromString("#ffffff")
        )
        fixed.setColor(
            group, Role.Highlight, readable(palette.color(group, Role.Highlight), away, [selected])
        )
        for role in (Role.Link, Role.LinkVisited):
            link = readable(
                palette.color(group, role),
                palette.color(group, Role.Text),
                [palette.color(group, Role.Base), grounds[0]],
            )
            fixed.setColor(group, role, link)
    return fixed


def palette_for(scheme: str) -> QPalette:
    """A complete palette for ``"dark"`` or ``"light"`` (disabled text dimmed)."""
    palette = QPalette()
    for role_name, colour in (_DARK if scheme == "dark" else _LIGHT).items():
        palette.setColor(getattr(Role, role_name), QColor.fromString(colour))
    dim = palette.color(Role.Text)  # a copy
    dim.setAlpha(110)
    for role in (Role.Text, Role.WindowText, Role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, dim)
    return palette


def system_high_contrast() -> bool:
    """Whether the OS asks for high contrast (Qt 6.10+ reports it; older Qt: no)."""
    from PySide6.QtCore import Qt

    hints = QGuiApplication.styleHints()
    accessibility = getattr(hints, "accessibility", None)
    if accessibility is None:
        return False
    preference = getattr(Qt, "ContrastPreference", None)
    return preference is not None and (
        accessibility().contrastPreference() == preference.HighContrast
    )


def secondary_text_colour() -> str:
    """The readable secondary text colour as ``#rrggbb``, for rich text (``style='color:…'``)."""
    return QGuiApplication.palette().color(Role.PlaceholderText).name()


def apply_theme(theme: str, *, high_contrast: bool | None = None) -> None:
    """``"system"``, ``"light"`` or ``"dark"``; a no-op before the application exists.

    ``high_contrast`` None asks the OS; True uses the platform's palette whatever
    the choice, since a high-contrast palette is an accessibility need.
    """
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):  # none yet (typed QCoreApplication | None)
        return
    if high_contrast is None:
        high_contrast = system_high_contrast()
    first = app.property("vaeManagerTheme") is None
    wanted = None
    hints = QGuiApplication.styleHints()
    # Any Qt.* enum builds all 93 of the namespace (12 ms): the first "system" theme of
    # a run needs none, since no colour scheme was asked of the platform yet.
    if not (first and (high_contrast or theme not in ("light", "dark"))):
        from PySide6.QtCore import Qt

        if not high_contrast:
            wanted = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(theme)
        if hasattr(hints, "setColorScheme"):
            hints.setColorScheme(wanted or Qt.ColorScheme.Unknown)
    app.setProperty("vaeManagerTheme", theme)
    if wanted is None or hints.colorScheme() == wanted:  # the platform's own palette
        app.setPalette(QPalette())
        app.setPalette(make_readable(app.palette(), high_contrast=high_contrast))
        app.setProperty("vaeManagerPainted", False)
        return
    from PySide6.QtWidgets import QApplication

    if isinstance(app, QApplication):
        QApplication.setStyle("Fusion")
    app.setPalette(make_readable(palette_for(theme)))
    app.setProperty("vaeManagerPainted", True)
