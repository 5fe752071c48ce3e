"""Fixtures for the preview engine: small real VAE state dicts and files (ch=32)."""

from __future__ import annotations

import pytest
import torch

from app.preview.engine import VaeEngine
from tests.model_files import ldm_vae_state_dict

CPU = torch.device("cpu")


@pytest.fixture(scope="session")
def small_sd() -> dict[str, torch.Tensor]:
    """A 4-channel SD-style VAE with 32 base channels (random weights, ldm keys)."""
    return ldm_vae_state_dict(ch=32, seed=0)


@pytest.fixture(scope="session")
def small_engine(small_sd) -> VaeEngine:
    return VaeEngine(small_sd, CPU)


def latent(channels: int = 4, size: int = 8, seed: int = 1) -> torch.Tensor:
    """A deterministic random latent (1, C, size, size)."""
    return torch.randn(1, channels, size, size, generator=torch.Generator().manual_seed(seed))


def decode(engine: VaeEngine, z: torch.Tensor, dtype: torch.dtype = torch.float32):
    return engine.decode(z, dtype=dtype, tile="off").tensor


FP16_MAX = 65504.0


def overflowing_sd() -> dict[str, torch.Tensor]:
    """Weights that are all representable in fp16 but whose activations are not.

    decoder.conv_in adds 60000 to every value and the first mid resnet adds another
    60000 on its residual path: 120000 is past fp16's 65504 (inf), while fp32 is fine
    because the following GroupNorms rescale everything.
    """
    sd = ldm_vae_state_dict(ch=32, seed=0)
    sd["decoder.conv_in.bias"] = torch.full_like(sd["decoder.conv_in.bias"], 60000.0)
    sd["decoder.mid.block_1.conv2.bias"] = torch.full_like(
        sd["decoder.mid.block_1.conv2.bias"], 60000.0
    )
    assert all(v.abs().max() < FP16_MAX for v in sd.values())
    return sd
