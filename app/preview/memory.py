"""How much memory a decode or encode needs, to decide on tiling before running out.

The peak is a few live copies of the largest activation: in the decoder, the
full-resolution map right after the last upsample (256 channels on real SD
VAEs); in the encoder, the first level's map. Measured peaks, as multiples of
that map: 2.05x on CPU (fp32 NHWC, ch=128, 64x64 latent: 520-540 MB over a
256 MiB map; the blocks free their inputs early, app/preview/layers.py); before
that 3.65x on CPU and 3.5x on an H100 (bf16, ch=128, 256x256 latent: 7.2 GiB
over a 2 GiB map). The GPU figure has not been measured again since, so
``LIVE_COPIES`` keeps its margin over the old one. Attention runs through SDPA,
which never builds the (h*w)^2 score matrix, so it adds only O(h*w*C).
"""

from __future__ import annotations

from app.preview.arch import VaeConfig
from app.preview.tiling import TILE_SIZES, TilePlan

LIVE_COPIES = 5.0
WORKSPACE_BYTES = 256 * 1024**2  # allocator slack, kernels' scratch space


def largest_decoder_map(config: VaeConfig, height: int, width: int) -> int:
    """Elements in the decoder's largest activation for a (height, width) latent."""
    chans = config.block_channels
    levels = len(chans)
    best = 0
    for i in range(levels):
        cells = height * width * 4 ** (levels - 1 - i)
        channels = max(chans[i], chans[i + 1]) if i + 1 < levels else chans[i]
        best = max(best, cells * channels)
    return best


def largest_encoder_map(config: VaeConfig, height: int, width: int) -> int:
    """Elements in the encoder's largest activation for an image of (height, width) cells."""
    chans = config.block_channels
    levels = len(chans)
    return max(height * width * 4 ** (levels - 1 - i) * chans[i] for i in range(levels))


def decode_bytes(config: VaeConfig, height: int, width: int, dtype_bytes: int) -> int:
    """Estimated peak bytes (activations only) to decode a latent of that size."""
    elements = largest_decoder_map(config, height, width)
    return int(LIVE_COPIES * elements * dtype_bytes) + WORKSPACE_BYTES


def encode_bytes(config: VaeConfig, height: int, width: int, dtype_bytes: int) -> int:
    """Estimated peak bytes (activations only) to encode an image of that latent size."""
    elements = largest_encoder_map(config, height, width)
    return int(LIVE_COPIES * elements * dtype_bytes) + WORKSPACE_BYTES


def choose_plan(
    config: VaeConfig, kind: str, height: int, width: int, dtype_bytes: int, budget: int, mode: str
) -> TilePlan | None:
    """The tiling to use: None when it fits the budget ("auto") or tiling is "off".

    Otherwise the largest tile whose estimate fits, down to the smallest tile
    size. ``height``/``width`` are latent cells; ``budget`` is bytes.
    """
    if mode == "off":
        return None
    estimate = decode_bytes if kind == "decode" else encode_bytes
    if mode == "auto" and estimate(config, height, width, dtype_bytes) <= budget:
        return None
    longest = max(height, width)
    for edge in TILE_SIZES:
        if edge < longest and estimate(config, edge, edge, dtype_bytes) <= budget:
            return TilePlan.of(edge)
    smallest = TilePlan.of(TILE_SIZES[-1])
    return smallest if longest > smallest.tile else None
