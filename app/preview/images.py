"""Images in and out of the preview through Pillow (what A1111 and ComfyUI use).

Users bring PNG, JPEG or WebP files (and whatever else Pillow opens) for the
round trip; the preview writes PNGs. Everything is turned into float RGB in
[0, 1]: 16-bit greyscale keeps its precision, palette and CMYK images are
converted, the EXIF orientation is applied, and an alpha channel is dropped
with a note saying so (a VAE encodes three channels; the UIs drop it too).
Pillow reads 16-bit *colour* PNGs at 8 bits per channel; that is noted as
well, though 1/255 is far below any VAE's reconstruction error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.errors import UserError

MAX_PIXELS = 64 * 1024 * 1024  # larger images would not fit a VAE round trip anyway
_SIXTEEN_BIT_GREY = ("I;16", "I;16B", "I;16L", "I;16N", "I")  # "I": older Pillow
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True, eq=False)  # eq would compare numpy arrays
class LoadedImage:
    """An image as (H, W, 3) float32 RGB in [0, 1], and what was changed to get there."""

    rgb: np.ndarray
    notes: tuple[str, ...] = ()


def read_image(path: Path) -> LoadedImage:
    """Open an image file with Pillow; UserError if it is missing, damaged or too large."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Image not found: {path}")
    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_PIXELS:
                raise UserError(
                    f"{path.name} is {image.width}x{image.height} pixels; the preview takes "
                    f"images up to {MAX_PIXELS // 2**20} megapixels."
                )
            notes = _notes(image, path)
            return LoadedImage(_to_rgb01(ImageOps.exif_transpose(image)), notes)
    except UnidentifiedImageError as exc:
        raise UserError(
            f"{path.name} is not an image Pillow can open (PNG, JPEG, WebP, ...)."
        ) from exc
    except Image.DecompressionBombError as exc:
        raise UserError(f"{path.name} claims an implausibly large size: {exc}") from exc
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt data
        raise UserError(f"{path.name} is a damaged image: {exc}") from exc


def _notes(image: Image.Image, path: Path) -> tuple[str, ...]:
    notes = []
    if "A" in image.getbands() or "transparency" in image.info:
        notes.append(f"{path.name} has an alpha channel; it was dropped (the VAE sees RGB only).")
    if image.mode not in _SIXTEEN_BIT_GREY and _png_colour_depth(path) == 16:
        notes.append(
            f"{path.name} has 16 bits per colour channel; Pillow reads it at 8 bits, far finer "
            "than any VAE's reconstruction error."
        )
    return tuple(notes)


def _to_rgb01(image: Image.Image) -> np.ndarray:
    if image.mode in _SIXTEEN_BIT_GREY:  # 16-bit greyscale PNGs keep their precision
        grey = np.clip(np.asarray(image, dtype=np.float32) / 65535.0, 0.0, 1.0)
        return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2), dtype=np.float32)
    rgb = np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0  # alpha dropped here
    return np.ascontiguousarray(rgb, dtype=np.float32)


def _png_colour_depth(path: Path) -> int:
    """Bits per sample a PNG header states (Pillow keeps 8 of 16 for colour PNGs)."""
    with open(path, "rb") as handle:
        head = handle.read(26)
    if not head.startswith(_PNG_SIGNATURE) or len(head) < 26:
        return 8
    return head[24]


def to_uint8(rgb01: np.ndarray) -> np.ndarray:
    """Float RGB in [0, 1] to uint8 with round-half-up, clamping out-of-range values."""
    return (np.clip(rgb01, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def write_png(path: Path, rgb01: np.ndarray) -> None:
    """Write float RGB in [0, 1] (or uint8 pixels) as an 8-bit PNG."""
    pixels = rgb01 if rgb01.dtype == np.uint8 else to_uint8(rgb01)
    try:
        Image.fromarray(np.ascontiguousarray(pixels)).save(Path(path), format="PNG")
    except OSError as exc:
        raise UserError(f"Cannot write {path}: {exc.strerror or exc}") from exc
