"""Overlapping tiles with linear-ramp blending, for latents too big to decode at once.

Tiles are planned in latent cells and mapped to pixels by the VAE's scale, so
the same code tiles decoding (latent -> pixels, x8) and encoding (pixels ->
latent, /8). Each tile's output is weighted by a mask that ramps linearly
across the overlap on every side that has a neighbour; the result is the
weighted sum divided by the summed weights, so seams fade instead of cutting.
GroupNorm statistics and mid-block attention are per tile, so tiled output
differs slightly from untiled output; tests/preview/test_tiling.py bounds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from app.core.tasks import CancelToken, ProgressCallback, no_progress

TILE_SIZES = (64, 48, 32, 24, 16)  # latent cells, largest first (ComfyUI's default is 64)


@dataclass(frozen=True)
class TilePlan:
    """Tile edge and overlap, in latent cells."""

    tile: int
    overlap: int

    @classmethod
    def of(cls, tile: int) -> TilePlan:
        """A tile with the customary quarter-tile overlap."""
        return cls(tile=tile, overlap=max(1, tile // 4))


def tile_starts(size: int, tile: int, overlap: int) -> list[int]:
    """Evenly spread starts covering [0, size) with neighbours overlapping >= overlap."""
    if size <= tile:
        return [0]
    stride = tile - overlap
    count = -(-(size - overlap) // stride)
    return [round(i * (size - tile) / (count - 1)) for i in range(count)]


def ramp(length: int, fade: int, left: bool, right: bool) -> torch.Tensor:
    """1-D weights: 1 inside, linear ramps over ``fade`` samples at sides with a neighbour."""
    weights = torch.ones(length, dtype=torch.float32)
    fade = min(fade, length)
    if fade > 0:
        rising = (torch.arange(fade, dtype=torch.float32) + 0.5) / fade
        if left:
            weights[:fade] *= rising
        if right:
            weights[-fade:] *= rising.flip(0)
    return weights


def run_tiled(
    fn: Callable[[torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    plan: TilePlan,
    *,
    in_scale: int,
    out_scale: int,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> torch.Tensor:
    """Apply ``fn`` tile by tile to ``x`` (N, C, H, W) and blend the outputs (float32).

    ``in_scale``/``out_scale`` are pixels per latent cell on the input/output side
    (decode: 1 and 8; encode: 8 and 1).
    """
    grid_h, grid_w = x.shape[-2] // in_scale, x.shape[-1] // in_scale
    ys = tile_starts(grid_h, plan.tile, plan.overlap)
    xs = tile_starts(grid_w, plan.tile, plan.overlap)
    out: torch.Tensor | None = None
    weight_sum = torch.zeros(grid_h * out_scale, grid_w * out_scale, device=x.device)
    tiles = [(row, col) for row in range(len(ys)) for col in range(len(xs))]
    for index, (row, col) in enumerate(tiles):
        y0, x0 = ys[row], xs[col]
        if cancel is not None:
            cancel.raise_if_cancelled()
        th, tw = min(plan.tile, grid_h), min(plan.tile, grid_w)
        piece = x[..., y0 * in_scale : (y0 + th) * in_scale, x0 * in_scale : (x0 + tw) * in_scale]
        result = fn(piece).float()
        if out is None:
            out = torch.zeros(
                (*result.shape[:2], grid_h * out_scale, grid_w * out_scale), device=x.device
            )
        fade = plan.overlap * out_scale
        mask = torch.outer(
            ramp(th * out_scale, fade, row > 0, row < len(ys) - 1),
            ramp(tw * out_scale, fade, col > 0, col < len(xs) - 1),
        ).to(x.device)
        oy, ox = y0 * out_scale, x0 * out_scale
        region = (..., slice(oy, oy + th * out_scale), slice(ox, ox + tw * out_scale))
        out[region] += result * mask
        weight_sum[region[1:]] += mask
        progress(index + 1, len(tiles))
    assert out is not None
    return out / weight_sum
