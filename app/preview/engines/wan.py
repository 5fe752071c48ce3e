"""Wan 2.1, Qwen-Image and Wan 2.2 VAEs, one frame at a time, through diffusers.

These causal 3D VAEs encode a single image as one latent frame and decode it
back on its own, so they preview like image VAEs (Qwen-Image uses its VAE only
that way). diffusers implements them exactly (``AutoencoderKLWan``,
``AutoencoderKLQwenImage``, the same layout). Files in the original layout
(what ComfyUI loads: ``encoder.downsamples``, ``decoder.middle``, ``conv1``/``conv2``)
are converted with diffusers' own ``convert_wan_vae_to_diffusers`` for Wan 2.1 and
Qwen-Image; that converter predates Wan 2.2's residual up/down blocks
(``decoder.upsamples.N.upsamples.M``), which :func:`wan22_to_diffusers` renames.
The config is read from the shapes; the latent statistics (for ``--scaled``) are
diffusers' defaults for Wan 2.1 and ComfyUI ``latent_formats.Wan22``'s for Wan 2.2.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import torch
from torch import nn

from app.core.errors import UserError
from app.preview.engines.diffusers_support import (
    DiffusersEngine,
    autoencoder,
    config_int,
    diffusers_class,
)
from app.preview.latent_forms import ChannelStats

WAN21_FAMILIES = ("wan2.1", "qwen-image")
WAN_FAMILIES = (*WAN21_FAMILIES, "wan2.2")
_ORIGINAL_MARKER = "decoder.middle.0.residual.0.gamma"
_WAN22_ORIGINAL = "decoder.upsamples.0.upsamples.0.residual.2.weight"
_RESIDUAL = {"residual.0.": "norm1.", "residual.2.": "conv1.", "residual.3.": "norm2."}
_RESIDUAL |= {"residual.6.": "conv2.", "shortcut.": "conv_shortcut."}
_FIXED = {"encoder.conv1.": "encoder.conv_in.", "decoder.conv1.": "decoder.conv_in."}
_FIXED |= {"conv1.": "quant_conv.", "conv2.": "post_quant_conv."}
_BLOCK = re.compile(r"^(encoder|decoder)\.(downsamples|upsamples)\.(\d+)\.\2\.(\d+)\.(.*)$")

WAN21_STATS = ChannelStats(  # diffusers AutoencoderKLWan defaults = ComfyUI latent_formats.Wan21
    (-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508,
     0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921),
    (2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743,
     3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.916),
)  # fmt: skip
WAN22_STATS = ChannelStats(  # ComfyUI comfy/latent_formats.py Wan22 (Comfy-Org/ComfyUI @a125cd84)
    (-0.2289, -0.0052, -0.1323, -0.2339, -0.2799, 0.0174, 0.1838, 0.1557,
     -0.1382, 0.0542, 0.2813, 0.0891, 0.1570, -0.0098, 0.0375, -0.1825,
     -0.2246, -0.1207, -0.0698, 0.5109, 0.2665, -0.2108, -0.2158, 0.2502,
     -0.2055, -0.0322, 0.1109, 0.1567, -0.0729, 0.0899, -0.2799, -0.1230,
     -0.0313, -0.1649, 0.0117, 0.0723, -0.2839, -0.2083, -0.0520, 0.3748,
     0.0152, 0.1957, 0.1433, -0.2944, 0.3573, -0.0548, -0.1681, -0.0667),
    (0.4765, 1.0364, 0.4514, 1.1677, 0.5313, 0.4990, 0.4818, 0.5013,
     0.8158, 1.0344, 0.5894, 1.0901, 0.6885, 0.6165, 0.8454, 0.4978,
     0.5759, 0.3523, 0.7135, 0.6804, 0.5833, 1.4146, 0.8986, 0.5659,
     0.7069, 0.5338, 0.4889, 0.4917, 0.4069, 0.4999, 0.6866, 0.4093,
     0.5709, 0.6065, 0.6415, 0.4944, 0.5726, 1.2042, 0.5458, 1.6887,
     0.3971, 1.0600, 0.3943, 0.5537, 0.5444, 0.4089, 0.7468, 0.7744),
)  # fmt: skip
_NUM_RES_BLOCKS = 2  # every released Wan VAE; the strict key check catches others


def wan22_to_diffusers(sd: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Wan 2.2's original names to ``AutoencoderKLWan(is_residual=True)`` ones."""
    out = {}
    for key, value in sd.items():
        out[_wan22_name(key)] = value
    return out


