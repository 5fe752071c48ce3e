"""Instant latent preview without VAE weights: a per-family linear map to RGB.

This is what samplers show while they run (ComfyUI's "latent2rgb"): a 3x3-ish
colour guess at 1/8 resolution. It needs the family, because the factors
were fitted on latents in the diffusion model's space.
"""

from __future__ import annotations

import numpy as np

from app.core.inspection.records import FAMILY_SD1_OR_SDXL
from app.preview.families import DETECTED_ONLY, FAMILIES, SD1, LatentFamily, is_ambiguous


def latent_to_rgb(
    latent: np.ndarray, family: str | LatentFamily, *, scaled: bool = False, upscale: int = 1
) -> np.ndarray | None:
    """Approximate RGB (h*upscale, w*upscale, 3) float32 in [0, 1], or None if undefined.

    ``latent`` is (C, h, w) or (1, C, h, w); raw VAE space unless ``scaled``.
    Returns None when the family is unknown, or is "sd3-or-flux1" (their
    factors and shifts differ and nothing says which applies), or when the
    channel count does not match the family. "sd1-or-sdxl" uses SD1's factors.
    """
    conventions = _conventions(family)
    array = np.asarray(latent, dtype=np.float32)
    if array.ndim == 4 and array.shape[0] == 1:
        array = array[0]
    if conventions is None or array.ndim != 3 or array.shape[0] != conventions.channels:
        return None
    if not scaled:
        array = (array - conventions.shift) * conventions.scale
    factors = np.asarray(conventions.rgb_factors, dtype=np.float32)
    rgb = np.einsum("chw,ck->hwk", array, factors) + np.asarray(conventions.rgb_bias, np.float32)
    rgb = np.clip((rgb + 1.0) / 2.0, 0.0, 1.0)
    if upscale > 1:
        rgb = rgb.repeat(upscale, axis=0).repeat(upscale, axis=1)
    return rgb.astype(np.float32)


def _conventions(family: str | LatentFamily) -> LatentFamily | None:
    if isinstance(family, LatentFamily):
        return family
    if family == FAMILY_SD1_OR_SDXL:
        return SD1
    if is_ambiguous(family):
        return None
    return FAMILIES.get(family) or DETECTED_ONLY.get(family)
