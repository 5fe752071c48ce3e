"""Exactness: our encode/decode equals diffusers' AutoencoderKL on the same weights (fp32)."""

from __future__ import annotations

import pytest
import torch

from app.preview.engine import VaeEngine
from tests.model_files import diffusers_vae_config, diffusers_vae_state_dict
from tests.preview.conftest import CPU, latent

diffusers = pytest.importorskip("diffusers")
TOLERANCE = 1e-4


def _pair(**kwargs) -> tuple[VaeEngine, torch.nn.Module]:
    attention_style = kwargs.pop("attention_style", "new")
    sd = diffusers_vae_state_dict(attention_style=attention_style, **kwargs)
    config = {k: v for k, v in diffusers_vae_config(**kwargs).items() if not k.startswith("_")}
    with torch.device("meta"):  # skip diffusers' slow random init; the weights come next
        reference = diffusers.AutoencoderKL(**config).eval()
    new_names = sd if attention_style == "new" else diffusers_vae_state_dict(**kwargs)
    reference.load_state_dict(new_names, assign=True)
    return VaeEngine(sd, CPU), reference


def _max_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max())


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ch": 128},  # the real SD/SDXL architecture
        {"ch": 32, "latent_channels": 16, "quant_conv": False},  # SD3/Flux-style
        {"ch": 32, "attention_style": "old"},
        {"ch": 32, "ch_mult": (1, 2, 4)},  # the SD x4 upscaler's three levels (4x)
    ],
    ids=["sd-real-shapes", "16ch-no-quant", "old-attention-names", "x4-upscaler-levels"],
)
def test_decode_and_encode_match_diffusers(kwargs):
    channels = kwargs.get("latent_channels", 4)
    ours, reference = _pair(**kwargs)
    step = 2 ** (len(kwargs.get("ch_mult", (1, 2, 4, 4))) - 1)
    z = latent(channels, size=128 // step, seed=3)
    image = torch.rand(1, 3, 128, 128, generator=torch.Generator().manual_seed(4)) * 2 - 1
    with torch.inference_mode():
        expected = reference.decode(z).sample
        expected_mean = reference.encode(image).latent_dist.mode()
    decoded = ours.decode(z, dtype=torch.float32, tile="off").tensor
    encoded = ours.encode(image, dtype=torch.float32, tile="off").tensor
    assert decoded.shape == expected.shape == (1, 3, 128, 128)
    assert encoded.shape == expected_mean.shape == (1, channels, 128 // step, 128 // step)
    assert expected.abs().max() > 0.1  # a real signal, not all zeros
    assert _max_diff(decoded, expected) < TOLERANCE
    assert _max_diff(encoded, expected_mean) < TOLERANCE
