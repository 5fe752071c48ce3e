"""The first frame's icons, kept as PNGs: the same pixels, redrawn when anything changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPainter, QPalette

from app.gui import icon_cache, icons


@pytest.fixture
def fresh_start(monkeypatch, tmp_path: Path):
    """A new process's cache over ``tmp_path/icons``, and icons made anew (no memo)."""

    def start() -> icon_cache.IconCache:
        cache = icon_cache.IconCache(tmp_path / "icons")
        monkeypatch.setattr(icon_cache, "CACHE", cache)
        icons.icon.cache_clear()
        return cache

    yield start
    icons.icon.cache_clear()


def draw(name: str, mode: QIcon.Mode = QIcon.Mode.Normal) -> QImage:
    """The icon as a 22x22 sidebar item draws it (through the engine's ``paint``)."""
    image = QImage(22, 22, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor.fromRgbF(0, 0, 0, 0))
    painter = QPainter(image)
    icons.icon(name).paint(painter, QRect(0, 0, 22, 22), mode=mode)
    painter.end()
    return image


def no_svg(*_args) -> None:
    raise AssertionError("rendered from the SVG although a kept PNG was there")


def test_the_next_start_draws_the_kept_pixels_without_the_svg(qapp, fresh_start, monkeypatch):
    fresh_start()
    from_svg = draw("library")
    assert any(from_svg.pixelColor(x, y).alpha() for x in range(22) for y in range(22))
    icon_cache.CACHE.keep_first_frame()
    kept = sorted(p.name for p in (icon_cache.CACHE.folder()).iterdir())
    assert len(kept) == 1 and kept[0].startswith("library-") and kept[0].endswith("@1.png")

    fresh_start()
    monkeypatch.setattr(icons._TintedSvgEngine, "_render", no_svg)
    assert draw("library") == from_svg


def test_a_new_colour_or_svg_is_drawn_anew_and_only_the_last_frame_is_kept(
    qapp, fresh_start, monkeypatch
) -> None:
    cache = fresh_start()
    draw("library")
    draw("download")
    cache.keep_first_frame()
    before = {p.name for p in cache.folder().iterdir()}
    assert len(before) == 2

    cache = fresh_start()
    palette = QGuiApplication.palette()
    changed = QPalette(palette)
    changed.setColor(QPalette.ColorRole.WindowText, QColor.fromString("#c01020"))
    QGuiApplication.setPalette(changed)
    try:
        red = draw("library")  # another colour: another key, drawn from the SVG in red
    finally:
        QGuiApplication.setPalette(palette)
    pixels = [red.pixelColor(x, y) for x in range(22) for y in range(22)]
    assert any(c.alpha() > 200 and c.red() > 150 and c.green() < 80 for c in pixels)
    edited = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><rect width="2" height="2"/>'
    )
    edited += "</svg>"
    monkeypatch.setattr(icons, "_svg_text", lambda name: edited)
    icons.icon.cache_clear()
    assert draw("download").pixelColor(11, 11).alpha() == 255  # the edited file, not the PNG
    cache.keep_first_frame()
    after = {p.name for p in cache.folder().iterdir()}
    assert len(after) == 2 and not after & before  # the older frame's PNGs are gone
    assert any(n.startswith("library-") and "-c01020-" in n for n in after)


def test_a_broken_kept_file_is_drawn_from_the_svg(qapp, fresh_start) -> None:
    cache = fresh_start()
    from_svg = draw("preview")
    cache.keep_first_frame()
    (kept,) = cache.folder().iterdir()
    kept.write_bytes(b"not a png")
    fresh_start()
    assert draw("preview") == from_svg
