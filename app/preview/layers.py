"""Building blocks of the KL autoencoder, named as in ComfyUI/diffusers so keys line up.

Inference only: no dropout, no gradients. Activations the block owns are
updated in place (SiLU, residual add), which saves one full-size tensor per
step without changing a single bit of the result.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 - the usual torch alias
from torch import nn


def Normalize(channels: int) -> nn.GroupNorm:  # noqa: N802 - the name every SD codebase uses
    """GroupNorm(32, eps=1e-6), the only norm in SD VAEs."""
    return nn.GroupNorm(num_groups=32, num_channels=channels, eps=1e-6, affine=True)


class ResnetBlock(nn.Module):
    """norm-SiLU-conv twice, plus a 1x1 shortcut when the channel count changes."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.norm1 = Normalize(in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.norm2 = Normalize(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.nin_shortcut = (
            nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else None
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x), inplace=True))
        h = self.conv2(F.silu(self.norm2(h), inplace=True))
        shortcut = x if self.nin_shortcut is None else self.nin_shortcut(x)
        return h.add_(shortcut)


class AttnBlock(nn.Module):
    """Single-head self-attention over all positions (the VAE's mid block).

    The weights stay 1x1 convs (the LDM layout) but run as one fused q/k/v
    matmul and ``scaled_dot_product_attention``, which never materialises the
    (h*w)^2 score matrix on CPU or GPU.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.norm = Normalize(channels)
        self.q = nn.Conv2d(channels, channels, 1)
        self.k = nn.Conv2d(channels, channels, 1)
        self.v = nn.Conv2d(channels, channels, 1)
        self.proj_out = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, height, width = x.shape
        tokens = self.norm(x).flatten(2).transpose(1, 2)  # (b, hw, c)
        weight = torch.cat([self.q.weight, self.k.weight, self.v.weight]).view(3 * c, c)
        bias = torch.cat([self.q.bias, self.k.bias, self.v.bias])
        qkv = F.linear(tokens, weight, bias).view(b, -1, 3, 1, c)
        q, k, v = qkv.unbind(2)  # (b, hw, 1, c) each
        out = F.scaled_dot_product_attention(
            q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        )  # (b, 1, hw, c)
        out = F.linear(out.squeeze(1), self.proj_out.weight.view(c, c), self.proj_out.bias)
        out = out.transpose(1, 2).reshape(b, c, height, width)
        return out.add_(x)


class Downsample(nn.Module):
    """Stride-2 3x3 conv after padding only right and bottom by one (the (0,1,0,1) pad)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.pad(x, (0, 1, 0, 1)))


class Upsample(nn.Module):
    """Nearest-neighbour x2, then a 3x3 conv - computed without the x2 intermediate.

    Upsampling by repetition then a 3x3 conv equals, for each of the four output
    phases (row parity a, column parity b), a 2x2 conv on the small input whose
    taps are sums of the 3x3 taps. That needs 16 instead of 36 multiply-adds per
    output value and never builds the 4x larger upsampled copy. The result equals
    the plain form up to float rounding (tests/preview/test_layers.py).
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        self._phases: tuple[tuple[object, ...], torch.Tensor, torch.Tensor] | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight, bias = self._phase_weights()
        n, _, height, width = x.shape
        out_channels = self.conv.out_channels
        y = F.conv2d(F.pad(x, (1, 1, 1, 1)), weight, bias)  # (n, 4*out, h+1, w+1)
        if _is_channels_last(x):
            out = x.new_empty(n, 2 * height, 2 * width, out_channels).permute(0, 3, 1, 2)
        else:
            out = x.new_empty(n, out_channels, 2 * height, 2 * width)
        grid = out.unflatten(3, (width, 2)).unflatten(2, (height, 2))  # (n, c, h, 2, w, 2)
        for phase, (a, b) in enumerate(((0, 0), (0, 1), (1, 0), (1, 1))):
            rows = slice(phase * out_channels, (phase + 1) * out_channels)
            grid[:, :, :, a, :, b] = y[:, rows, a : a + height, b : b + width]
        return out

    def plain_forward(self, x: torch.Tensor) -> torch.Tensor:
        """The textbook form (interpolate, then conv), kept as the reference."""
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))

    def _phase_weights(self) -> tuple[torch.Tensor, torch.Tensor]:
        weight = self.conv.weight
        key = (weight.data_ptr(), weight.dtype, weight.device, weight._version)
        if self._phases is None or self._phases[0] != key:
            self._phases = (key, _phase_kernels(weight), self.conv.bias.repeat(4))
        return self._phases[1], self._phases[2]


def _phase_kernels(weight: torch.Tensor) -> torch.Tensor:
    """(4*out, in, 2, 2) kernels for phases 00, 01, 10, 11, summed in fp32."""
    w = weight.float()
    even = torch.stack([w[:, :, 0], w[:, :, 1] + w[:, :, 2]], 2)  # output row 2i: rows i-1, i
    odd = torch.stack([w[:, :, 0] + w[:, :, 1], w[:, :, 2]], 2)  # output row 2i+1: rows i, i+1
    kernels = []
    for rows in (even, odd):
        kernels.append(torch.stack([rows[..., 0], rows[..., 1] + rows[..., 2]], 3))
        kernels.append(torch.stack([rows[..., 0] + rows[..., 1], rows[..., 2]], 3))
    merged = torch.cat(kernels, 0).to(weight.dtype)
    if _is_channels_last(weight):
        merged = merged.contiguous(memory_format=torch.channels_last)
    return merged


def _is_channels_last(x: torch.Tensor) -> bool:
    return (
        x.dim() == 4
        and not x.is_contiguous()
        and x.is_contiguous(memory_format=torch.channels_last)
    )
