"""Video VAEs with their own layouts: Wan 2.1 / Qwen-Image, Wan 2.2, Mochi, Cosmos.

Original-layout markers are ComfyUI's (``comfy/sd.py`` ``VAE.__init__``, Comfy-Org/ComfyUI
@35ead008): ``decoder.middle.0.residual.0.gamma`` is Wan, with
``decoder.upsamples.0.upsamples.0.residual.2.weight`` Wan 2.2; Mochi's decoder has
``blocks.2.blocks.3.stack.5.weight`` (with or without ``decoder.``), its encoder
``layers.4.layers.1.attn_block.attn.qkv.weight``; ``decoder.unpatcher3d.wavelets`` is
Cosmos. Diffusers layouts (0.42): ``AutoencoderKLWan``/``AutoencoderKLQwenImage`` use
RMS-norm ``gamma`` under ``mid_block``, ``AutoencoderKLMochi`` has ``block_in`` and
``proj_in``, ``AutoencoderKLCosmos`` splits convs into ``conv_s``/``conv_t``.
"""

from __future__ import annotations

from app.core.inspection.records import Layout
from app.core.inspection.vae_families.hints import Hints, refine_wan
from app.core.inspection.vae_families.match import (
    LAYOUT_DIFFUSERS,
    LAYOUT_ORIGINAL,
    Keys,
    VaeMatch,
    halves,
)

_MOCHI_DECODER = ("blocks.2.blocks.3.stack.5.weight", "decoder.blocks.2.blocks.3.stack.5.weight")
_MOCHI_ENCODER = (
    "layers.4.layers.1.attn_block.attn.qkv.weight",
    "encoder.layers.4.layers.1.attn_block.attn.qkv.weight",
)


def detect_wan(keys: Keys, hints: Hints) -> VaeMatch | None:
    """Wan 2.1 (or Qwen-Image, same layout) and Wan 2.2."""
    enc, dec = halves(keys)
    if keys.any("decoder.middle.0.residual.0.gamma", "encoder.middle.0.residual.0.gamma"):
        wan22 = keys.any(
            "decoder.upsamples.0.upsamples.0.residual.2.weight",
            "encoder.downsamples.0.downsamples.0.residual.2.weight",
        )
        latent: int | None = 48 if wan22 else 16
        return _wan(wan22, latent, LAYOUT_ORIGINAL, enc, dec, hints)
    gamma = keys.any(
        "decoder.mid_block.resnets.0.norm1.gamma", "encoder.mid_block.resnets.0.norm1.gamma"
    )
    if gamma and (
        keys.ndim("decoder.conv_in.weight") == 5 or keys.ndim("encoder.conv_in.weight") == 5
    ):
        latent = keys.dim("decoder.conv_in.weight", 1) or keys.dim("post_quant_conv.weight", 0)
        return _wan(latent == 48, latent, LAYOUT_DIFFUSERS, enc, dec, hints)
    return None


def _wan(
    wan22: bool, latent: int | None, layout: Layout, enc: bool, dec: bool, hints: Hints
) -> VaeMatch:
    if wan22:
        why = "Wan VAE layout with residual up/downsample stacks and 48 latent channels: Wan 2.2"
        return VaeMatch("wan2.2", why, layout, latent, enc, dec)
    why = "Wan VAE layout with 16 latent channels: Wan 2.1 (also the Qwen-Image VAE layout)"
    refined = refine_wan(hints)
    if refined is not None:
        return VaeMatch(refined[0], f"{why}; {refined[1]}", layout, latent, enc, dec)
    return VaeMatch("wan2.1", why, layout, latent, enc, dec)


def detect_mochi(keys: Keys, hints: Hints) -> VaeMatch | None:
    """Genmo Mochi 1, full or decoder-only, original (prefixed or bare) or diffusers."""
    dec = keys.any(*_MOCHI_DECODER)
    enc = keys.any(*_MOCHI_ENCODER)
    if dec or enc:
        what = "encoder and decoder" if dec and enc else "decoder only" if dec else "encoder only"
        why = f"Mochi VAE layout ({what})"
        return VaeMatch("mochi", why, LAYOUT_ORIGINAL, 12, enc, dec)
    diff_dec = "decoder.block_in.resnets.0.conv1.conv.weight" in keys
    diff_enc = "encoder.proj_in.weight" in keys and keys.prefixed("encoder.block_in.")
    if diff_dec or diff_enc:
        latent = keys.dim("decoder.conv_in.weight", 1) or 12
        return VaeMatch(
            "mochi",
            "diffusers AutoencoderKLMochi layout",
            LAYOUT_DIFFUSERS,
            latent,
            bool(diff_enc),
            diff_dec,
        )
    return None


def detect_cosmos(keys: Keys, hints: Hints) -> VaeMatch | None:
    """NVIDIA Cosmos' CV8x8x8 tokenizer."""
    enc, dec = halves(keys)
    if "decoder.unpatcher3d.wavelets" in keys or "encoder.patcher3d.wavelets" in keys:
        latent = keys.dim("decoder.conv_in.0.conv3d.weight", 1) or 16
        return VaeMatch(
            "cosmos",
            "wavelet patcher/unpatcher: Cosmos CV8x8x8 tokenizer",
            LAYOUT_ORIGINAL,
            latent,
            enc,
            dec,
        )
    if keys.any("decoder.conv_in.conv_s.weight", "encoder.conv_in.conv_s.weight"):
        latent = keys.dim("decoder.conv_in.conv_s.weight", 1) or 16
        return VaeMatch(
            "cosmos",
            "diffusers AutoencoderKLCosmos layout (split s/t convs)",
            LAYOUT_DIFFUSERS,
            latent,
            enc,
            dec,
        )
    return None
