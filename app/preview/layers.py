"""Building blocks of the KL autoencoder, named as in ComfyUI/diffusers so keys line up.

Inference only: no dropout, no gradients. Two habits keep the memory peak low
without changing the arithmetic:

- A block updates the activations it owns in place (SiLU, residual add).
- A caller may hand a block its input as a one-item list (``block([h])``, see
  :func:`take`): the block then owns the tensor, frees it as soon as it is used
  up and may normalize it in place. diffusers keeps a block's input, its
  normalized copy and the SiLU copy alive at once; the largest block of an SD
  decoder (256 -> 128 channels at full resolution) then holds 6 full-resolution
  maps where ours holds 4 (benchmarks/decode.py).
"""

from __future__ import annotations

import typing
from collections.abc import Callable

import torch
import torch.nn.functional as F  # noqa: N812 - the usual torch alias
from torch import nn

from app.preview import winograd

Handed = torch.Tensor | list[torch.Tensor]  # a tensor, or a list holding the only reference
NORM_CHUNKS = 8  # in-place GroupNorm works on 1/8 of the channels at a time (its scratch)


class DerivedKernel:
    """A kernel computed from a conv's weight, rebuilt when the weight is replaced or edited."""

    def __init__(self, build: Callable[[torch.Tensor], torch.Tensor]) -> None:
        self._build = build
        self._key: tuple[object, ...] | None = None
        self._value: torch.Tensor | None = None

    def of(self, weight: torch.Tensor) -> torch.Tensor:
        """The kernel for ``weight`` (cached while its storage, dtype and version stay)."""
        if torch.compiler.is_compiling():  # traced into the graph, where inductor folds it
            return self._build(weight)
        key = (weight.data_ptr(), weight.dtype, weight.device, _version(weight))
        if self._value is None or self._key != key:
            self._key, self._value = key, self._build(weight)
        return self._value


class Conv3x3(nn.Conv2d):
    """A 3x3, padding-1 conv; wide fp32 NHWC layers on CPU run by Winograd's F(2x2, 3x3).

    Same parameters and state-dict keys as ``nn.Conv2d``; see :mod:`app.preview.winograd`
    for when and why.
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__(in_channels, out_channels, 3, padding=1)
        self._winograd = DerivedKernel(winograd.transformed_kernel)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The convolution, by whichever algorithm is faster here."""
        if winograd.applies(self, x):
            return winograd.conv3x3(x, self._winograd.of(self.weight), self.bias)
        return super().forward(x)


def Normalize(channels: int) -> nn.GroupNorm:  # noqa: N802 - the name every SD codebase uses
    """GroupNorm(32, eps=1e-6), the only norm in SD VAEs."""
    return nn.GroupNorm(num_groups=32, num_channels=channels, eps=1e-6, affine=True)


def take(x: Handed) -> torch.Tensor:
    """The tensor itself, or the one a caller handed over in a list (emptying the list).

    Python keeps an argument alive until the call returns; handing it over in a
    list is the only way a callee can free its input early.
    """
    return x.pop() if isinstance(x, list) else x


def norm_silu(norm: nn.GroupNorm, x: torch.Tensor) -> torch.Tensor:
    """SiLU(GroupNorm(x)) in a new tensor; the SiLU runs in place on it."""
    return F.silu(norm(x), inplace=True)


def norm_silu_(norm: nn.GroupNorm, x: torch.Tensor) -> torch.Tensor:
    """SiLU(GroupNorm(x)) written over ``x``, a chunk of whole groups at a time.

    GroupNorm statistics never cross groups, so normalizing a slice of whole
    groups with the slice's share of the affine parameters is the same
    arithmetic as the whole; the scratch is one slice, not a second ``x``.
    Measured on CPU, NCHW: faster than ``F.group_norm`` on the whole (the slice
    stays in cache); channels-last: about 1.3x the time of the whole.
    """
    groups = norm.num_groups
    chunks = NORM_CHUNKS if groups % NORM_CHUNKS == 0 else 1
    step = x.shape[1] // chunks
    for start in range(0, x.shape[1], step):
        part = x[:, start : start + step]
        stop = start + step
        part.copy_(
            F.group_norm(
                part, groups // chunks, norm.weight[start:stop], norm.bias[start:stop], norm.eps
            )
        )
    return F.silu(x, inplace=True)


