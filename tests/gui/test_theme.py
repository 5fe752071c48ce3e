"""Both themes readable: every label, table cell and badge reads at WCAG AA after a switch."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import QLabel, QWidget

from app.gui.formatting import _BADGE_STYLE, BADGE_KEYS
from app.gui.style import STYLE_SHEET
from app.gui.theme import (
    MIN_CONTRAST,
    apply_theme,
    contrast_ratio,
    make_readable,
    palette_for,
    secondary_text_colour,
)
from app.gui.widgets import IconLabel
from tests.gui.conftest import wait_idle, write_vae

Role = QPalette.ColorRole
# Widgets the style sheet paints: object name -> palette role of their background.
FILLED_BY_STYLE = {"vaeCard": Role.Base, "banner": Role.AlternateBase}
_RULE = re.compile(r"QLabel#(\w+)\s*\{([^}]*)\}")
_INLINE = re.compile(r"style=['\"]([^'\"]*)['\"]")
_PROPERTY = re.compile(r"(background|color)\s*:\s*([#\w]+)")


@pytest.fixture
def restore_theme() -> Iterator[None]:
    yield
    apply_theme("system", high_contrast=False)


def _styled_labels() -> dict[str, dict[str, str]]:
    """``QLabel#name { background: …; color: … }`` rules of the app's style sheet."""
    return {name: dict(_PROPERTY.findall(body)) for name, body in _RULE.findall(STYLE_SHEET)}


def _background(label: QLabel) -> QColor:
    """The colour behind a label: the nearest widget that paints one, else the window."""
    widget: QWidget | None = label
    while widget is not None:
        role = FILLED_BY_STYLE.get(widget.objectName())
        if role is not None:
            return widget.palette().color(role)
        if widget.autoFillBackground() or widget.isWindow():
            return widget.palette().color(widget.backgroundRole())
        widget = widget.parentWidget()
    raise AssertionError("a label outside any window")


def _problems(window) -> list[str]:
    """Every text colour in the window that does not reach 4.5:1 on what is behind it."""
    found = []
    styled = _styled_labels()
    for label in window.findChildren(QLabel):
        if not label.text() or isinstance(label, IconLabel):
            continue
        label.ensurePolished()
        rule = styled.get(label.objectName())
        if rule:  # colours from the style sheet
            fg, bg = QColor(rule["color"]), QColor(rule["background"])
        else:
            fg, bg = label.palette().color(label.foregroundRole()), _background(label)
        ratio = contrast_ratio(fg, bg)
        if ratio < MIN_CONTRAST:
            found.append(f"{label.text()[:40]!r}: {fg.name()} on {bg.name()} = {ratio:.2f}")
        for style in _INLINE.findall(label.text()):  # rich text spans
            colours = dict(_PROPERTY.findall(style))
            if "color" in colours:
                span_bg = QColor(colours.get("background", bg.name()))
                ratio = contrast_ratio(QColor(colours["color"]), span_bg)
                if ratio < MIN_CONTRAST:
                    found.append(f"span in {label.text()[:40]!r}: {style} = {ratio:.2f}")
    return found


def _palette_problems(palette: QPalette) -> list[str]:
    """Tables, selections, secondary text, links and the painted verdict cells."""
    reason = QColor(palette.color(Role.Text))
    reason.setAlphaF(0.75)  # the delegate's verdict reason
    pairs = {
        "text on base": (palette.color(Role.Text), palette.color(Role.Base)),
        "text on alternate rows": (palette.color(Role.Text), palette.color(Role.AlternateBase)),
        "selected text": (palette.color(Role.HighlightedText), palette.color(Role.Highlight)),
        "window text": (palette.color(Role.WindowText), palette.color(Role.Window)),
        "button text": (palette.color(Role.ButtonText), palette.color(Role.Button)),
        "secondary on window": (palette.color(Role.PlaceholderText), palette.color(Role.Window)),
        "secondary on base": (palette.color(Role.PlaceholderText), palette.color(Role.Base)),
        "link": (palette.color(Role.Link), palette.color(Role.Base)),
        "tooltip": (palette.color(Role.ToolTipText), palette.color(Role.ToolTipBase)),
        "verdict reason": (reason, palette.color(Role.Base)),
        "verdict reason, alternate row": (reason, palette.color(Role.AlternateBase)),
    }
    pairs |= {
        f"{key} badge": (QColor("#ffffff"), QColor(_BADGE_STYLE[key][0])) for key in BADGE_KEYS
    }
    return [
        f"{name}: {fg.name()} on {bg.name()} = {contrast_ratio(fg, bg):.2f}"
        for name, (fg, bg) in pairs.items()
        if contrast_ratio(fg, bg) < MIN_CONTRAST
    ]


