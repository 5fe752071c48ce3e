"""Sana's DC-AE (MIT Han Lab's deep-compression autoencoder) through diffusers' ``AutoencoderDC``.

Users have it in two layouts: MIT Han Lab's original single file (efficientvit
``dc_ae.py``: ``encoder.stages.I.op_list.J.main``, ``context_module``/``local_module``,
fused ``qkv``), which diffusers converts with its own
``convert_autoencoder_dc_checkpoint_to_diffusers`` (``loaders/single_file_utils.py``),
and diffusers' layout (``down_blocks.I.J``). diffusers' single-file loader takes the
config from the Hub; offline, :func:`infer_config` reads it from the shapes: stage
widths and depths, block types (``conv1``: ResBlock, ``attn``: EfficientViT), the
multi-scale kernels, batch norms (``running_mean``), and the resampler kind (a 4x wider
conv: pixel shuffle). Two choices leave no trace in the weights; they follow every
released config (diffusers ``scripts/convert_dcae_to_diffusers.py``): ReLU after batch
norms and SiLU after RMS norms, attention heads of 32 channels when no multi-scale
branch shows the width.
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
from app.preview.families import LatentFamily

FAMILY = "dc-ae"
# Sana's latent scale (diffusers dc-ae-f32c32-sana-1.0 config, scaling_factor); no shift
SCALING = LatentFamily(FAMILY, 32, 0.41407, 0.0, ())
_ORIGINAL = ("encoder.stages.", "decoder.stages.", "encoder.project_in.", "decoder.project_in.")
_ENTRY = re.compile(r"^(encoder|decoder)\.(down|up)_blocks\.(\d+)\.(\d+)\.(.*)$")
_HEAD_DIM = 32


def is_original_layout(sd: Mapping[str, torch.Tensor]) -> bool:
    """MIT Han Lab's names (``stages``/``project_in``) rather than diffusers' ones."""
    return any(k.startswith(_ORIGINAL) for k in sd)


def to_diffusers_layout(sd: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Original-layout files through diffusers' converter; diffusers-layout ones as they are."""
    if not is_original_layout(sd):
        return dict(sd)
    diffusers_class("AutoencoderDC", FAMILY)  # says what to install when it is missing
    from diffusers.loaders.single_file_utils import convert_autoencoder_dc_checkpoint_to_diffusers

    plain_out = "decoder.project_out.op_list.2.conv.weight" in sd
    out = convert_autoencoder_dc_checkpoint_to_diffusers(dict(sd))  # it empties what it gets
    if plain_out:  # the converter tells the output conv's kind by the encoder's first conv
        for part in ("weight", "bias"):
            if f"decoder.conv_out.conv.{part}" in out:
                out[f"decoder.conv_out.{part}"] = out.pop(f"decoder.conv_out.conv.{part}")
    return out


def infer_config(sd: Mapping[str, torch.Tensor]) -> dict[str, object]:
    """``AutoencoderDC`` arguments from diffusers-layout shapes (see the module docstring)."""
    if "decoder.conv_in.weight" not in sd:
        raise UserError("This DC-AE file has no decoder (decoder.conv_in / project_in).")
    decoder = _stages(sd, "decoder")
    encoder = _stages(sd, "encoder")
    stages = max(len(decoder), len(encoder))
    decoder += [_EMPTY] * (stages - len(decoder))
    widths = _widths(decoder, sd, "decoder")
    config: dict[str, object] = {
        "in_channels": _out_channels(sd),
        "latent_channels": int(sd["decoder.conv_in.weight"].shape[1]),
        "attention_head_dim": _head_dim(sd),
        "decoder_block_out_channels": widths,
        "decoder_layers_per_block": tuple(s.layers for s in decoder),
        "decoder_block_types": tuple(s.block_type for s in decoder),
        "decoder_qkv_multiscales": tuple(s.scales for s in decoder),
        "decoder_norm_types": tuple(s.norm for s in decoder),
        "decoder_act_fns": tuple("relu" if s.norm == "batch_norm" else "silu" for s in decoder),
        "upsample_block_type": _upsample_type(sd, decoder, widths),
    }
    if encoder:
        encoder += [_EMPTY] * (stages - len(encoder))
        encoder_widths = _widths(encoder, sd, "encoder")
        config |= {
            "encoder_block_out_channels": encoder_widths,
            "encoder_layers_per_block": tuple(s.layers for s in encoder),
            "encoder_block_types": tuple(s.block_type for s in encoder),
            "encoder_qkv_multiscales": tuple(s.scales for s in encoder),
            "downsample_block_type": _downsample_type(sd, encoder, encoder_widths),
        }
    else:  # decoder only: the (dropped) encoder just has to build
        config |= {
            "encoder_block_out_channels": config["decoder_block_out_channels"],
            "encoder_layers_per_block": (1,) * stages,
            "encoder_qkv_multiscales": ((),) * stages,
        }
    return config


