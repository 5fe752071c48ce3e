"""Our compact KL autoencoder (encoder + decoder) with LDM parameter names.

Parameter names match the original ldm ``first_stage_model`` layout exactly
(``encoder.down.0.block.1.norm1.weight`` ...), so ldm files load as they are
and diffusers files are renamed to it by :mod:`app.preview.keys`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 - the usual torch alias
from torch import nn

from app.preview.arch import VaeConfig
from app.preview.layers import AttnBlock, Downsample, Normalize, ResnetBlock, Upsample


class _Level(nn.Module):
    """One resolution level: resnet blocks plus an optional resampler."""

    def __init__(self, blocks: list[ResnetBlock]) -> None:
        super().__init__()
        self.block = nn.ModuleList(blocks)


class _Mid(nn.Module):
    """Resnet, attention, resnet at the lowest resolution."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.block_1 = ResnetBlock(channels, channels)
        self.attn_1 = AttnBlock(channels)
        self.block_2 = ResnetBlock(channels, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block_2(self.attn_1(self.block_1(x)))


class Encoder(nn.Module):
    """Image in [-1, 1] to the 2*z moment channels."""

    def __init__(self, config: VaeConfig) -> None:
        super().__init__()
        chans = config.block_channels
        self.conv_in = nn.Conv2d(config.image_channels, chans[0], 3, padding=1)
        self.down = nn.ModuleList()
        block_in = chans[0]
        for i, block_out in enumerate(chans):
            blocks = []
            for _ in range(config.num_res_blocks):
                blocks.append(ResnetBlock(block_in, block_out))
                block_in = block_out
            level = _Level(blocks)
            if i != len(chans) - 1:
                level.downsample = Downsample(block_in)
            self.down.append(level)
        self.mid = _Mid(block_in)
        self.norm_out = Normalize(block_in)
        self.conv_out = nn.Conv2d(block_in, 2 * config.z_channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv_in(x)
        for level in self.down:
            for block in level.block:
                h = block(h)
            if hasattr(level, "downsample"):
                h = level.downsample(h)
        h = self.mid(h)
        return self.conv_out(F.silu(self.norm_out(h), inplace=True))


class Decoder(nn.Module):
    """Latent (z channels) to an image in roughly [-1, 1]; runs levels from the deepest up."""

    def __init__(self, config: VaeConfig) -> None:
        super().__init__()
        chans = config.block_channels
        block_in = chans[-1]
        self.conv_in = nn.Conv2d(config.z_channels, block_in, 3, padding=1)
        self.mid = _Mid(block_in)
        levels: list[_Level] = [None] * len(chans)  # type: ignore[list-item]
        for i in reversed(range(len(chans))):
            blocks = []
            for _ in range(config.num_res_blocks + 1):
                blocks.append(ResnetBlock(block_in, chans[i]))
                block_in = chans[i]
            level = _Level(blocks)
            if i != 0:
                level.upsample = Upsample(block_in)
            levels[i] = level
        self.up = nn.ModuleList(levels)
        self.norm_out = Normalize(block_in)
        self.conv_out = nn.Conv2d(block_in, config.image_channels, 3, padding=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.mid(self.conv_in(z))
        for level in reversed(self.up):
            for block in level.block:
                h = block(h)
            if hasattr(level, "upsample"):
                h = level.upsample(h)
        return self.conv_out(F.silu(self.norm_out(h), inplace=True))


class KLAutoencoder(nn.Module):
    """The SD/SDXL/SD3/Flux VAE; quant convs exist only where the family has them."""

    def __init__(self, config: VaeConfig) -> None:
        super().__init__()
        self.config = config
        if config.has_encoder:
            self.encoder = Encoder(config)
            if config.has_quant_conv:
                self.quant_conv = nn.Conv2d(2 * config.z_channels, 2 * config.embed_dim, 1)
        self.decoder = Decoder(config)
        if config.has_quant_conv:
            self.post_quant_conv = nn.Conv2d(config.embed_dim, config.z_channels, 1)

    def encode(self, image: torch.Tensor) -> torch.Tensor:
        """The posterior's mean (= its mode): the deterministic latent for an image."""
        moments = self.encoder(image)
        if self.config.has_quant_conv:
            moments = self.quant_conv(moments)
        return moments[:, : self.config.embed_dim]

    def decode(self, latent: torch.Tensor) -> torch.Tensor:
        """Raw VAE latent to image in roughly [-1, 1] (not clamped)."""
        if self.config.has_quant_conv:
            latent = self.post_quant_conv(latent)
        return self.decoder(latent)
