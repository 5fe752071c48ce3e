"""The first frame's icons as PNGs, kept between starts: the sidebar draws without QtSvg.

Importing QtSvg and parsing and rendering the sidebar's SVGs cost 2-3 ms of
the first frame. Every tinted icon is drawn through a pixmap named by all its
pixels depend on (icon, a checksum of its SVG, colour, size, pixel ratio).
After the first paint the window keeps the pixmaps that frame drew as PNG
files (:meth:`IconCache.keep_first_frame`) and the next start draws them from
those files; anything else is rendered from its SVG as before. The folder
holds only the last first frame's set, so it never grows.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QPixmap

FOLDER_NAME = "icons"


def icon_key(name: str, svg: str, colour: str, width: int, height: int, ratio: float) -> str:
    """A file name that changes whenever the pixels would (``colour`` as ``#rrggbb``)."""
    crc = zlib.crc32(svg.encode("utf-8"))
    return f"{name}-{crc:08x}-{colour.lstrip('#')}-{width}x{height}@{ratio:g}.png"


class IconCache:
    """Drawn icon pixmaps of this run, and the PNGs the last start's first frame left."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._pixmaps: dict[str, QPixmap] = {}
        self._first_frame: dict[str, QPixmap] = {}  # what the first frame drew, to keep
        self._kept = False

    def folder(self) -> Path:
        """Where the PNGs live (the app's cache folder, so ``$VAE_MANAGER_HOME`` moves it)."""
        if self._folder is None:  # resolved once: every icon of the first frame asks
            from app.core.paths import app_paths

            self._folder = app_paths().cache_dir / FOLDER_NAME
        return self._folder

    def lookup(self, key: str) -> QPixmap | None:
        """The pixmap for ``key``: drawn this run, or (before the first frame is kept) a PNG."""
        pixmap = self._pixmaps.get(key)
        if pixmap is None and not self._kept:
            pixmap = self._load(key)
            if pixmap is not None:
                self.record(key, pixmap)
        return pixmap

    def record(self, key: str, pixmap: QPixmap) -> None:
        """Remember a pixmap drawn for ``key`` (and keep it if the first frame drew it)."""
        self._pixmaps[key] = pixmap
        if not self._kept:
            self._first_frame[key] = pixmap

    def keep_first_frame(self) -> None:
        """Save the first frame's icons for the next start and drop the other PNGs (once)."""
        if self._kept:
            return
        self._kept = True
        keep, self._first_frame = self._first_frame, {}
        folder = self.folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for key, pixmap in keep.items():
                if not (folder / key).exists():
                    _save(pixmap, folder / key)
            for old in folder.glob("*.png"):
                if old.name not in keep:
                    old.unlink(missing_ok=True)
        except OSError:
            return  # a cache only: the next start renders from the SVGs instead

    def _load(self, key: str) -> QPixmap | None:
        path = self.folder() / key
        if not path.is_file():
            return None
        from PySide6.QtGui import QPixmap

        pixmap = QPixmap(str(path))
        if pixmap.isNull():
            return None
        ratio = float(key.rsplit("@", 1)[1].removesuffix(".png"))
        pixmap.setDevicePixelRatio(ratio)
        return pixmap


def _save(pixmap: QPixmap, target: Path) -> None:
    """Write to an exclusive temporary name, then rename into place (readers never see half)."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        if pixmap.save(str(temp), "PNG"):
            os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


CACHE = IconCache()  # the process's one cache (tests put a fresh one in its place)
