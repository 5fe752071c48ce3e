"""The KL autoencoder's shape, read from its weights rather than from a config file.

Users hand us bare weight files (no config), and the same code must run real
VAEs (128 base channels) and small test VAEs (32), so every size is inferred
from tensor shapes in the LDM key layout (see :mod:`app.preview.keys`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import torch

from app.core.errors import UserError

_UP_BLOCK = re.compile(r"^decoder\.up\.(\d+)\.block\.(\d+)\.")
_DOWN_BLOCK = re.compile(r"^encoder\.down\.(\d+)\.block\.(\d+)\.")


@dataclass(frozen=True)
class VaeConfig:
    """Sizes of one KL autoencoder (LDM ``ddconfig`` terms, flattened)."""

    block_channels: tuple[int, ...]  # ch * ch_mult[i], level 0 = full resolution
    num_res_blocks: int
    z_channels: int  # decoder.conv_in input channels
    embed_dim: int  # latent channels seen by users (post_quant_conv input)
    has_quant_conv: bool  # quant_conv / post_quant_conv present (SD1/SDXL: yes; SD3/Flux: no)
    has_encoder: bool
    image_channels: int = 3

    @property
    def ch(self) -> int:
        """Base channel count (``ch`` in LDM configs)."""
        return self.block_channels[0]

    @property
    def ch_mult(self) -> tuple[int, ...]:
        """Channel multipliers per level, relative to :attr:`ch`."""
        return tuple(c // self.ch for c in self.block_channels)

    @property
    def latent_channels(self) -> int:
        """Channels of the latent that decode() takes and encode() returns."""
        return self.embed_dim

    @property
    def downscale(self) -> int:
        """Pixels per latent cell along one axis (8 for every SD family)."""
        return 2 ** (len(self.block_channels) - 1)


def infer_config(sd: Mapping[str, torch.Tensor]) -> VaeConfig:
    """Infer the architecture from an LDM-layout state dict; raise UserError if it is not one."""
    for required in ("decoder.conv_in.weight", "decoder.conv_out.weight"):
        if required not in sd:
            raise UserError(
                f"This file is not a KL VAE: it has no '{required}' tensor "
                "(looked for the VAE's decoder in the ldm and diffusers layouts)."
            )
    levels: dict[int, set[int]] = {}
    for key in sd:
        match = _UP_BLOCK.match(key)
        if match:
            levels.setdefault(int(match[1]), set()).add(int(match[2]))
    if not levels or sorted(levels) != list(range(len(levels))):
        raise UserError(
            "This file is not a KL VAE: its decoder up-sampling levels are missing or incomplete "
            f"(found levels {sorted(levels)})."
        )
    block_channels = tuple(
        _out_channels(sd, f"decoder.up.{i}.block.0.conv2.weight") for i in range(len(levels))
    )
    num_res_blocks = len(levels[0]) - 1
    z_channels = int(sd["decoder.conv_in.weight"].shape[1])
    has_quant = "post_quant_conv.weight" in sd
    embed_dim = int(sd["post_quant_conv.weight"].shape[1]) if has_quant else z_channels
    has_encoder = any(k.startswith("encoder.") for k in sd)
    return VaeConfig(
        block_channels=block_channels,
        num_res_blocks=num_res_blocks,
        z_channels=z_channels,
        embed_dim=embed_dim,
        has_quant_conv=has_quant,
        has_encoder=has_encoder,
        image_channels=int(sd["decoder.conv_out.weight"].shape[0]),
    )


def _out_channels(sd: Mapping[str, torch.Tensor], key: str) -> int:
    if key not in sd:
        raise UserError(f"This VAE file is incomplete: it has no '{key}' tensor.")
    return int(sd[key].shape[0])
