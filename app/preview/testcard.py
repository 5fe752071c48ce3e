"""The app's own test card: what a VAE must reproduce to look right.

Drawn by the app (no shipped image, no licence question), the same bytes on
every run with the same Pillow build. It holds what VAEs get wrong first:
anti-aliased text at several sizes, 1-pixel lines and checkerboards, smooth
gradients (banding), saturated colour patches and a face with eyes (people
notice broken eyes at once).
Layout is designed at 512 px and scaled for other sizes.
"""

from __future__ import annotations

import hashlib

import numpy as np

from app.preview import draw

TEST_CARD_VERSION = 2  # shown on the card; bump when the drawing changes
DEFAULT_SIZE = 512
WHITE, BLACK, GREY = (255, 255, 255), (0, 0, 0), (128, 128, 128)
PATCHES = (
    (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0),
    (0, 255, 255), (255, 0, 255), (255, 255, 255), (0, 0, 0),
    (115, 82, 68), (194, 150, 130), (98, 122, 157), (87, 108, 67),
    (214, 126, 44), (80, 91, 166), (64, 64, 64), (192, 192, 192),
)  # fmt: skip
SAMPLE_TEXT = "The quick brown fox jumps over the lazy dog 0123456789"
DETAIL_TEXT = "Sharp edges, thin lines and eyes: (%) +-=/?! #1 {}[] @&"


def make_test_card(size: int = DEFAULT_SIZE) -> np.ndarray:
    """The test card as uint8 RGB (size, size, 3); size must be a multiple of 8, >= 128."""
    if size % 8 or size < 128:
        raise ValueError("test card size must be a multiple of 8 and at least 128")
    canvas = np.full((size, size, 3), GREY, dtype=np.uint8)

    def u(value: int) -> int:
        return value * size // DEFAULT_SIZE

    _gradients(canvas, u)
    _patches(canvas, u)
    _face(canvas, u)
    _lines(canvas, u)
    _checks(canvas, u)
    _texts(canvas, u)
    _frame(canvas)
    return canvas


def card_digest(card: np.ndarray) -> str:
    """A short content hash of a card: cached sample latents are keyed on it."""
    return hashlib.blake2b(np.ascontiguousarray(card).tobytes(), digest_size=8).hexdigest()


def _gradients(canvas: np.ndarray, u) -> None:
    width = canvas.shape[1]
    bands = [
        draw.ramp(width, BLACK, WHITE),
        draw.hue_ramp(width),
        draw.ramp(width, BLACK, (255, 0, 0)),
        draw.ramp(width, BLACK, (0, 255, 0)),
        draw.ramp(width, BLACK, (0, 0, 255)),
    ]
    edges = [u(4), u(20), u(36), u(46), u(56), u(66)]
    for band, top, bottom in zip(bands, edges, edges[1:], strict=False):
        canvas[top:bottom] = band[None, :, :]


def _patches(canvas: np.ndarray, u) -> None:
    for index, colour in enumerate(PATCHES):
        col, row = index % 8, index // 8
        x0, y0 = u(16 + col * 60), u(74 + row * 34)
        draw.fill_rect(canvas, x0, y0, x0 + u(56), y0 + u(30), colour)


