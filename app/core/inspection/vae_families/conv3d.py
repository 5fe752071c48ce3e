"""Causal 3D KL VAEs with wrapped convs (``conv_in.conv``): HunyuanVideo, CogVideoX.

ComfyUI ``comfy/sd.py`` ``VAE.__init__`` (Comfy-Org/ComfyUI @35ead008): with
``decoder.conv_in.conv.weight`` a 32-channel input is HunyuanVideo 1.5 (``vae_refiner``
classes, encoder and decoder), ``decoder.mid_block.resnets.0.norm1.norm_layer.weight``
CogVideoX, anything else HunyuanVideo 1.0 (AutoencoderKL with ``conv3d``). Diffusers
``AutoencoderKLHunyuanVideo``/``AutoencoderKLHunyuanVideo15``/``AutoencoderKLCogVideoX``
use the same wrapped names with ``down_blocks``/``up_blocks``. LTX-Video also wraps its
convs and is recognised first (:mod:`.ltx`).
"""

from __future__ import annotations

from app.core.inspection import ldm_names
from app.core.inspection.vae_families.hints import Hints, refine_hunyuan15
from app.core.inspection.vae_families.match import (
    LAYOUT_DIFFUSERS,
    LAYOUT_ORIGINAL,
    Keys,
    VaeMatch,
    halves,
)

_QUANT = ("post_quant_conv.weight", "quant_conv.weight")


def detect(keys: Keys, hints: Hints) -> VaeMatch | None:
    """HunyuanVideo 1.0/1.5 or CogVideoX, from wrapped 5-D conv_in/conv_out weights."""
    if (
        keys.ndim("decoder.conv_in.conv.weight") != 5
        and keys.ndim("encoder.conv_in.conv.weight") != 5
    ):
        return None
    enc, dec = halves(keys)
    layout = LAYOUT_DIFFUSERS if ldm_names.uses_diffusers_names(keys.tensors) else LAYOUT_ORIGINAL
    latent = keys.dim("decoder.conv_in.conv.weight", 1)
    if latent is None:
        out = keys.dim("encoder.conv_out.conv.weight", 0)
        latent = out // 2 if out else None
    quant = keys.any(*_QUANT)
    if keys.any(
        "decoder.mid_block.resnets.0.norm1.norm_layer.weight",
        "encoder.down_blocks.0.resnets.0.norm1.norm_layer.weight",
    ):
        return VaeMatch(
            "cogvideox",
            "spatially conditioned norms: CogVideoX's VAE",
            layout,
            latent,
            enc,
            dec,
            quant,
        )
    if latent == 32:
        why = "wrapped 3-D convs with 32 latent channels: HunyuanVideo 1.5"
        family = "hunyuan-video-1.5"
        # Both layouts are shared: ComfyUI loads the refiner with the same vae_refiner
        # classes, diffusers' classes have the same names; a name or config tells them apart.
        why += " (the HunyuanImage 2.1 refiner VAE has the same layout)"
        refined = refine_hunyuan15(hints)
        if refined is not None:
            family, why = refined[0], f"{why}; {refined[1]}"
        return VaeMatch(family, why, layout, latent, enc, dec, quant)
    if latent == 16:
        why = "wrapped 3-D convs with 16 latent channels: HunyuanVideo 1.0's causal VAE"
        return VaeMatch("hunyuan-video", why, layout, latent, enc, dec, quant)
    return None
