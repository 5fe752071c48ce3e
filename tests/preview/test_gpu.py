"""CUDA paths: half precision, channels-last, fallback to bf16, parity with diffusers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from app.preview.device import free_bytes, resolve_dtype
from app.preview.engine import VaeEngine
from app.preview.sample import tensor_to_image
from app.preview.service import PreviewRequest, run_preview
from tests.model_files import (
    diffusers_vae_config,
    diffusers_vae_state_dict,
    ldm_vae_state_dict,
    write_safetensors,
)
from tests.preview.conftest import CPU, latent, overflowing_sd

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU"),
]
CUDA = torch.device("cuda")


@pytest.fixture
def exact_fp32():
    """Turn TF32 off so fp32 on the GPU is comparable to 1e-4."""
    saved = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    yield
    torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = saved


def test_default_precision_is_half_and_close_to_cpu_fp32(small_sd):
    dtype = resolve_dtype("auto", CUDA)
    assert dtype in (torch.bfloat16, torch.float16)
    z = latent(size=16)
    gpu = VaeEngine(small_sd, CUDA).decode(z, dtype=dtype)
    cpu = VaeEngine(small_sd, CPU).decode(z, dtype=torch.float32)
    assert gpu.tensor.device.type == "cpu" and gpu.tensor.dtype == torch.float32
    diff = np.abs(tensor_to_image(gpu.tensor) - tensor_to_image(cpu.tensor))
    assert diff.mean() < 0.01 and diff.max() < 0.1


def test_channels_last_matches_nchw_and_diffusers_in_fp32(exact_fp32):
    diffusers = pytest.importorskip("diffusers")
    sd = diffusers_vae_state_dict(ch=128)
    config = {k: v for k, v in diffusers_vae_config(ch=128).items() if not k.startswith("_")}
    reference = diffusers.AutoencoderKL(**config).to(CUDA).eval()
    reference.load_state_dict(sd)
    z = latent(size=16)
    with torch.inference_mode():
        expected = reference.decode(z.to(CUDA)).sample.cpu()
    for channels_last in (True, False):
        engine = VaeEngine(sd, CUDA, channels_last=channels_last)
        out = engine.decode(z, dtype=torch.float32, tile="off").tensor
        assert float((out - expected).abs().max()) < 1e-4


def test_fp16_overflow_finishes_in_fp32_from_the_overflowing_stage_on_gpu():
    engine = VaeEngine(overflowing_sd(), CUDA)
    outcome = engine.decode(latent(), dtype=torch.float16)
    assert outcome.fell_back and outcome.dtype == torch.float32
    assert "overflowed at decoder.mid.block_1" in outcome.fallback_reason
    assert torch.isfinite(outcome.tensor).all()


def test_cudnn_benchmark_and_compile_paths_decode_like_eager(small_sd, monkeypatch, tmp_path):
    monkeypatch.setenv("VAE_MANAGER_COMPILE", "default")
    monkeypatch.setenv("VAE_MANAGER_HOME", str(tmp_path))
    z = latent(size=16)
    compiled = VaeEngine(small_sd, CUDA).decode(z, dtype=torch.bfloat16, tile="off")
    monkeypatch.delenv("VAE_MANAGER_COMPILE")
    eager = VaeEngine(small_sd, CUDA).decode(z, dtype=torch.bfloat16, tile="off")
    assert float((compiled.tensor - eager.tensor).abs().max()) < 0.05


def test_tiled_decode_on_gpu_matches_cpu_tiling(small_sd):
    from app.preview.tiling import TilePlan

    z = latent(size=48)
    gpu = VaeEngine(small_sd, CUDA).decode(z, dtype=torch.float32, tile=TilePlan(32, 8))
    cpu = VaeEngine(small_sd, CPU).decode(z, dtype=torch.float32, tile=TilePlan(32, 8))
    assert gpu.tiled and float((gpu.tensor - cpu.tensor).abs().max()) < 0.02
    assert free_bytes(CUDA) > 0


def test_run_preview_on_cuda(tmp_path):
    vae = write_safetensors(tmp_path / "vae.safetensors", ldm_vae_state_dict(ch=32))
    np.save(tmp_path / "z.npy", latent().numpy())
    result = run_preview(PreviewRequest(vae_path=vae, latent_path=tmp_path / "z.npy"))
    assert result.device.startswith("cuda") and result.dtype in ("bf16", "fp16")
    assert result.image.shape == (64, 64, 3)


@pytest.mark.parametrize("family", ["flux2", "taef1", "hunyuan-image-2.1", "wan2.1", "wan2.2"])
def test_every_family_engine_runs_on_cuda_like_on_cpu(family, exact_fp32):
    from app.preview.loading import engine_for
    from tests.preview import family_models as fm

    builders = {
        "flux2": lambda: (fm.flux2_pair()[0], (1, 32, 8, 8)),
        "taef1": lambda: (fm.tiny_pair(16)[0], (1, 16, 8, 8)),
        "hunyuan-image-2.1": lambda: (fm.hunyuan_image_pair()[0], (1, 64, 2, 2)),
        "wan2.1": lambda: (fm.wan_pair("wan2.1")[0], (1, 16, 1, 4, 4)),
        "wan2.2": lambda: (fm.wan_pair("wan2.2")[0], (1, 48, 1, 4, 4)),
    }
    weights, shape = builders[family]()
    z = torch.randn(shape, generator=torch.Generator().manual_seed(2))
    cpu = engine_for(weights, CPU, family).decode(z, dtype=torch.float32).tensor
    gpu = engine_for(weights, CUDA, family)
    exact = gpu.decode(z, dtype=torch.float32).tensor
    assert float((exact - cpu).abs().max()) <= 1e-4
    half = gpu.decode(z, dtype=resolve_dtype("auto", CUDA))
    assert half.tensor.device.type == "cpu" and half.tensor.dtype == torch.float32
    assert float((half.tensor - cpu).abs().max()) < 0.1  # bf16/fp16: close, not exact
