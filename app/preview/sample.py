"""The sample latent: the test card encoded by the VAE's own encoder, cached on disk.

Encoding 512x512 takes seconds on a CPU, and every preview of the same VAE
needs the same latent, so it is cached under ``cache_dir/latents`` keyed by
family, the encoder's content hash, the card's own pixels (their hash) and size,
and the precision it was encoded in. The latent is in the engine's native form.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from app.core.paths import app_paths
from app.core.publish import write_bytes_atomic
from app.core.tasks import CancelToken, ProgressCallback, no_progress
from app.preview.device import DTYPE_NAMES
from app.preview.engines.base import Outcome, PreviewEngine
from app.preview.testcard import DEFAULT_SIZE, card_digest, make_test_card

_CACHE_KEY = "latent"


def image_to_tensor(rgb01: np.ndarray) -> torch.Tensor:
    """(H, W, 3) floats in [0, 1] to the VAE's (1, 3, H, W) input in [-1, 1]."""
    array = np.ascontiguousarray(rgb01, dtype=np.float32).transpose(2, 0, 1)[None]
    return torch.from_numpy(array * 2.0 - 1.0)


def tensor_to_image(decoded: torch.Tensor) -> np.ndarray:
    """VAE output (1, 3, H, W) to (H, W, 3) float32 ``clamp((x + 1) / 2, 0, 1)``."""
    rgb = ((decoded[0].float() + 1.0) / 2.0).clamp_(0.0, 1.0)
    return np.ascontiguousarray(rgb.permute(1, 2, 0).numpy(), dtype=np.float32)


def cache_path(engine: PreviewEngine, family: str, dtype: torch.dtype, card: np.ndarray) -> Path:
    """Where the sample latent for this encoder, family, card and precision lives."""
    digest = card_digest(card)
    name = f"{family}-{engine.digest()}-card{digest}-{card.shape[0]}-{DTYPE_NAMES[dtype]}"
    return app_paths().cache_dir / "latents" / f"{name}.safetensors"


def sample_latent(
    engine: PreviewEngine,
    family: str,
    *,
    dtype: torch.dtype,
    tile: str = "auto",
    size: int = DEFAULT_SIZE,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> tuple[torch.Tensor, np.ndarray, Outcome | None]:
    """The test card's latent, the card as RGB [0, 1], and the encode outcome (None if cached)."""
    pixels = make_test_card(size)
    card = pixels.astype(np.float32) / 255.0
    path = cache_path(engine, family, dtype, pixels)
    cached = _read_cache(path)
    if cached is not None and _fits(cached, engine):
        return cached, card, None
    outcome = engine.encode(
        image_to_tensor(card), dtype=dtype, tile=tile, progress=progress, cancel=cancel
    )
    _write_cache(path, outcome.tensor)
    return outcome.tensor, card, outcome


def _fits(latent: torch.Tensor, engine: PreviewEngine) -> bool:
    return latent.shape[1] == engine.latent_channels and latent.dim() == (5 if engine.video else 4)


def _read_cache(path: Path) -> torch.Tensor | None:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    if not path.is_file():
        return None
    try:
        return load_file(str(path))[_CACHE_KEY].float()
    except (SafetensorError, OSError, KeyError):
        return None  # a damaged cache entry is simply recomputed


def _write_cache(path: Path, latent: torch.Tensor) -> None:
    """Written whole or not at all (a few hundred KiB): two previews never share a temp."""
    from safetensors.torch import save

    write_bytes_atomic(path, save({_CACHE_KEY: latent.contiguous()}))
