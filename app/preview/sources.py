"""Where a preview's picture comes from when it is not a latent file: a user's image."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.core.errors import UserError
from app.preview.images import LoadedImage, read_image


def load_image(path: Path, multiple: int) -> LoadedImage:
    """RGB [0, 1], centre-cropped so both sides are multiples of the VAE's downscale."""
    loaded = read_image(path)
    rgb = loaded.rgb
    height, width = (rgb.shape[0] // multiple) * multiple, (rgb.shape[1] // multiple) * multiple
    least = max(16, multiple)
    if height < least or width < least:
        raise UserError(
            f"{Path(path).name} is too small to encode: this VAE needs at least "
            f"{least}x{least} pixels."
        )
    top, left = (rgb.shape[0] - height) // 2, (rgb.shape[1] - width) // 2
    cropped = np.ascontiguousarray(rgb[top : top + height, left : left + width])
    notes = loaded.notes
    if cropped.shape[:2] != rgb.shape[:2]:
        notes = (
            *notes,
            f"{Path(path).name} was centre-cropped from {rgb.shape[1]}x{rgb.shape[0]} to "
            f"{width}x{height} (sides must be multiples of {multiple}).",
        )
    return LoadedImage(cropped, notes)
