"""HunyuanImage 2.1's refiner VAE, one frame, via diffusers' ``AutoencoderKLHunyuanImageRefiner``.

A causal 3D VAE (32 channels, 16x; RMS norms with ``gamma``, convs wrapped as
``conv.conv``) that the refiner runs on single images, so it previews like Wan: native
latents are (1, 32, 1, h, w). Two layouts: diffusers' (``down_blocks.I.resnets.J``,
``downsamplers.0``, ``mid_block``), and ComfyUI's (``comfy/ldm/hunyuan_video/
vae_refiner.py`` with ``refiner_vae=True``, Comfy-Org/ComfyUI @a125cd84:
``encoder.down.I.block.J``, ``downsample``, ``mid.block_1``/``attn_1`` with q/k/v,
``nin_shortcut.conv``), renamed by :func:`to_diffusers_layout`; diffusers has no
single-file converter for it. ComfyUI also loads a second 5-D layout under
``decoder.conv_in.weight`` (plain Conv3d with GroupNorm, ``refiner_vae=False``, its "new
hunyuan vae" of commit a6f83a4a); diffusers implements no such model, so
:func:`refuse_unimplemented` names it instead of decoding it wrongly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import torch
from torch import nn

from app.core.errors import UserError
from app.preview.engines.diffusers_support import DiffusersEngine, autoencoder, config_int
from app.preview.families import LatentFamily
from app.preview.latent_forms import as_video_latent, refuse_channels

FAMILY = "hunyuan-image-2.1-refiner"
# diffusers pipeline_hunyuanimage_refiner.py: latents * vae.config.scaling_factor (1.03682,
# ComfyUI latent_formats.HunyuanImage21Refiner's scale too); no shift
SCALING = LatentFamily(FAMILY, 32, 1.03682, 0.0, ())
_STAGE = re.compile(
    r"^(encoder\.down|decoder\.up)\.(\d+)\.(block\.(\d+)|downsample|upsample)\.(.*)$"
)
_MID = re.compile(r"^(encoder|decoder)\.mid\.(block_1|block_2|attn_1)\.(.*)$")
_MID_NAMES = {"block_1": "resnets.0", "block_2": "resnets.1", "attn_1": "attentions.0"}
_ATTN = {"q.": "to_q.", "k.": "to_k.", "v.": "to_v."}


def refuse_unimplemented(sd: Mapping[str, torch.Tensor]) -> None:
    """A UserError for ComfyUI's GroupNorm layout (``decoder.conv_in.weight``, 5-D)."""
    weight = sd.get("decoder.conv_in.weight")
    if weight is not None and weight.dim() == 5:
        raise UserError(
            "This 32-channel Hunyuan VAE has the plain-Conv3d, GroupNorm layout ComfyUI loads "
            "with refiner_vae=False (comfy/ldm/hunyuan_video/vae_refiner.py), not the "
            "HunyuanImage 2.1 refiner's causal RMS-norm one; diffusers has no implementation "
            "of it to check a decode against, so the preview does not decode it."
        )


