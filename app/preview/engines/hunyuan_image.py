"""HunyuanImage 2.1's 64-channel, 32x VAE through diffusers' ``AutoencoderKLHunyuanImage``.

The original layout (what ComfyUI loads: ``comfy/ldm/hunyuan_video/vae.py`` Encoder and
Decoder, Comfy-Org/ComfyUI @a125cd84) nests resnets and resamplers per stage
(``encoder.down.I.block.J``, ``encoder.down.I.downsample``, ``decoder.up.I.block.J``
with stage 0 the deepest, ``mid.block_1``/``attn_1`` with q/k/v/proj_out); diffusers
flattens each side into one list (``down_blocks.N``, ``up_blocks.N``) and names the
attention ``to_q``/``to_k``/``to_v``/``proj``. diffusers has no single-file converter
for this class, so :func:`to_diffusers_layout` renames; the config comes from shapes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import torch

from app.core.errors import UserError
from app.preview.engines.diffusers_support import DiffusersEngine, config_int
from app.preview.families import LatentFamily

FAMILY = "hunyuan-image-2.1"
SCALING = LatentFamily(FAMILY, 64, 0.75289, 0.0, ())  # ComfyUI latent_formats HunyuanImage21
_STAGE = re.compile(
    r"^(encoder\.down|decoder\.up)\.(\d+)\.(block\.(\d+)|downsample|upsample)\.(.*)$"
)
_MID_KEY = re.compile(r"^(encoder|decoder)\.mid\.(block_1|block_2|attn_1)\.(.*)$")
_MID = {"block_1": "resnets.0", "block_2": "resnets.1", "attn_1": "attentions.0"}
_ATTN = {"q": "to_q", "k": "to_k", "v": "to_v", "proj_out": "proj"}


def is_original_layout(sd: Mapping[str, torch.Tensor]) -> bool:
    """ComfyUI's names (``decoder.up.0.block.0``) rather than diffusers' (``up_blocks``)."""
    return any(k.startswith(("decoder.up.", "encoder.down.", "decoder.mid.")) for k in sd)


def to_diffusers_layout(sd: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Rename original-layout keys (see the module docstring); diffusers keys pass through."""
    if not is_original_layout(sd):
        return dict(sd)
    offsets = {side: _stage_offsets(sd, side) for side in ("encoder.down", "decoder.up")}
    out = {}
    for key, value in sd.items():
        out[_diffusers_name(key, offsets)] = value
    return out


def _stage_offsets(sd: Mapping[str, torch.Tensor], side: str) -> dict[int, tuple[int, int]]:
    """For each stage: (index of its first list entry, number of resnets)."""
    blocks: dict[int, set[int]] = {}
    for key in sd:
        match = _STAGE.match(key)
        if match and match[1] == side and match[4] is not None:
            blocks.setdefault(int(match[2]), set()).add(int(match[4]))
    resampler = "downsample" if side == "encoder.down" else "upsample"
    offsets, position = {}, 0
    for stage in sorted(blocks):
        offsets[stage] = (position, len(blocks[stage]))
        position += len(blocks[stage])
        if any(k.startswith(f"{side}.{stage}.{resampler}.") for k in sd):
            position += 1
    return offsets


def _diffusers_name(key: str, offsets: Mapping[str, Mapping[int, tuple[int, int]]]) -> str:
    match = _STAGE.match(key)
    if match:
        side, stage, what, block, rest = match.groups()
        start, count = offsets[side].get(int(stage), (0, 0))
        index = start + int(block) if block is not None else start + count
        prefix = "encoder.down_blocks" if side == "encoder.down" else "decoder.up_blocks"
        return f"{prefix}.{index}.{rest.replace('nin_shortcut.', 'conv_shortcut.')}"
    match = _MID_KEY.match(key)
    if match:
        side, part, rest = match.groups()
        if part == "attn_1":
            head, _, tail = rest.partition(".")
            rest = f"{_ATTN.get(head, head)}.{tail}"
        return f"{side}.mid_block.{_MID[part]}.{rest.replace('nin_shortcut.', 'conv_shortcut.')}"
    return key


def infer_config(sd: Mapping[str, torch.Tensor]) -> dict[str, object]:
    """``AutoencoderKLHunyuanImage`` arguments from diffusers-layout shapes."""
    if "decoder.conv_in.weight" not in sd:
        raise UserError("This HunyuanImage 2.1 file has no decoder (decoder.conv_in).")
    latent = int(sd["decoder.conv_in.weight"].shape[1])
    ups = _stages(sd, "decoder.up_blocks")
    channels = tuple(reversed([c for c, _ in ups]))
    resnets = len(ups[0][1]) - 1 if ups else 0
    upsamplers = sum(1 for k in sd if re.match(r"^decoder\.up_blocks\.\d+\.conv\.weight$", k))
    return {
        "in_channels": 3,
        "out_channels": int(sd["decoder.conv_out.weight"].shape[0]),
        "latent_channels": latent,
        "block_out_channels": channels,
        "layers_per_block": resnets,
        "spatial_compression_ratio": 2**upsamplers,
        "sample_size": 1024,  # only for diffusers' own tiling, which is not used
    }


def _stages(sd: Mapping[str, torch.Tensor], prefix: str) -> list[tuple[int, list[int]]]:
    """Decoder stages as (channels, resnet indices), split where an upsampler sits."""
    pattern = re.compile(rf"^{re.escape(prefix)}\.(\d+)\.(conv1|conv)\.weight$")
    entries = sorted((int(m[1]), m[2]) for k in sd if (m := pattern.match(k)))
    stages: list[tuple[int, list[int]]] = []
    current: list[int] = []
    for index, kind in entries:
        if kind == "conv1":
            current.append(index)
            continue
        stages.append((int(sd[f"{prefix}.{current[0]}.conv1.weight"].shape[0]), current))
        current = []
    if current:
        stages.append((int(sd[f"{prefix}.{current[0]}.conv1.weight"].shape[0]), current))
    return stages


class HunyuanImageEngine(DiffusersEngine):
    """HunyuanImage 2.1: 64-channel latents at 1/32 of the image's sides."""

    def __init__(self, weights: Mapping[str, torch.Tensor], device: torch.device) -> None:
        sd = to_diffusers_layout(weights)
        config = infer_config(sd)
        self._load(
            "AutoencoderKLHunyuanImage",
            config,
            sd,
            device,
            family=FAMILY,
            latent_channels=config_int(config, "latent_channels"),
            downscale=config_int(config, "spatial_compression_ratio"),
            has_encoder="encoder.conv_in.weight" in sd,
        )
        self.scaling = SCALING
