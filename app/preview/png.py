"""A minimal PNG reader and writer on zlib + numpy (no Pillow, no Qt).

The preview engine must write PNGs and read users' PNGs without adding a
dependency (Pillow is not one of ours, and Qt is banned on this side).
Reads non-interlaced PNGs of every colour type: greyscale, RGB, palette,
with or without alpha, at 1/2/4/8/16 bits; writes 8-bit grey, RGB or RGBA.
The five row filters are undone along anti-diagonals (a wavefront), so each
numpy step handles many pixels and a 2048x2048 image still reads in a second.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

from app.core.errors import UserError

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type -> samples per pixel
_ALLOWED_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_COLOUR_TYPE_OF = {1: 0, 3: 2, 4: 6}  # channels -> colour type we write


def encode_png(pixels: np.ndarray) -> bytes:
    """PNG bytes for uint8 pixels (H, W), (H, W, 1), (H, W, 3) or (H, W, 4); deterministic."""
    array = np.asarray(pixels)
    if array.dtype != np.uint8:
        raise ValueError("encode_png takes uint8 pixels")
    if array.ndim == 2:
        array = array[:, :, None]
    height, width, channels = array.shape
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOUR_TYPE_OF[channels], 0, 0, 0)
    rows = array.reshape(height, width * channels).astype(np.int16)
    sub = np.empty_like(rows)  # filter type 1 (Sub): each byte minus the same channel to its left
    sub[:, :channels] = rows[:, :channels]
    sub[:, channels:] = rows[:, channels:] - rows[:, :-channels]
    filtered = np.concatenate([np.ones((height, 1), np.int16), sub & 0xFF], axis=1)
    data = zlib.compress(filtered.astype(np.uint8).tobytes(), 6)
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def write_png(path: Path, pixels: np.ndarray) -> None:
    """Write :func:`encode_png` output to ``path``."""
    Path(path).write_bytes(encode_png(pixels))


def read_png(path: Path) -> np.ndarray:
    """Decode a PNG file to (H, W, C) uint8 or uint16 samples; palette images come out RGB(A)."""
    try:
        blob = Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"Cannot read image {path}: {exc.strerror or exc}") from exc
    return decode_png(blob, name=str(path))


def decode_png(blob: bytes, *, name: str = "image") -> np.ndarray:
    """Decode PNG bytes (see :func:`read_png`)."""
    if not blob.startswith(SIGNATURE):
        raise UserError(f"{name} is not a PNG file (only PNG images can be opened).")
    chunks = _chunks(blob, name)
    if not chunks or chunks[0][0] != b"IHDR":
        raise UserError(f"{name} is a damaged PNG: it does not start with a header chunk.")
    width, height, depth, colour, _comp, _filt, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if colour not in _CHANNELS or depth not in _ALLOWED_DEPTHS[colour]:
        raise UserError(f"{name} uses an invalid PNG format (colour type {colour}, {depth} bit).")
    if interlace:
        raise UserError(f"{name} is an interlaced PNG; re-save it without interlacing.")
    try:
        raw = zlib.decompress(b"".join(data for kind, data in chunks if kind == b"IDAT"))
    except zlib.error as exc:
        raise UserError(f"{name} is a damaged PNG: {exc}") from exc
    channels = _CHANNELS[colour]
    bits_per_pixel = channels * depth
    stride = (width * bits_per_pixel + 7) // 8
    if len(raw) < height * (stride + 1):
        raise UserError(f"{name} is a damaged PNG: its pixel data is truncated.")
    rows = np.frombuffer(raw, np.uint8, height * (stride + 1)).reshape(height, stride + 1)
    if rows[:, 0].max(initial=0) > 4:
        raise UserError(f"{name} is a damaged PNG: unknown row filter {rows[:, 0].max()}.")
    plain = unfilter(rows[:, 0], rows[:, 1:], max(1, bits_per_pixel // 8))
    samples = _samples(plain, width, channels, depth)
    if colour == 3:
        palette = dict(chunks).get(b"PLTE", b"")
        samples = _apply_palette(samples[:, :, 0], palette, dict(chunks).get(b"tRNS"), name)
    return samples


def unfilter(types: np.ndarray, data: np.ndarray, bpp: int) -> np.ndarray:
    """Undo PNG row filters; ``data`` is (H, stride) bytes, ``bpp`` bytes per pixel."""
    height, stride = data.shape
    cols = stride // bpp
    filtered = data.reshape(height, cols, bpp).astype(np.int16)
    out = np.zeros((height + 1, cols + 1, bpp), np.int16)  # padded: row -1 and column -1 are 0
    kinds = types.astype(np.int16)
    for diagonal in range(height + cols - 1):
        r = np.arange(max(0, diagonal - cols + 1), min(height - 1, diagonal) + 1)
        x = diagonal - r
        left, up, corner = out[r + 1, x], out[r, x + 1], out[r, x]
        kind = kinds[r][:, None]
        predicted = np.select(
            [kind == 1, kind == 2, kind == 3, kind == 4],
            [left, up, (left + up) >> 1, _paeth(left, up, corner)],
            0,
        )
        out[r + 1, x + 1] = (filtered[r, x] + predicted) & 0xFF
    return out[1:, 1:].reshape(height, stride).astype(np.uint8)


def _paeth(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    p = a + b - c
    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


def _samples(plain: np.ndarray, width: int, channels: int, depth: int) -> np.ndarray:
    height = plain.shape[0]
    if depth == 16:
        values = plain.view(">u2").astype(np.uint16)
        return values[:, : width * channels].reshape(height, width, channels)
    if depth == 8:
        return plain[:, : width * channels].reshape(height, width, channels)
    bits = np.unpackbits(plain, axis=1)[:, : width * depth].reshape(height, width, depth)
    weights = (1 << np.arange(depth - 1, -1, -1)).astype(np.uint8)
    values = (bits * weights).sum(axis=2).astype(np.uint8)
    return values[:, :, None]


def _apply_palette(
    indices: np.ndarray, palette: bytes, transparency: bytes | None, name: str
) -> np.ndarray:
    if not palette or len(palette) % 3:
        raise UserError(f"{name} is a damaged PNG: its palette is missing.")
    table = np.frombuffer(palette, np.uint8).reshape(-1, 3)
    if transparency:
        alpha = np.full((len(table), 1), 255, np.uint8)
        alpha[: len(transparency), 0] = np.frombuffer(transparency[: len(table)], np.uint8)
        table = np.concatenate([table, alpha], axis=1)
    if indices.max(initial=0) >= len(table):
        raise UserError(f"{name} is a damaged PNG: a pixel refers past the palette.")
    return table[indices]


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _chunks(blob: bytes, name: str) -> list[tuple[bytes, bytes]]:
    chunks, pos = [], len(SIGNATURE)
    while pos + 8 <= len(blob):
        length, kind = struct.unpack(">I4s", blob[pos : pos + 8])
        data = blob[pos + 8 : pos + 8 + length]
        crc_bytes = blob[pos + 8 + length : pos + 12 + length]
        if len(data) != length or len(crc_bytes) != 4:
            raise UserError(f"{name} is a damaged PNG: it is truncated.")
        if struct.unpack(">I", crc_bytes)[0] != zlib.crc32(kind + data) & 0xFFFFFFFF:
            raise UserError(f"{name} is a damaged PNG: chunk {kind.decode('latin-1')} fails CRC.")
        chunks.append((kind, data))
        if kind == b"IEND":
            break
        pos += 12 + length
    return chunks


def to_rgb01(samples: np.ndarray) -> np.ndarray:
    """Samples from :func:`read_png` as float32 RGB (H, W, 3) in [0, 1]; alpha is dropped."""
    scale = 65535.0 if samples.dtype == np.uint16 else 255.0
    values = samples.astype(np.float32) / scale
    colour = values[:, :, :3] if values.shape[2] >= 3 else values[:, :, :1].repeat(3, axis=2)
    return np.ascontiguousarray(colour)


def to_uint8(rgb01: np.ndarray) -> np.ndarray:
    """Float RGB in [0, 1] to uint8 with round-half-up, clamping out-of-range values."""
    return (np.clip(rgb01, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