def pointwise(conv: nn.Conv2d, x: torch.Tensor) -> torch.Tensor:
    """A 1x1 conv; as a matrix product over channels when ``x`` is channels-last.

    On CPU, PyTorch runs a channels-last 1x1 conv through its slow im2col path
    (``_slow_conv2d_forward``, then a bias copy); the same product as
    ``F.linear`` on the (N, H, W, C) view is one MKL GEMM with the bias fused.
    """
    if not is_channels_last(x):
        return conv(x)
    out_channels, in_channels = conv.weight.shape[:2]
    weight = conv.weight.view(out_channels, in_channels)
    return F.linear(x.permute(0, 2, 3, 1), weight, conv.bias).permute(0, 3, 1, 2)


class ResnetBlock(nn.Module):
    """norm-SiLU-conv twice, plus a 1x1 shortcut when the channel count changes."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.norm1 = Normalize(in_channels)
        self.conv1 = Conv3x3(in_channels, out_channels)
        self.norm2 = Normalize(out_channels)
        self.conv2 = Conv3x3(out_channels, out_channels)
        self.nin_shortcut = (
            nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else None
        )

    def forward(self, x: Handed) -> torch.Tensor:
        """The residual block; an input handed over is freed after its last use."""
        owned = isinstance(x, list)
        x = take(x)
        if self.nin_shortcut is None:
            shortcut = x
            h = norm_silu(self.norm1, x)
        else:
            shortcut = pointwise(self.nin_shortcut, x)
            h = norm_silu_(self.norm1, x) if owned else norm_silu(self.norm1, x)
        del x  # with a shortcut conv, nothing else holds the (wide) input now
        h = self.conv1(h)
        h = norm_silu(self.norm2, h)  # out of place: the in-place form is slower on NHWC
        return self.conv2(h).add_(shortcut)


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

    def forward(self, x: Handed) -> torch.Tensor:
        """The input plus attention over its positions (the input is the residual)."""
        x = take(x)
        b, c, height, width = x.shape
        tokens = self.norm(x).flatten(2).transpose(1, 2)  # (b, hw, c)
        weight = torch.cat([self.q.weight, self.k.weight, self.v.weight]).view(3 * c, c)
        biases = [self.q.bias, self.k.bias, self.v.bias]  # built with bias=True above
        bias = torch.cat(typing.cast("list[torch.Tensor]", biases))
        qkv = F.linear(tokens, weight, bias).view(b, -1, 3, 1, c)
        del tokens
        q, k, v = qkv.unbind(2)  # (b, hw, 1, c) each
        out = F.scaled_dot_product_attention(
            q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        )  # (b, 1, hw, c)
        del q, k, v, qkv
        out = F.linear(out.squeeze(1), self.proj_out.weight.view(c, c), self.proj_out.bias)
        out = out.transpose(1, 2).reshape(b, c, height, width)
        return out.add_(x)


class Downsample(nn.Module):
    """Stride-2 3x3 conv after padding only right and bottom by one (the (0,1,0,1) pad)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=0)

    def forward(self, x: Handed) -> torch.Tensor:
        """Halve height and width."""
        return self.conv(F.pad(take(x), (0, 1, 0, 1)))


