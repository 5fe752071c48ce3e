"""The zlib+numpy PNG codec against PNGs built byte by byte here (every filter, every type)."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from app.core.errors import UserError
from app.preview.png import SIGNATURE, decode_png, encode_png, read_png, to_rgb01, write_png


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _filter_rows(rows: list[bytes], filters: list[int], bpp: int) -> bytes:
    """The PNG spec's forward filters, byte by byte (the slow, obvious way)."""
    out, previous = bytearray(), bytes(len(rows[0]))
    for row, kind in zip(rows, filters, strict=True):
        out.append(kind)
        for i, value in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b, c = previous[i], previous[i - bpp] if i >= bpp else 0
            predictor = [0, a, b, (a + b) // 2, _paeth(a, b, c)][kind]
            out.append((value - predictor) % 256)
        previous = row
    return bytes(out)


def _png(width, height, depth, colour, rows, filters=None, extra=b"", interlace=0) -> bytes:
    bpp = max(1, depth * {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour] // 8)
    filters = filters or [0] * height
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace)
    data = zlib.compress(_filter_rows(rows, filters, bpp))
    return (
        SIGNATURE + _chunk(b"IHDR", header) + extra + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")
    )


def _pixels(shape, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


@pytest.mark.parametrize("shape", [(9, 7, 3), (5, 11, 4), (6, 6)])
def test_write_then_read_round_trips_exactly(tmp_path, shape):
    pixels = _pixels(shape)
    write_png(tmp_path / "x.png", pixels)
    back = read_png(tmp_path / "x.png")
    assert np.array_equal(back.reshape(pixels.shape), pixels)


def test_every_filter_type_is_undone(tmp_path):
    pixels = _pixels((10, 13, 3), seed=1)
    pixels[:4] = np.arange(13, dtype=np.uint8)[None, :, None] * 9  # smooth rows too
    rows = [bytes(row) for row in pixels.reshape(10, -1)]
    filters = [0, 1, 2, 3, 4, 4, 3, 2, 1, 0]
    decoded = decode_png(_png(13, 10, 8, 2, rows, filters))
    assert np.array_equal(decoded, pixels)


def test_sixteen_bit_rgba_and_grey_alpha():
    values = np.random.default_rng(2).integers(0, 65536, (4, 5, 4), dtype=np.uint16)
    rows = [values[r].astype(">u2").tobytes() for r in range(4)]
    decoded = decode_png(_png(5, 4, 16, 6, rows, [4, 3, 1, 2]))
    assert decoded.dtype == np.uint16 and np.array_equal(decoded, values)
    grey_alpha = _pixels((3, 4, 2), seed=3)
    decoded = decode_png(_png(4, 3, 8, 4, [bytes(r) for r in grey_alpha.reshape(3, -1)]))
    rgb = to_rgb01(decoded)
    assert rgb.shape == (3, 4, 3) and np.array_equal(rgb[..., 0], rgb[..., 2])
    np.testing.assert_allclose(rgb[..., 1], grey_alpha[..., 0] / 255.0, rtol=1e-6)


def test_palette_with_transparency_and_one_bit_greyscale():
    indices = np.array([[0, 1, 2, 1, 0], [2, 2, 1, 0, 0]], dtype=np.uint8)
    palette = bytes([255, 0, 0, 0, 255, 0, 0, 0, 255])
    extra = _chunk(b"PLTE", palette) + _chunk(b"tRNS", bytes([10]))
    decoded = decode_png(_png(5, 2, 8, 3, [bytes(r) for r in indices], extra=extra))
    expected = np.array([[255, 0, 0, 10], [0, 255, 0, 255], [0, 0, 255, 255]])[indices]
    assert np.array_equal(decoded, expected)
    bits = np.array([[1, 0, 1, 1, 0, 0, 1, 0, 1], [0, 1, 0, 0, 1, 1, 0, 1, 0]], dtype=np.uint8)
    rows = [np.packbits(r).tobytes() for r in bits]
    assert np.array_equal(decode_png(_png(9, 2, 1, 0, rows))[..., 0], bits)


def test_png_bytes_are_deterministic():
    pixels = _pixels((16, 16, 3), seed=4)
    assert encode_png(pixels) == encode_png(pixels.copy())


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"GIF89a....", "not a PNG"),
        (_png(2, 2, 8, 2, [bytes(6)] * 2, interlace=1), "interlaced"),
        (_png(2, 2, 8, 2, [bytes(6)] * 2)[:-20], "truncated"),
        (_png(2, 2, 8, 2, [bytes(6)] * 2).replace(b"IDAT", b"IDAt", 1), "fails CRC"),
        (_png(2, 2, 8, 3, [bytes(2)] * 2), "palette is missing"),
        (_png(2, 2, 3, 2, [bytes(6)] * 2), "invalid PNG format"),
    ],
    ids=["not-png", "interlaced", "truncated", "crc", "no-palette", "bad-depth"],
)
def test_damaged_or_unsupported_pngs_are_refused(blob, message):
    with pytest.raises(UserError, match=message):
        decode_png(blob)
