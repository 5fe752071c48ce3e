"""Where a preview's latent comes from: a latent file or an image, made ready to decode."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from app.core.errors import UserError
from app.core.inspection.records import FAMILY_SD1_OR_SDXL
from app.preview.families import LatentFamily, describe_channels, is_ambiguous
from app.preview.png import read_png, to_rgb01


def check_channels(found: int, expected: int, name: str) -> None:
    """Refuse a latent of another family (4 vs 16 channels) with both sides named."""
    if found != expected:
        raise UserError(
            f"{name} is a {found}-channel latent ({describe_channels(found)}), but this VAE "
            f"decodes {expected}-channel latents ({describe_channels(expected)}). "
            "Use a VAE of the latent's family."
        )


def unscale(latent: torch.Tensor, family: str, conventions: LatentFamily) -> torch.Tensor:
    """Diffusion-model space back to the raw VAE latent: ``z / scale + shift``.

    SD1-or-SDXL uses SD1's factor (documented default); SD3-or-Flux refuses,
    because guessing would silently give the wrong colours.
    """
    if is_ambiguous(family) and family != FAMILY_SD1_OR_SDXL:
        raise UserError(
            f"This VAE could be SD3 or Flux ({family}), whose latent scale and shift differ; "
            "to undo the scaling, name the family: family=sd3 or family=flux1 (--family)."
        )
    return latent / conventions.scale + conventions.shift


def load_image(path: Path, multiple: int) -> np.ndarray:
    """RGB [0, 1], centre-cropped so both sides are multiples of the VAE's downscale."""
    if not Path(path).is_file():
        raise UserError(f"Image not found: {path}")
    rgb = to_rgb01(read_png(path))
    height, width = (rgb.shape[0] // multiple) * multiple, (rgb.shape[1] // multiple) * multiple
    if height < 16 or width < 16:
        raise UserError(f"{Path(path).name} is too small to encode (at least 16x16 pixels).")
    top, left = (rgb.shape[0] - height) // 2, (rgb.shape[1] - width) // 2
    return np.ascontiguousarray(rgb[top : top + height, left : left + width])