class Upsample(nn.Module):
    """Nearest-neighbour x2, then a 3x3 conv - computed without the x2 intermediate.

    Repeating each value twice and then convolving with a 3x3 kernel equals a
    stride-2 transposed convolution with a 4x4 kernel whose taps are sums of the
    3x3 taps: 4 instead of 9 multiply-adds per output value, and no upsampled
    copy. Channels-last inputs (CPU) run it as one ``conv_transpose2d`` (oneDNN
    writes the interleaved output directly); NCHW inputs (GPU) as four 2x2
    convs, one per output phase (row parity a, column parity b), each written
    into its phase of the output. On CPU, channels-last: transposed conv 0.8x
    the time of the phase convs; NCHW: 1.35x (so NCHW keeps the phases). Both
    equal the plain form up to float rounding (tests/preview/test_layers.py).
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        self._transposed = DerivedKernel(_transposed_kernel)
        self._phases = DerivedKernel(_phase_kernels)

    def forward(self, x: Handed) -> torch.Tensor:
        """Double height and width."""
        x = take(x)
        if is_channels_last(x):
            kernel = self._transposed.of(self.conv.weight)
            return F.conv_transpose2d(x, kernel, self.conv.bias, stride=2, padding=1)
        return self._phase_forward(x)

    def plain_forward(self, x: torch.Tensor) -> torch.Tensor:
        """The textbook form (interpolate, then conv), kept as the reference."""
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))

    def _phase_forward(self, x: torch.Tensor) -> torch.Tensor:
        kernels = self._phases.of(self.conv.weight)
        n, _, height, width = x.shape
        out = x.new_empty(n, self.conv.out_channels, 2 * height, 2 * width)
        grid = out.unflatten(3, (width, 2)).unflatten(2, (height, 2))  # (n, c, h, 2, w, 2)
        padded = F.pad(x, (1, 1, 1, 1))
        del x
        for (a, b), kernel in zip(((0, 0), (0, 1), (1, 0), (1, 1)), kernels, strict=True):
            window = padded[..., a : a + height + 1, b : b + width + 1]
            grid[:, :, :, a, :, b] = F.conv2d(window, kernel, self.conv.bias)
        return out


def _version(weight: torch.Tensor) -> int:
    """The in-place edit counter (inference tensors have none: they cannot be edited)."""
    return -1 if weight.is_inference() else weight._version


def _tap_sums(weight: torch.Tensor, dim: int) -> torch.Tensor:
    """3 taps along ``dim`` to the 4 of the transposed kernel: (w2, w1+w2, w0+w1, w0).

    Output row 2i sees input rows i-1 (tap 0) and i (taps 1+2); row 2i+1 sees
    rows i (taps 0+1) and i+1 (tap 2). With stride 2 and padding 1, transposed
    kernel position k serves output 2j + k - 1 from input j, which orders the
    sums as above.
    """
    w0, w1, w2 = weight.unbind(dim)
    return torch.stack([w2, w1 + w2, w0 + w1, w0], dim)


def _transposed_kernel(weight: torch.Tensor) -> torch.Tensor:
    """(in, out, 4, 4) ``conv_transpose2d`` weights, summed in fp32, channels-last."""
    kernel = _tap_sums(_tap_sums(weight.detach().float(), 2), 3).transpose(0, 1)
    return kernel.to(weight.dtype).contiguous(memory_format=torch.channels_last)


def _phase_kernels(weight: torch.Tensor) -> torch.Tensor:
    """(4, out, in, 2, 2) kernels for output phases 00, 01, 10, 11, summed in fp32.

    Phase (a, b) reads the 2x2 window of the once-padded input that starts at
    its input cell plus (a, b); in window order its taps are the transposed
    kernel's positions (3 - a, 1 - a) along rows and (3 - b, 1 - b) along columns.
    """
    sums = _tap_sums(_tap_sums(weight.detach().float(), 2), 3)  # (out, in, 4, 4)
    picks = ([3, 1], [2, 0])
    kernels = [sums[:, :, picks[a]][:, :, :, picks[b]] for a in (0, 1) for b in (0, 1)]
    return torch.stack(kernels).to(weight.dtype)


def is_channels_last(x: torch.Tensor) -> bool:
    """Whether a 4-D tensor is laid out NHWC (and not also plain contiguous)."""
    return (
        x.dim() == 4
        and not x.is_contiguous()
        and x.is_contiguous(memory_format=torch.channels_last)
    )