def to_diffusers_layout(sd: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """ComfyUI's names to diffusers' (see the module docstring); diffusers keys pass through."""
    return {_diffusers_name(key): value for key, value in sd.items()}


def _diffusers_name(key: str) -> str:
    match = _STAGE.match(key)
    if match:
        side, stage, what, block, rest = match.groups()
        prefix = "encoder.down_blocks" if side == "encoder.down" else "decoder.up_blocks"
        part = f"resnets.{block}" if block is not None else f"{what}rs.0"
        return f"{prefix}.{stage}.{part}.{_resnet(rest)}"
    match = _MID.match(key)
    if match:
        side, part, rest = match.groups()
        for old, new in _ATTN.items():
            if part == "attn_1" and rest.startswith(old):
                rest = new + rest[len(old) :]
        return f"{side}.mid_block.{_MID_NAMES[part]}.{_resnet(rest)}"
    return key


def _resnet(rest: str) -> str:
    shortcut = "nin_shortcut.conv."  # VideoConv3d wraps it; diffusers' is a bare Conv3d
    return "conv_shortcut." + rest[len(shortcut) :] if rest.startswith(shortcut) else rest


def infer_config(sd: Mapping[str, torch.Tensor]) -> dict[str, object]:
    """``AutoencoderKLHunyuanImageRefiner`` arguments from diffusers-layout shapes."""
    if "decoder.conv_in.conv.weight" not in sd:
        raise UserError("This HunyuanImage 2.1 refiner file has no decoder (decoder.conv_in).")
    widths = _decoder_widths(sd)
    upsamplers = [_upsampler(sd, i) for i in range(len(widths))]
    resnets = {
        int(m[1]) for k in sd if (m := re.match(r"^decoder\.up_blocks\.0\.resnets\.(\d+)\.", k))
    }
    spatial = sum(1 for u in upsamplers if u is not None)
    temporal = sum(
        1 for i, u in enumerate(upsamplers) if u is not None and u.shape[0] == 8 * widths[i + 1]
    )
    return {
        "in_channels": 3,
        "out_channels": int(sd["decoder.conv_out.conv.weight"].shape[0]),
        "latent_channels": int(sd["decoder.conv_in.conv.weight"].shape[1]),
        "block_out_channels": tuple(reversed(widths)),
        "layers_per_block": len(resnets) - 1,
        "spatial_compression_ratio": 2**spatial,
        "temporal_compression_ratio": 2**temporal,
    }


def _decoder_widths(sd: Mapping[str, torch.Tensor]) -> list[int]:
    widths = []
    for index in range(64):
        conv = sd.get(f"decoder.up_blocks.{index}.resnets.0.conv2.conv.weight")
        if conv is None:
            break
        widths.append(int(conv.shape[0]))
    if not widths:
        raise UserError("This HunyuanImage 2.1 refiner file's decoder has no up blocks.")
    return widths


def _upsampler(sd: Mapping[str, torch.Tensor], index: int) -> torch.Tensor | None:
    return sd.get(f"decoder.up_blocks.{index}.upsamplers.0.conv.conv.weight")


class HunyuanRefinerEngine(DiffusersEngine):
    """HunyuanImage 2.1 refiner: native latents (1, 32, 1, h, w), one frame at 1/16."""

    video = True

    def __init__(self, weights: Mapping[str, torch.Tensor], device: torch.device) -> None:
        refuse_unimplemented(weights)
        sd = to_diffusers_layout(weights)
        config = infer_config(sd)
        self._load(
            "AutoencoderKLHunyuanImageRefiner",
            config,
            sd,
            device,
            family=FAMILY,
            latent_channels=config_int(config, "latent_channels"),
            downscale=config_int(config, "spatial_compression_ratio"),
            has_encoder="encoder.conv_in.conv.weight" in sd,
        )
        self.scaling = SCALING

    def native_latent(self, latent: torch.Tensor, *, scaled: bool, name: str) -> torch.Tensor:
        """A raw or model-space latent; ComfyUI's 64-channel form keeps two copies of the frame.

        ComfyUI's refiner encoder doubles the first frame and packs frame pairs into
        channels (``vae_refiner.py`` ``Encoder.forward``); its decoder drops the first
        copy, so the frame is the second half of the channels.
        """
        latent = as_video_latent(latent)
        if latent.shape[1] == 2 * self.latent_channels:
            latent = latent[:, self.latent_channels :]
        if latent.shape[1] != self.latent_channels:
            raise refuse_channels(
                latent.shape[1],
                name,
                self.family_name,
                (self.latent_channels, 2 * self.latent_channels),
            )
        return self.unscale(latent) if scaled else latent

    def decode_fn(self, model: nn.Module):
        return lambda z: autoencoder(model).decode(z).sample[:, :, 0]

    def encode_fn(self, model: nn.Module):
        return lambda x: autoencoder(model).encode(x.unsqueeze(2)).latent_dist.mode()
