"""Families told apart by one marker key: 3D VAEs, DC-AE, and ComfyUI's newer loaders.

Markers from ComfyUI ``comfy/sd.py`` ``VAE.__init__`` (Comfy-Org/ComfyUI @35ead008):
``geo_decoder.cross_attn_decoder.ln_1.bias`` (Hunyuan3D 2.0/2.1 shape VAE),
``shape_dec.blocks.1.16.to_subdiv.weight``/``txt_dec.blocks.3.4.conv2.weight``
(TRELLIS.2), ``gs.base_offset_scale`` with ``octree.out_proj.weight`` (TripoSplat),
``decoder.up_blocks.2.upsamplers.0.upscale_conv.weight`` (SeedVR2, checked by ComfyUI
before its diffusers conversion), ``student.dconv_encoder.proj_out.weight`` (Mage-VAE),
``decoder.conv_in_x_t.weight`` (LTX 2.4 diffusion decoder), ``decoder.transformer_blocks.
0.scale1`` with ``encoder.down.5.block.0.conv1.weight`` (MiniMax H3 video),
``pixel_space_vae``. DC-AE is not a ComfyUI VAE; its markers are diffusers'
(``loaders/single_file_utils.py`` ``CHECKPOINT_KEY_NAMES["autoencoder-dc"]`` =
``decoder.stages.1.op_list.0.main.conv.conv.bias``, ``encoder.project_in.conv.bias`` for
the Sana variant) and ``AutoencoderDC``'s ``up_blocks.N.M`` numbering.
"""

from __future__ import annotations

import re

from app.core.inspection.vae_families.hints import Hints
from app.core.inspection.vae_families.match import (
    LAYOUT_DIFFUSERS,
    LAYOUT_ORIGINAL,
    Keys,
    VaeMatch,
    halves,
)

_DCAE_DIFFUSERS = re.compile(r"^(?:de|en)coder\.(?:up|down)_blocks\.\d+\.\d+\.")


def detect_early(keys: Keys, hints: Hints) -> VaeMatch | None:
    """Markers ComfyUI checks before anything else could claim the file (SeedVR2, LTX 2.4)."""
    enc, dec = halves(keys)
    if "decoder.up_blocks.2.upsamplers.0.upscale_conv.weight" in keys:
        return VaeMatch(
            "seedvr2",
            "upscale convs in the decoder: SeedVR2's video VAE",
            LAYOUT_ORIGINAL,
            None,
            enc,
            dec,
        )
    if "decoder.conv_in_x_t.weight" in keys:
        latent = keys.dim("decoder.conv_in.weight", 1)
        return VaeMatch(
            "ltx2-diffusion-decoder",
            "diffusion VAE decoder (conv_in_x_t): LTX 2.4",
            LAYOUT_ORIGINAL,
            latent,
            enc,
            dec,
        )
    if "student.dconv_encoder.proj_out.weight" in keys:
        return VaeMatch(
            "mage-vae", "one-step diffusion codec: Mage-VAE", LAYOUT_ORIGINAL, 128, True, True
        )
    minimax = ("decoder.transformer_blocks.0.scale1", "encoder.down.5.block.0.conv1.weight")
    if all(k in keys for k in minimax):
        return VaeMatch(
            "minimax-h3", "transformer video VAE: MiniMax H3", LAYOUT_ORIGINAL, 24, enc, dec
        )
    return None


def detect_dcae(keys: Keys, hints: Hints) -> VaeMatch | None:
    """MIT Han Lab's DC-AE (Sana), original or diffusers ``AutoencoderDC``."""
    enc, dec = halves(keys)
    original = keys.any(
        "decoder.stages.1.op_list.0.main.conv.conv.bias",
        "encoder.project_in.conv.bias",
        "encoder.project_in.conv.conv.weight",
        "decoder.project_in.conv.weight",
        "decoder.project_in.main.conv.weight",
    )
    if original:
        # Released files (and diffusers' converter) name it ``project_in.main.conv``.
        latent = keys.dim("decoder.project_in.main.conv.weight", 1) or keys.dim(
            "decoder.project_in.conv.weight", 1
        )
        return VaeMatch("dc-ae", "DC-AE stages/op_list layout", LAYOUT_ORIGINAL, latent, enc, dec)
    two_d = keys.ndim("decoder.conv_in.weight") == 4 or keys.ndim("encoder.conv_in.weight") == 4
    if two_d and any(_DCAE_DIFFUSERS.match(k) for k in keys.tensors):
        latent = keys.dim("decoder.conv_in.weight", 1)
        why = "diffusers AutoencoderDC layout"
        return VaeMatch("dc-ae", why, LAYOUT_DIFFUSERS, latent, enc, dec)
    return None


def detect_3d(keys: Keys, hints: Hints) -> VaeMatch | None:
    """3D VAEs and the pixel-space placeholder."""
    if "geo_decoder.cross_attn_decoder.ln_1.bias" in keys:
        latent = keys.dim("post_kl.weight", 1)
        return VaeMatch(
            "hunyuan3d",
            "geometry cross-attention decoder: Hunyuan3D shape VAE",
            LAYOUT_ORIGINAL,
            latent,
            keys.prefixed("encoder."),
            True,
        )
    if keys.any("shape_dec.blocks.1.16.to_subdiv.weight", "txt_dec.blocks.3.4.conv2.weight"):
        what = "shape" if "shape_dec.blocks.1.16.to_subdiv.weight" in keys else "texture"
        return VaeMatch("trellis2", f"TRELLIS.2 {what} VAE", LAYOUT_ORIGINAL, 32, False, True)
    if "gs.base_offset_scale" in keys and "octree.out_proj.weight" in keys:
        return VaeMatch(
            "triposplat", "octree Gaussian decoder: TripoSplat", LAYOUT_ORIGINAL, 16, False, True
        )
    if "pixel_space_vae" in keys:
        return VaeMatch(
            "pixel-space", "pixel-space marker (no real VAE)", LAYOUT_ORIGINAL, 3, True, True
        )
    return None
