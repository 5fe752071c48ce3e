"""Stable Cascade's VAE-like parts: stage A, the EfficientNet encoder, the previewer.

Markers from ComfyUI ``comfy/sd.py`` ``VAE.__init__`` (Comfy-Org/ComfyUI @35ead008):
``vquantizer.codebook.weight`` (stage A VQGAN), ``backbone.1.0.block.0.1.num_batches_tracked``
(effnet encoder), ``blocks.11.num_batches_tracked`` (previewer) and the combined file
with both under ``encoder.``/``previewer.``.
"""

from __future__ import annotations

from app.core.inspection.vae_families.hints import Hints
from app.core.inspection.vae_families.match import LAYOUT_ORIGINAL, Keys, VaeMatch


def detect(keys: Keys, hints: Hints) -> VaeMatch | None:
    """One of the four Stable Cascade files ComfyUI's VAELoader accepts."""
    if "vquantizer.codebook.weight" in keys:
        latent = keys.dim("vquantizer.codebook.weight", 1)
        return VaeMatch(
            "stable-cascade-stage-a",
            "VQGAN codebook: Stable Cascade stage A",
            LAYOUT_ORIGINAL,
            latent,
            True,
            True,
        )
    if "backbone.1.0.block.0.1.num_batches_tracked" in keys:
        latent = keys.dim("mapper.0.weight", 0) or 16
        return VaeMatch(
            "stable-cascade-effnet",
            "EfficientNet backbone: Stable Cascade's stage C encoder (encoder only)",
            LAYOUT_ORIGINAL,
            latent,
            True,
            False,
        )
    if "encoder.backbone.1.0.block.0.1.num_batches_tracked" in keys:
        latent = keys.dim("encoder.mapper.0.weight", 0) or 16
        dec = keys.prefixed("previewer.")
        return VaeMatch(
            "stable-cascade-stage-c-coder",
            "EfficientNet encoder" + (" and previewer" if dec else "") + " of Stable Cascade",
            LAYOUT_ORIGINAL,
            latent,
            True,
            dec,
        )
    if "blocks.11.num_batches_tracked" in keys:
        latent = keys.dim("blocks.0.weight", 1) or 16
        return VaeMatch(
            "stable-cascade-previewer",
            "BatchNorm conv stack: Stable Cascade's previewer (decoder only)",
            LAYOUT_ORIGINAL,
            latent,
            False,
            True,
        )
    return None