def _ink(image: QImage) -> QColor:
    """The average colour of an icon's opaque pixels."""
    total, count = [0, 0, 0], 0
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() > 200:
                total = [total[0] + pixel.red(), total[1] + pixel.green(), total[2] + pixel.blue()]
                count += 1
    assert count, "the icon drew nothing"
    return QColor(*(int(t / count) for t in total))


def test_every_label_reads_after_switching_theme(
    started_window, qtbot, tmp_path, restore_theme
) -> None:
    window = started_window
    write_vae(tmp_path / "VAE" / "one.safetensors")
    window.state.rescan([tmp_path / "VAE"])
    wait_idle(qtbot, window)
    for panel in range(window.stack.count()):  # every panel built and polished once
        window.show_panel(panel)
        qtbot.wait(20)
    window.library.select_where(lambda row: True)
    for theme in ("dark", "light", "dark", "system"):
        window.set_theme(theme)
        qtbot.wait(50)
        palette = QGuiApplication.palette()
        assert window.palette().color(Role.Window) == palette.color(Role.Window), theme
        assert _problems(window) == [], theme
        assert _palette_problems(palette) == [], theme
        assert window.library.table.palette().color(Role.Base) == palette.color(Role.Base)


def test_secondary_text_and_links_are_made_readable() -> None:
    light = palette_for("light")
    faint = QColor(light.color(Role.Text))
    faint.setAlpha(90)  # what platforms give: half-transparent text
    light.setColor(Role.PlaceholderText, faint)
    light.setColor(Role.Link, QColor("#9ec5ff"))
    assert contrast_ratio(faint, light.color(Role.Window)) < MIN_CONTRAST
    fixed = make_readable(light)
    assert _palette_problems(fixed) == []
    for scheme in ("light", "dark"):
        assert _palette_problems(make_readable(palette_for(scheme))) == []


def test_high_contrast_uses_the_platform_palette_undimmed(qapp, restore_theme) -> None:
    apply_theme("dark", high_contrast=True)
    palette = QGuiApplication.palette()
    assert not qapp.property("vaeManagerPainted")  # the OS palette, not our dark one
    assert palette.color(Role.PlaceholderText) == palette.color(Role.WindowText)
    assert secondary_text_colour() == palette.color(Role.WindowText).name()
    assert _palette_problems(palette) == []


def test_icons_follow_the_theme(started_window, qtbot, restore_theme) -> None:
    window = started_window
    item_icon = window.nav.item(0).icon()
    pictures = window.findChildren(IconLabel)
    assert pictures  # the empty states' pictures
    seen = {}
    for theme in ("dark", "light"):
        window.set_theme(theme)
        qtbot.wait(50)
        ink = _ink(item_icon.pixmap(22, 22).toImage())
        text = QGuiApplication.palette().color(Role.WindowText)
        assert contrast_ratio(ink, QGuiApplication.palette().color(Role.Window)) >= 3, theme
        assert abs(ink.lightness() - text.lightness()) < 40, theme
        seen[theme] = [_ink(p.pixmap().toImage()).lightness() for p in pictures]
    assert all(dark > light for dark, light in zip(seen["dark"], seen["light"], strict=True))
