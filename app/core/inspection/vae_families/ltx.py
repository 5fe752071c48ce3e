"""Lightricks LTX-Video 0.9.x and LTX-2 video VAEs.

ComfyUI ``comfy/sd.py`` ``VAE.__init__`` (Comfy-Org/ComfyUI @35ead008) keys on
``decoder.up_blocks.0.res_blocks.0.conv1.conv.weight``: 512 output channels is the
0.9.0 VAE, 1024 the 0.9.1+ one, and ``encoder.down_blocks.1.conv.conv.bias`` on top of
that the 0.9.7+ layout, which LTX-2 shares (diffusers ``convert_ltx2_vae_to_diffusers``
maps LTX-2's file onto the same block names). Diffusers ``AutoencoderKLLTXVideo`` and
``AutoencoderKLLTX2Video`` spell it ``up_blocks.N.resnets``; their 48-channel conv_out
(patch size 4) and 128-channel latent set them apart from HunyuanVideo's wrapped convs.
"""

from __future__ import annotations

from app.core.inspection.records import Layout
from app.core.inspection.vae_families.hints import Hints, refine_ltx
from app.core.inspection.vae_families.match import (
    LAYOUT_DIFFUSERS,
    LAYOUT_ORIGINAL,
    Keys,
    VaeMatch,
    halves,
)

_ORIGINAL = "decoder.up_blocks.0.res_blocks.0.conv1.conv.weight"
_ENCODER_ORIGINAL = "encoder.down_blocks.0.res_blocks.0.conv1.conv.weight"


def detect(keys: Keys, hints: Hints) -> VaeMatch | None:
    """An LTX video VAE, original or diffusers layout, with its layout version."""
    enc, dec = halves(keys)
    if keys.any(_ORIGINAL, _ENCODER_ORIGINAL):
        return _original(keys, hints, enc, dec)
    if _diffusers(keys):
        latent = keys.dim("decoder.conv_in.conv.weight", 1) or 128
        why = "diffusers LTX layout (128-channel latent, 4x4 patches)"
        if keys.dim("encoder.conv_out.conv.weight", 1) == 2048:
            return _pair(
                keys,
                hints,
                f"{why}, 2048-channel encoder: LTX-2 / LTX-Video 0.9.7+",
                LAYOUT_DIFFUSERS,
                latent,
                enc,
                dec,
            )
        refined = refine_ltx(hints)
        family = refined[0] if refined else "ltxv"
        return VaeMatch(
            family, why + (f"; {refined[1]}" if refined else ""), LAYOUT_DIFFUSERS, latent, enc, dec
        )
    return None


def _diffusers(keys: Keys) -> bool:
    """Wrapped 5-D convs, a 128-channel latent and a 48-channel (4x4-patch) pixel side."""
    latent = keys.dim("decoder.conv_in.conv.weight", 1) or keys.dim(
        "encoder.conv_out.conv.weight", 0
    )
    pixels = keys.dim("decoder.conv_out.conv.weight", 0) or keys.dim(
        "encoder.conv_in.conv.weight", 1
    )
    blocks = keys.prefixed("decoder.up_blocks.") or keys.prefixed("encoder.down_blocks.")
    return blocks and pixels == 48 and latent in (128, 129)


def _original(keys: Keys, hints: Hints, enc: bool, dec: bool) -> VaeMatch:
    width = keys.dim(_ORIGINAL, 0)
    if "encoder.down_blocks.1.conv.conv.bias" in keys:
        why = "LTX layout with a strided encoder conv (ComfyUI version 2): LTX-2 / LTX-Video 0.9.7+"
        return _pair(keys, hints, why, LAYOUT_ORIGINAL, 128, enc, dec)
    if width == 512:
        why = "LTX layout, 512-channel first decoder block: LTX-Video 0.9.0"
    else:
        why = "LTX layout, 1024-channel first decoder block: LTX-Video 0.9.1 to 0.9.6"
    return VaeMatch("ltxv", why, LAYOUT_ORIGINAL, 128, enc, dec)


def _pair(
    keys: Keys, hints: Hints, why: str, layout: Layout, latent: int | None, enc: bool, dec: bool
) -> VaeMatch:
    refined = refine_ltx(hints)
    if refined is None:
        return VaeMatch("ltxv-or-ltx2", why, layout, latent, enc, dec)
    return VaeMatch(refined[0], f"{why}; {refined[1]}", layout, latent, enc, dec)