def _wan22_name(key: str) -> str:
    for old, new in _FIXED.items():
        if key.startswith(old):
            return new + key[len(old) :]
    block = _BLOCK.match(key)
    if block:
        side, _, level, index, rest = block.groups()
        stage = "down_blocks" if side == "encoder" else "up_blocks"
        last = _NUM_RES_BLOCKS if side == "encoder" else _NUM_RES_BLOCKS + 1
        if int(index) == last:
            part = "downsampler" if side == "encoder" else "upsampler"
            return f"{side}.{stage}.{level}.{part}.{rest}"
        return f"{side}.{stage}.{level}.resnets.{index}.{_resnet_name(rest)}"
    for old, new in (("middle.0.", "mid_block.resnets.0."), ("middle.2.", "mid_block.resnets.1.")):
        key = key.replace(f".{old}", f".{new}")
    key = key.replace(".middle.1.", ".mid_block.attentions.0.")
    key = key.replace(".head.0.", ".norm_out.").replace(".head.2.", ".conv_out.")
    if ".mid_block.resnets." in key:
        head, _, rest = key.partition(".mid_block.resnets.")
        index, _, tail = rest.partition(".")
        key = f"{head}.mid_block.resnets.{index}.{_resnet_name(tail)}"
    return key


def _resnet_name(rest: str) -> str:
    for old, new in _RESIDUAL.items():
        if rest.startswith(old):
            return new + rest[len(old) :]
    return rest


def to_diffusers_layout(sd: Mapping[str, torch.Tensor], family: str) -> dict[str, torch.Tensor]:
    """Original-layout Wan files converted; diffusers-layout files as they are."""
    if _ORIGINAL_MARKER not in sd:
        return dict(sd)
    if _WAN22_ORIGINAL in sd:
        return wan22_to_diffusers(sd)
    diffusers_class("AutoencoderKLWan", family)  # says what to install when it is missing
    from diffusers.loaders.single_file_utils import convert_wan_vae_to_diffusers

    return convert_wan_vae_to_diffusers(dict(sd))


def infer_config(sd: Mapping[str, torch.Tensor], family: str) -> dict[str, object]:
    """``AutoencoderKLWan`` arguments from the shapes (diffusers names)."""
    if "decoder.conv_in.weight" not in sd or "decoder.conv_out.weight" not in sd:
        raise UserError(f"This {family} file has no decoder (decoder.conv_in / conv_out).")
    z_dim = int(sd["decoder.conv_in.weight"].shape[1])
    out_channels = int(sd["decoder.conv_out.weight"].shape[0])
    residual = any(".upsampler." in k for k in sd)  # Wan 2.2's residual up blocks
    decoder_dim = int(sd["decoder.conv_out.weight"].shape[1])
    encoder = sd.get("encoder.conv_in.weight")
    config: dict[str, object] = {
        "z_dim": z_dim,
        "base_dim": int(encoder.shape[0]) if encoder is not None else decoder_dim,
        "num_res_blocks": _NUM_RES_BLOCKS,
    }
    if residual:
        patch = int(round((out_channels / 3) ** 0.5))
        config |= {
            "decoder_base_dim": decoder_dim,
            "is_residual": True,
            "in_channels": out_channels,
            "out_channels": out_channels,
            "patch_size": patch,
            "scale_factor_spatial": 8 * patch,
            "latents_mean": list(WAN22_STATS.mean),
            "latents_std": list(WAN22_STATS.std),
        }
    return config


class WanEngine(DiffusersEngine):
    """Wan 2.1 / Qwen-Image / Wan 2.2: native latents are (1, C, 1, h, w), one frame."""

    video = True

    def __init__(self, weights: Mapping[str, torch.Tensor], device: torch.device, family: str):
        sd = to_diffusers_layout(weights, family)
        config = infer_config(sd, family)
        name = "AutoencoderKLQwenImage" if family == "qwen-image" else "AutoencoderKLWan"
        has_encoder = "encoder.conv_in.weight" in sd
        self._load(
            name,
            config,
            sd,
            device,
            family=family,
            latent_channels=config_int(config, "z_dim"),
            downscale=config_int(config, "scale_factor_spatial", 8),
            has_encoder=has_encoder,
            encoder_prefixes=("encoder.", "quant"),
            drop=() if has_encoder else ("encoder", "quant_conv"),
        )
        self.scaling = WAN22_STATS if config.get("is_residual") else WAN21_STATS

    def decode_fn(self, model: nn.Module):
        return lambda z: autoencoder(model).decode(z).sample[:, :, 0]

    def encode_fn(self, model: nn.Module):
        return lambda x: autoencoder(model).encode(x.unsqueeze(2)).latent_dist.mode()
