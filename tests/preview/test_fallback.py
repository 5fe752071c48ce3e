"""Half-precision overflow is detected and redone in fp32 on CPU, with no mocks."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from app.core.errors import UserError
from app.preview.engine import VaeEngine
from app.preview.service import PreviewRequest, run_preview
from tests.model_files import ldm_vae_state_dict, write_safetensors
from tests.preview.conftest import CPU, latent, overflowing_sd


def test_fp16_overflow_really_happens_in_a_plain_fp16_forward():
    engine = VaeEngine(overflowing_sd(), CPU)
    with torch.inference_mode():
        raw = engine.model(torch.float16).decode(latent().half())
    assert not torch.isfinite(raw).all()


def test_fp16_decode_finishes_in_fp32_from_the_overflow_and_says_why():
    engine = VaeEngine(overflowing_sd(), CPU)
    z = latent()
    outcome = engine.decode(z, dtype=torch.float16, tile="off")
    assert outcome.fell_back and outcome.dtype == torch.float32
    assert "fp16 decode overflowed at decoder.mid.block_1" in outcome.fallback_reason
    assert "from there on it ran in fp32" in outcome.fallback_reason
    assert torch.isfinite(outcome.tensor).all()
    direct = engine.decode(z, dtype=torch.float32, tile="off")
    assert not direct.fell_back  # conv_in ran in fp16 (60000 + x, rounded): close, not equal
    assert float((outcome.tensor - direct.tensor).abs().max()) < 0.05


def test_fp16_encode_is_redone_whole_in_fp32_and_says_why():
    engine = VaeEngine(overflowing_sd(), CPU)
    sd = overflowing_sd()
    sd["encoder.conv_in.bias"] = torch.full_like(sd["encoder.conv_in.bias"], 60000.0)
    sd["encoder.down.0.block.0.conv2.bias"] = torch.full_like(
        sd["encoder.down.0.block.0.conv2.bias"], 60000.0
    )
    engine = VaeEngine(sd, CPU)
    image = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(3)) * 2 - 1
    outcome = engine.encode(image, dtype=torch.float16, tile="off")
    assert outcome.fell_back and outcome.dtype == torch.float32
    assert "fp16 encode produced NaN/Inf" in outcome.fallback_reason
    assert "redone in fp32" in outcome.fallback_reason
    direct = engine.encode(image, dtype=torch.float32, tile="off")
    assert torch.equal(outcome.tensor, direct.tensor)


def test_no_fallback_when_fp16_is_fine(small_engine):
    outcome = small_engine.decode(latent(), dtype=torch.float16, tile="off")
    assert not outcome.fell_back and outcome.dtype == torch.float16
    reference = small_engine.decode(latent(), dtype=torch.float32, tile="off").tensor
    assert float((outcome.tensor - reference).abs().max()) < 0.05


def test_run_preview_reports_the_fallback_and_suggests_the_sdxl_fix(tmp_path):
    vae = write_safetensors(tmp_path / "overflow.safetensors", overflowing_sd())
    latent_file = tmp_path / "z.npy"
    np.save(latent_file, latent().numpy())
    request = PreviewRequest(
        vae_path=vae, latent_path=latent_file, device="cpu", dtype="fp16", family="sdxl"
    )
    result = run_preview(request)
    assert result.fell_back and result.dtype == "fp32" and result.family == "sdxl"
    assert "sdxl-vae-fp16-fix" in result.fallback_reason
    assert np.isfinite(result.image).all()


def test_nan_weights_are_reported_not_retried_forever():
    sd = ldm_vae_state_dict(ch=32)
    sd["decoder.conv_out.bias"] = torch.full_like(sd["decoder.conv_out.bias"], float("nan"))
    with pytest.raises(UserError, match="even in fp32"):
        VaeEngine(sd, CPU).decode(latent(), dtype=torch.float16, tile="off")
