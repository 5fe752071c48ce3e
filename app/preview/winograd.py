"""3x3 convolutions on CPU by Winograd's minimal filtering, F(2x2, 3x3).

Each 2x2 block of outputs is computed from the 4x4 block of inputs around it
with 16 multiplications per input-output channel pair instead of 36 (Lavin and
Gray, "Fast Algorithms for Convolutional Neural Networks", 2015): the inputs
and the kernel are carried into a transformed space by fixed additions, the 16
products there are 16 matrix products over channels (one batched GEMM), and
fixed additions bring the result back. The arithmetic is exact; in float32 it
rounds no worse than the direct convolution (tests/preview/test_winograd.py).

Why here: on CPU the SD decoder is convolution-bound and oneDNN's direct fp32
convolution already runs near the cores' FMA peak, so fewer multiplications is
the only way left to go faster. The transforms are memory-bound additions,
which pay off only for wide layers: measured on one Sapphire Rapids core,
512 channels 1.65x faster than oneDNN, 256 channels 1.35x, 128 channels 0.9x
(so those stay direct; benchmarks/decode.py). The work runs in strips of tile
rows sized to stay in cache (the zero padding too), so its scratch space is a
few MiB whatever the image size. GPUs keep cuDNN, which picks its own algorithms.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import torch

MIN_CHANNELS = 256  # narrower layers are faster direct (see the module docstring)
STRIP_ELEMENTS = 32768  # input elements per transform step (about 128 KiB: stays in L2)

# The kernel transform G (4x3): the 16 transformed taps of each 3x3 kernel are G g G^T.
_G = ((1.0, 0.0, 0.0), (0.5, 0.5, 0.5), (0.5, -0.5, 0.5), (0.0, 0.0, 1.0))


def applies(conv: torch.nn.Conv2d, x: torch.Tensor) -> bool:
    """Whether ``conv(x)`` should run here: a wide 3x3, stride 1, pad 1 conv, fp32 NHWC on CPU."""
    return (
        x.device.type == "cpu"
        and x.dtype == torch.float32
        and x.dim() == 4
        and x.shape[-2] % 2 == 0
        and x.shape[-1] % 2 == 0
        and min(conv.in_channels, conv.out_channels) >= MIN_CHANNELS
        and conv.kernel_size == (3, 3)
        and conv.stride == (1, 1)
        and conv.padding == (1, 1)
        and conv.dilation == (1, 1)
        and conv.groups == 1
        and x.is_contiguous(memory_format=torch.channels_last)
        and not torch.compiler.is_compiling()
    )


def transformed_kernel(weight: torch.Tensor) -> torch.Tensor:
    """(out, in, 3, 3) weights to the (16, in, out) matrices of the batched GEMM (float64 sums)."""
    g = torch.tensor(_G, dtype=torch.float64, device=weight.device)
    u = torch.einsum("ai,ocij,bj->abco", g, weight.detach().double(), g)  # (4, 4, in, out)
    return u.reshape(16, weight.shape[1], weight.shape[0]).to(weight.dtype).contiguous()


def conv3x3(x: torch.Tensor, kernel: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """``F.conv2d(x, w, bias, padding=1)`` for NHWC ``x`` with even sides; ``kernel`` from above."""
    _, channels, height, width = x.shape
    out_channels = kernel.shape[2]
    pixels = x.permute(0, 2, 3, 1)[0]  # (H, W, C), a view of the NHWC memory
    cols = width // 2
    strip = max(1, STRIP_ELEMENTS // (cols * channels))
    out = torch.empty(
        1, out_channels, height, width, dtype=x.dtype, memory_format=torch.channels_last
    )
    image = out.permute(0, 2, 3, 1)[0]  # (H, W, Cout), written in place
    starts = range(0, height // 2, strip)
    workers = min(torch.get_num_threads(), len(starts))

    inference, grad = torch.is_inference_mode_enabled(), torch.is_grad_enabled()

    def run(part: range) -> None:  # autograd modes are per thread: carry the caller's over
        with torch.inference_mode(inference), torch.set_grad_enabled(grad):
            scratch = _Scratch(x, strip, width, channels, out_channels)
            for first in part:
                count = min(strip, height // 2 - first)
                band = scratch.padded_band(pixels, first, count)
                scratch.write(scratch.products(band, kernel, count), image[2 * first :], bias)

    if workers <= 1:
        run(starts)
        return out
    parts = [starts[i::workers] for i in range(workers)]  # interleaved: equal shares
    with _one_thread_per_op(workers), ThreadPoolExecutor(workers) as pool:
        for done in [pool.submit(run, part) for part in parts]:
            done.result()
    return out


@contextlib.contextmanager
def _one_thread_per_op(restore: int) -> Iterator[None]:
    """Strips run side by side on their own threads, each op single-threaded.

    Splitting every small op of a strip across threads instead costs a thread
    barrier per op; on a machine busy with other work a barrier can wait a whole
    scheduler slice, which measured 3x slower in CPU time than one op per thread.
    (The decode runs on one lane at a time: nothing else runs torch meanwhile.)
    """
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(restore)


class _Scratch:
    """The per-strip buffers, allocated once per convolution."""

    def __init__(
        self, x: torch.Tensor, strip: int, width: int, channels: int, out_channels: int
    ) -> None:
        cols = width // 2
        self.band = x.new_zeros(2 * strip + 2, width + 2, channels)  # input rows, zero-padded
        self.rows = x.new_empty(4, strip, width + 2, channels)  # B^T d along rows
        self.tiles = x.new_empty(16, strip, cols, channels)  # B^T d B
        self.gemm = x.new_empty(16, strip * cols, out_channels)
        self.half = x.new_empty(2, 4, strip, cols, out_channels)  # A^T m along rows

    def padded_band(self, pixels: torch.Tensor, first: int, count: int) -> torch.Tensor:
        """The input rows of ``count`` tile rows with the conv's zero padding around them.

        Padding strip by strip instead of the whole image keeps a padded copy of
        the input (and its page faults) out of memory.
        """
        height = pixels.shape[0]
        top, bottom = 2 * first - 1, 2 * (first + count)  # input rows, inclusive
        band = self.band[: 2 * count + 2]
        low, high = max(top, 0), min(bottom, height - 1)
        band[low - top : high - top + 1, 1:-1] = pixels[low : high + 1]
        if top < 0:
            band[0].zero_()
        if bottom > height - 1:
            band[-1].zero_()
        return band

    def products(self, band: torch.Tensor, kernel: torch.Tensor, count: int) -> torch.Tensor:
        """Input transform of ``count`` tile rows, then the 16 channel products (4, 4, n, Q, Co)."""
        even, odd = band[0::2], band[1::2]  # input rows 2p+0/2p+2 and 2p+1/2p+3 of each tile
        rows = self.rows[:, :count]
        torch.sub(even[:-1], even[1:], out=rows[0])
        torch.add(odd[:-1], even[1:], out=rows[1])
        torch.sub(even[1:], odd[:-1], out=rows[2])
        torch.sub(odd[:-1], odd[1:], out=rows[3])
        left, right = rows[:, :, 0::2], rows[:, :, 1::2]  # the same along columns
        cols = left.shape[2] - 1
        tiles = self.tiles[:, :count].view(4, 4, count, cols, -1)
        torch.sub(left[:, :, :-1], left[:, :, 1:], out=tiles[:, 0])
        torch.add(right[:, :, :-1], left[:, :, 1:], out=tiles[:, 1])
        torch.sub(left[:, :, 1:], right[:, :, :-1], out=tiles[:, 2])
        torch.sub(right[:, :, :-1], right[:, :, 1:], out=tiles[:, 3])
        flat = self.tiles[:, :count].reshape(16, count * cols, -1)
        if count * cols == self.gemm.shape[1]:
            gemm = torch.bmm(flat, kernel, out=self.gemm)
        else:  # the last, shorter strip
            gemm = torch.bmm(flat, kernel)
        return gemm.view(4, 4, count, cols, -1)

    def write(self, m: torch.Tensor, image: torch.Tensor, bias: torch.Tensor | None) -> None:
        """Output transform A^T m A of one strip into the image rows from its first on (+ bias)."""
        band = image[: 2 * m.shape[2]]
        half = self.half[:, :, : m.shape[2]]
        torch.add(m[0], m[1], out=half[0]).add_(m[2])
        torch.sub(m[1], m[2], out=half[1]).sub_(m[3])
        for a in (0, 1):
            h = half[a]
            even = torch.add(h[0], h[1], out=band[a::2, 0::2]).add_(h[2])
            odd = torch.sub(h[1], h[2], out=band[a::2, 1::2]).sub_(h[3])
            if bias is not None:
                even.add_(bias)
                odd.add_(bias)
