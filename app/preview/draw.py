"""Drawing on a numpy RGB canvas for the test card: integer shapes, Pillow text.

Shapes use no floating point transcendental functions (circles compare squared
integer distances, gradients use integer division), so their bytes do not depend
on the platform's maths library. Text is anti-aliased, as in generated images,
drawn by Pillow with its bundled font (Aileron through FreeType; Pillow's bitmap
font where FreeType is missing). Rasterisers may differ by a grey level between
FreeType builds, so cached sample latents are keyed on the card's pixels
(:func:`app.preview.testcard.card_digest`), not on a version number alone.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

Colour = tuple[int, int, int]


def fill_rect(canvas: np.ndarray, x0: int, y0: int, x1: int, y1: int, colour: Colour) -> None:
    """Fill [x0, x1) x [y0, y1), clipped to the canvas."""
    canvas[max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)] = colour


def ellipse_mask(height: int, width: int, cx: int, cy: int, rx: int, ry: int) -> np.ndarray:
    """Pixels whose centres lie inside the axis-aligned ellipse (integer test)."""
    ys, xs = np.mgrid[0:height, 0:width]
    dx, dy = (2 * xs + 1 - 2 * cx) * ry, (2 * ys + 1 - 2 * cy) * rx
    return dx * dx + dy * dy <= (2 * rx * ry) ** 2


def fill_ellipse(canvas: np.ndarray, cx: int, cy: int, rx: int, ry: int, colour: Colour) -> None:
    """Fill an ellipse centred on pixel corner (cx, cy) with radii rx, ry."""
    mask = ellipse_mask(canvas.shape[0], canvas.shape[1], cx, cy, max(rx, 1), max(ry, 1))
    canvas[mask] = colour


def ring(canvas: np.ndarray, cx: int, cy: int, radius: int, thickness: int, colour: Colour) -> None:
    """A circle outline ``thickness`` pixels wide."""
    outer = ellipse_mask(canvas.shape[0], canvas.shape[1], cx, cy, radius, radius)
    inner_r = max(radius - thickness, 0)
    inner = ellipse_mask(canvas.shape[0], canvas.shape[1], cx, cy, inner_r, inner_r)
    canvas[outer & ~inner] = colour


def line(canvas: np.ndarray, x0: int, y0: int, x1: int, y1: int, colour: Colour) -> None:
    """A 1-pixel line through integer steps (like Bresenham, rounding half up)."""
    steps = max(abs(x1 - x0), abs(y1 - y0), 1)
    t = np.arange(steps + 1)
    xs = x0 + ((x1 - x0) * 2 * t + steps) // (2 * steps)
    ys = y0 + ((y1 - y0) * 2 * t + steps) // (2 * steps)
    keep = (xs >= 0) & (ys >= 0) & (xs < canvas.shape[1]) & (ys < canvas.shape[0])
    canvas[ys[keep], xs[keep]] = colour


def text(canvas: np.ndarray, x: int, y: int, message: str, size: int, colour: Colour) -> int:
    """Draw one line of anti-aliased text, top-left at (x, y); returns its height in pixels."""
    font = _font(size)
    left, top, right, bottom = (round(v) for v in font.getbbox(message, anchor="lt"))
    coverage = Image.new("L", (max(right - left, 1), max(bottom - top, 1)), 0)
    ImageDraw.Draw(coverage).text((-left, -top), message, fill=255, font=font, anchor="lt")
    blend(canvas, x, y, np.asarray(coverage, dtype=np.int32), colour)
    return bottom - top


def blend(canvas: np.ndarray, x: int, y: int, alpha: np.ndarray, colour: Colour) -> None:
    """Mix ``colour`` into the canvas by ``alpha`` (0-255), integer rounding, clipped."""
    region = canvas[y : y + alpha.shape[0], x : x + alpha.shape[1]]
    a = alpha[: region.shape[0], : region.shape[1], None]
    mixed = (region.astype(np.int32) * (255 - a) + np.array(colour, np.int32) * a + 127) // 255
    region[...] = mixed.astype(np.uint8)


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=max(size, 6))


def ramp(length: int, start: Colour, end: Colour) -> np.ndarray:
    """(length, 3) uint8 colours going linearly from start to end (integer rounding)."""
    t = np.arange(length)[:, None]
    a, b = np.array(start)[None, :], np.array(end)[None, :]
    span = max(length - 1, 1)
    return ((a * (span - t) + b * t + span // 2) // span).astype(np.uint8)


def hue_ramp(length: int) -> np.ndarray:
    """(length, 3) uint8 fully saturated hues from red round to red, integer only."""
    position = np.arange(length) * 1530 // max(length, 1)  # 6 segments of 255
    segment, offset = position // 255, position % 255
    up, down = offset, 255 - offset
    full, zero = np.full_like(offset, 255), np.zeros_like(offset)
    table = [
        (full, up, zero),
        (down, full, zero),
        (zero, full, up),
        (zero, down, full),
        (up, zero, full),
        (full, zero, down),
    ]
    out = np.zeros((length, 3), dtype=np.int64)
    for index, (r, g, b) in enumerate(table):
        pick = segment == index
        out[pick] = np.stack([r, g, b], axis=1)[pick]
    return out.astype(np.uint8)
