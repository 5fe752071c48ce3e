"""Our compact KL autoencoder (encoder + decoder) with LDM parameter names.

Parameter names match the original ldm ``first_stage_model`` layout exactly
(``encoder.down.0.block.1.norm1.weight`` ...), so ldm files load as they are
and diffusers files are renamed to it by :mod:`app.preview.keys`.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator

import torch
from torch import nn

from app.preview.arch import VaeConfig
from app.preview.layers import (
    AttnBlock,
    Downsample,
    Handed,
    Normalize,
    ResnetBlock,
    Upsample,
    norm_silu,
    take,
)


def run_handing_over(steps: Iterator[nn.Module], x: torch.Tensor) -> torch.Tensor:
    """Run ``steps`` in order, handing each its input (see :func:`app.preview.layers.take`).

    Nothing but the running step holds the activation, so a step can free it as
    soon as it is used up (``x`` must be the caller's only reference: pass a
    fresh tensor).
    """
    box = [x]
    del x
    for step in steps:
        box.append(step(box))
    return box.pop()


Twin = Callable[[nn.Module], nn.Module]  # a module -> the same module in float32


def finite(x: torch.Tensor) -> bool:
    """Whether every value is finite, without a full-size temporary.

    A float32 sum is finite exactly when every term is (inf and NaN propagate,
    and half-precision values cannot overflow a float32 sum).
    """
    return bool(torch.isfinite(x.sum(dtype=torch.float32)))


def run_upcasting(stages: list[nn.Module], x: torch.Tensor, twin: Twin) -> tuple[torch.Tensor, int]:
    """Run ``stages`` in ``x``'s precision until one overflows, then that one and the rest in fp32.

    Returns the output and the index of the first stage that ran in fp32
    (``len(stages)`` when none did). Inputs are not handed over: a stage whose
    output is not finite is redone from its (finite) input.
    """
    first_fp32 = len(stages)
    for index, stage in enumerate(stages):
        if index < first_fp32:
            out = _apply(stage, x)
            if finite(out):
                x = out
                continue
            del out
            first_fp32 = index
        x = _apply(twin(stage), x.float())
    return x, first_fp32


def _apply(stage: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """A stage on an input it must not change (GroupNorm stages carry the SiLU after them)."""
    return norm_silu(stage, x) if isinstance(stage, nn.GroupNorm) else stage(x)


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

    def forward(self, x: Handed) -> torch.Tensor:
        """The three steps, handing the activation over between them."""
        return run_handing_over(self.steps(), take(x))

    def steps(self) -> Iterator[nn.Module]:
        """The modules in the order they run."""
        yield from (self.block_1, self.attn_1, self.block_2)


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
        """Image to moments; the image itself is never written to."""
        h = run_handing_over(self.steps(), self.conv_in(x))
        h = norm_silu(self.norm_out, h)
        return self.conv_out(h)

    def steps(self) -> Iterator[nn.Module]:
        """The modules between ``conv_in`` and ``norm_out``, in the order they run."""
        for level in self.down:
            yield from typing.cast(nn.ModuleList, level.block)
            if hasattr(level, "downsample"):
                yield typing.cast(nn.Module, level.downsample)
        yield from self.mid.steps()


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
        """Latent to image; the latent itself is never written to."""
        h = run_handing_over(self.steps(), self.conv_in(z))
        h = norm_silu(self.norm_out, h)
        return self.conv_out(h)

    def steps(self) -> Iterator[nn.Module]:
        """The modules between ``conv_in`` and ``norm_out``, in the order they run."""
        yield from self.mid.steps()
        for level in reversed(self.up):
            yield from typing.cast(nn.ModuleList, level.block)
            if hasattr(level, "upsample"):
                yield typing.cast(nn.Module, level.upsample)

    def stages(self) -> list[nn.Module]:
        """Every module in the order it runs (``norm_out`` stands for norm-then-SiLU)."""
        return [self.conv_in, *self.steps(), self.norm_out, self.conv_out]


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

    def decode_stages(self) -> list[nn.Module]:
        """The decode as a list of modules run in turn (for :func:`run_upcasting`)."""
        quant = [self.post_quant_conv] if self.config.has_quant_conv else []
        return [*quant, *self.decoder.stages()]