def _face(canvas: np.ndarray, u) -> None:
    cx, cy = u(128), u(272)
    draw.fill_ellipse(canvas, cx, cy, u(96), u(112), (224, 180, 150))  # head
    draw.fill_ellipse(canvas, cx, u(176), u(96), u(36), (70, 45, 30))  # hair
    for side in (-1, 1):
        ex = cx + side * u(38)
        draw.fill_rect(canvas, ex - u(22), u(226), ex + u(22), u(231), (60, 40, 30))  # brow
        draw.fill_ellipse(canvas, ex, u(252), u(22), u(13), WHITE)  # eye white
        draw.fill_ellipse(canvas, ex, u(252), u(11), u(11), (60, 110, 170))  # iris
        draw.fill_ellipse(canvas, ex, u(252), u(5), u(5), BLACK)  # pupil
        draw.fill_ellipse(canvas, ex + u(4), u(248), u(2), u(2), WHITE)  # highlight
    draw.line(canvas, cx, u(262), cx - u(8), u(300), (150, 100, 80))  # nose
    draw.line(canvas, cx - u(8), u(300), cx + u(6), u(302), (150, 100, 80))
    mouth = draw.ellipse_mask(canvas.shape[0], canvas.shape[1], cx, u(318), u(40), u(22))
    mouth[: u(318)] = False  # lower half only: a smile
    inner = draw.ellipse_mask(canvas.shape[0], canvas.shape[1], cx, u(318), u(36), u(16))
    canvas[mouth & ~inner] = (170, 40, 50)


def _lines(canvas: np.ndarray, u) -> None:
    x0, y0, x1, y1 = u(264), u(150), u(496), u(300)
    draw.fill_rect(canvas, x0, y0, x1, y1, WHITE)
    for group, period in enumerate((2, 3, 4, 6)):  # vertical 1-px lines, finer to coarser
        left = x0 + u(4) + group * u(28)
        for x in range(left, left + u(24), period):
            draw.fill_rect(canvas, x, y0 + u(4), x + 1, y0 + u(70), BLACK)
    for group, period in enumerate((2, 3, 4, 6)):  # horizontal ones
        top = y0 + u(78) + group * u(17)
        for y in range(top, top + u(14), period):
            draw.fill_rect(canvas, x0 + u(4), y, x0 + u(108), y + 1, BLACK)
    fan_x, fan_y = x0 + u(120), y1 - u(4)
    for step in range(13):  # a fan of thin lines: aliasing shows as moire near the hub
        draw.line(canvas, fan_x, fan_y, x0 + u(120) + step * u(9), y0 + u(4), BLACK)
        draw.line(canvas, fan_x, fan_y, x1 - u(4), y0 + u(4) + step * u(11), (200, 0, 0))


def _checks(canvas: np.ndarray, u) -> None:
    ys, xs = np.mgrid[0 : canvas.shape[0], 0 : canvas.shape[1]]
    for index, cell in enumerate((1, 2, 4)):
        left, top = u(264) + index * u(48), u(310)
        region = (slice(top, top + u(40)), slice(left, left + u(40)))
        odd = ((ys[region] // cell + xs[region] // cell) % 2).astype(bool)
        canvas[region] = np.where(odd[:, :, None], BLACK, WHITE)
    cx, cy = u(448), u(350)
    draw.fill_ellipse(canvas, cx, cy, u(40), u(40), WHITE)
    for radius in range(u(40), 0, -u(6) or -1):
        draw.ring(canvas, cx, cy, radius, 1, BLACK)


def _texts(canvas: np.ndarray, u) -> None:
    x = u(16)
    draw.text(canvas, x, u(396), "VAE Manager test card", u(24), WHITE)
    draw.text(canvas, x, u(424), "Fine text 16 px: 0123456789 AaBbGgQqRr", u(16), BLACK)
    y = u(446)
    for words, size in ((SAMPLE_TEXT, 12), (DETAIL_TEXT, 10), ("1:1 pixel text at 8 px", 8)):
        y += draw.text(canvas, x, y, words, u(size), WHITE) + u(5)
    draw.text(canvas, u(432), u(470), f"v{TEST_CARD_VERSION}", u(24), (255, 220, 0))


def _frame(canvas: np.ndarray) -> None:
    canvas[:2], canvas[-2:], canvas[:, :2], canvas[:, -2:] = WHITE, WHITE, WHITE, WHITE
    canvas[2:3, 2:-2], canvas[-3:-2, 2:-2] = BLACK, BLACK
    canvas[2:-2, 2:3], canvas[2:-2, -3:-2] = BLACK, BLACK