class _Stage:
    """What one ``down_blocks.I``/``up_blocks.I`` holds: its blocks and resampler."""

    def __init__(self) -> None:
        self.blocks: dict[int, set[str]] = {}
        self.resampler: int | None = None  # entry index of the up/downsampling conv
        self.scales: tuple[int, ...] = ()  # multi-scale attention kernels

    @property
    def layers(self) -> int:
        return len(self.blocks)

    @property
    def block_type(self) -> str:
        parts = set().union(*self.blocks.values()) if self.blocks else set()
        return "EfficientViTBlock" if "attn" in parts else "ResBlock"

    @property
    def norm(self) -> str:
        parts = set().union(*self.blocks.values()) if self.blocks else set()
        return "batch_norm" if "batch_norm" in parts else "rms_norm"


_EMPTY = _Stage()


def _stages(sd: Mapping[str, torch.Tensor], side: str) -> list[_Stage]:
    found: dict[int, _Stage] = {}
    for key, value in sd.items():
        match = _ENTRY.match(key)
        if not match or match[1] != side:
            continue
        stage = found.setdefault(int(match[3]), _Stage())
        entry, rest = int(match[4]), match[5]
        if rest in ("conv.weight", "conv.bias"):
            stage.resampler = entry
            continue
        parts = stage.blocks.setdefault(entry, set())
        parts.add(rest.split(".", 1)[0])
        if rest.endswith("running_mean"):
            parts.add("batch_norm")
        scale = re.match(r"^attn\.to_qkv_multiscale\.(\d+)\.proj_in\.weight$", rest)
        if scale:
            kernels = dict(enumerate(stage.scales))
            kernels[int(scale[1])] = int(value.shape[-1])
            stage.scales = tuple(kernels[i] for i in sorted(kernels))
    return [found.get(i, _Stage()) for i in range(max(found, default=-1) + 1)]


def _widths(stages: list[_Stage], sd: Mapping[str, torch.Tensor], side: str) -> tuple[int, ...]:
    """Each stage's channels, from its first block (a stage without blocks: its neighbour's)."""
    prefix = f"{side}.{'down' if side == 'encoder' else 'up'}_blocks"
    widths: list[int | None] = []
    for index, stage in enumerate(stages):
        width = None
        for entry in sorted(stage.blocks):
            for name in ("conv1.weight", "conv_out.conv_point.weight"):
                tensor = sd.get(f"{prefix}.{index}.{entry}.{name}")
                if tensor is not None:
                    width = int(tensor.shape[0])
            if width is not None:
                break
        widths.append(width)
    known = [w for w in widths if w is not None]
    if not known:
        raise UserError(f"This DC-AE file's {side} holds no blocks the preview recognises.")
    # an empty first stage (depth 0) is never built; any width keeps the config valid
    return tuple(w if w is not None else known[0] for w in widths)


def _upsample_type(sd, stages: list[_Stage], widths: tuple[int, ...]) -> str:
    for index, stage in enumerate(stages):
        if stage.resampler is not None:
            conv = sd[f"decoder.up_blocks.{index}.{stage.resampler}.conv.weight"]
            # pixel shuffle makes 4x the stage's width before shuffling; interpolation 1x
            return "pixel_shuffle" if conv.shape[0] == 4 * widths[index] else "interpolate"
    return "pixel_shuffle"


def _downsample_type(sd, stages: list[_Stage], widths: tuple[int, ...]) -> str:
    for index, stage in enumerate(stages):
        if stage.resampler is not None and index + 1 < len(widths):
            conv = sd[f"encoder.down_blocks.{index}.{stage.resampler}.conv.weight"]
            # a stride-2 conv makes the next width; pixel unshuffle a quarter of it
            return "pixel_unshuffle" if 4 * conv.shape[0] == widths[index + 1] else "conv"
    return "pixel_unshuffle"


def _out_channels(sd: Mapping[str, torch.Tensor]) -> int:
    for key in ("decoder.conv_out.weight", "decoder.conv_out.conv.weight"):
        if key in sd:
            tensor = sd[key]
            return int(tensor.shape[0]) // (1 if key == "decoder.conv_out.weight" else 4)
    raise UserError("This DC-AE file's decoder has no output conv (project_out).")


def _head_dim(sd: Mapping[str, torch.Tensor]) -> int:
    for key, value in sd.items():
        if key.endswith("attn.to_qkv_multiscale.0.proj_out.weight"):
            return int(value.shape[1])  # grouped per head: (3C, head_dim, 1, 1)
    return _HEAD_DIM


class DcaeEngine(DiffusersEngine):
    """DC-AE: 32-channel latents at 1/32 of the image's sides (Sana's f32c32)."""

    def __init__(self, weights: Mapping[str, torch.Tensor], device: torch.device) -> None:
        sd = to_diffusers_layout(weights)
        config = infer_config(sd)
        widths = config["decoder_block_out_channels"]
        assert isinstance(widths, tuple)  # infer_config builds it
        stages = len(widths)
        self._load(
            "AutoencoderDC",
            config,
            sd,
            device,
            family=FAMILY,
            latent_channels=config_int(config, "latent_channels"),
            downscale=2 ** (stages - 1),
            has_encoder=any(k.startswith("encoder.") for k in sd),
        )
        self.scaling = SCALING

    def encode_fn(self, model: nn.Module):
        return lambda x: autoencoder(model).encode(x).latent
