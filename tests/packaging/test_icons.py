"""The committed icons are what make_icons.py renders, and Qt reads the ICO and ICNS back."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QImageReader

from tests.packaging.load import PACKAGING, load

make_icons = load("make_icons.py")
ICONS = PACKAGING / "icons"


def _sizes(path: Path) -> list[int]:
    reader = QImageReader(str(path))
    sizes = []
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull() and image.width() == image.height()
        sizes.append(image.width())
    return sizes


def _pixels_differing(fresh: Path, committed: Path) -> int:
    """Pixels whose channels differ by more than antialiasing noise between two images."""
    a, b = QImage(str(fresh)), QImage(str(committed))
    assert a.size() == b.size(), f"run packaging/make_icons.py: {fresh.name} changed size"
    differing = 0
    for y in range(a.height()):
        for x in range(a.width()):
            pa, pb = a.pixelColor(x, y), b.pixelColor(x, y)
            channels = zip(pa.getRgb(), pb.getRgb(), strict=True)
            differing += any(abs(ca - cb) > 24 for ca, cb in channels)
    return differing


def test_committed_icons_are_up_to_date(qapp, tmp_path: Path) -> None:
    # Qt's rasteriser differs by a few antialiased edge pixels between CPUs and library
    # builds, so the PNGs are compared as pixels with a small tolerance, not as bytes.
    written = make_icons.build_icons(tmp_path)
    assert len(written) == len(make_icons.PNG_SIZES) + 3
    for path in written:
        committed = ICONS / path.name
        if path.suffix == ".png":
            size = QImage(str(path)).width()
            allowed = max(2, size * size // 200)
            assert _pixels_differing(path, committed) <= allowed, (
                f"run packaging/make_icons.py: {path.name} differs"
            )
        else:  # ICO/ICNS hold the same renders: their length moves by a few bytes at most
            fresh_len, committed_len = path.stat().st_size, committed.stat().st_size
            assert abs(fresh_len - committed_len) <= committed_len // 100, (
                f"run packaging/make_icons.py: {path.name} differs"
            )


def test_png_sizes_and_transparency(qapp) -> None:
    for size in make_icons.PNG_SIZES:
        image = QImageReader(str(ICONS / f"vae-manager-{size}.png")).read()
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel() and image.pixelColor(0, 0).alpha() == 0  # rounded corner


def test_ico_holds_every_windows_size(qapp) -> None:
    path = ICONS / "vae-manager.ico"
    assert _sizes(path) == list(make_icons.ICO_SIZES)
    reserved, kind, count = struct.unpack_from("<HHH", path.read_bytes())
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))


def test_icns_holds_every_mac_size(qapp) -> None:
    path = ICONS / "vae-manager.icns"
    data = path.read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    assert sorted(_sizes(path)) == sorted(size for _, size in make_icons.ICNS_TYPES)


def test_ico_rejects_sizes_windows_cannot_store() -> None:
    with pytest.raises(ValueError, match="1..256"):
        make_icons.ico_bytes({512: b"png"})
