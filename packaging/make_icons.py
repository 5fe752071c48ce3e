"""Render the app icon (``resources/icons/app.svg``) into what each platform's packaging wants.

Writes into ``packaging/icons/``: PNGs at every size the desktops ask for,
``vae-manager.ico`` (Windows: PNG entries, Vista and later) and
``vae-manager.icns`` (macOS: PNG entries), plus the SVG for Linux's scalable
icon. Qt only writes single-image ICO/ICNS files, so both containers are
assembled here; they are simple: a header, a table, the PNGs. The output is
committed; run ``python packaging/make_icons.py`` after changing the SVG.
"""

from __future__ import annotations

import os
import shutil
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_SVG = ROOT / "resources" / "icons" / "app.svg"
OUT_DIR = Path(__file__).resolve().parent / "icons"
BASENAME = "vae-manager"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS entry type -> pixel size (the ``@2x`` types reuse the larger renders).
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
    (b"ic09", 512), (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256),
    (b"ic14", 512),
)  # fmt: skip


def render_png(svg: bytes, size: int) -> bytes:
    """The SVG drawn into a transparent ``size`` x ``size`` PNG (needs a QGuiApplication)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise ValueError("the icon SVG could not be parsed")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows ICO holding one PNG per size (a width/height byte of 0 means 256)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    table, blobs = b"", b""
    for size in sizes:
        if not 0 < size <= 256:
            raise ValueError(f"ICO entries are 1..256 pixels, not {size}")
        side = size % 256  # 256 is written as 0
        data = pngs[size]
        table += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset + len(blobs))
        blobs += data
    return header + table + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS ICNS holding PNG entries: ``icns`` + length, then (type, length, data) blocks."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
        for kind, size in ICNS_TYPES
        if size in pngs
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def build_icons(out_dir: Path = OUT_DIR, svg_path: Path = SOURCE_SVG) -> list[Path]:
    """Write every icon file into ``out_dir``; returns the paths written."""
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    svg = svg_path.read_bytes()
    pngs = {size: render_png(svg, size) for size in PNG_SIZES}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for size, data in pngs.items():
        written.append(_write(out_dir / f"{BASENAME}-{size}.png", data))
    written.append(_write(out_dir / f"{BASENAME}.ico", ico_bytes({s: pngs[s] for s in ICO_SIZES})))
    written.append(_write(out_dir / f"{BASENAME}.icns", icns_bytes(pngs)))
    svg_copy = out_dir / f"{BASENAME}.svg"
    shutil.copyfile(svg_path, svg_copy)
    written.append(svg_copy)
    return written


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for written_path in build_icons():
        print(written_path.relative_to(ROOT))
