"""Which speed-ups a decode gets on which device, and the fp16 upcast where it overflows."""

from __future__ import annotations

import pytest
import torch

from app.core.errors import UserError
from app.preview.acceleration import (
    COMPILE_ENV,
    CompileMode,
    backend_flags,
    compile_mode,
    should_compile,
)
from app.preview.engine import VaeEngine
from app.preview.model import KLAutoencoder, run_upcasting
from tests.model_files import ldm_vae_state_dict
from tests.preview.conftest import CPU, latent

CUDA = torch.device("cuda")  # a device object only: nothing here runs on it


@pytest.mark.parametrize(
    ("raw", "mode"),
    [
        ("", CompileMode.OFF),
        ("0", CompileMode.OFF),
        ("1", CompileMode.DEFAULT),
        ("max-autotune", CompileMode.MAX_AUTOTUNE),
        (" Reduce-Overhead ", CompileMode.REDUCE_OVERHEAD),
    ],
)
def test_compile_mode_is_read_from_the_environment(raw, mode):
    assert compile_mode({COMPILE_ENV: raw}) is mode
    assert compile_mode({}) is CompileMode.OFF


def test_a_misspelt_compile_mode_is_a_clear_error():
    with pytest.raises(UserError, match="VAE_MANAGER_COMPILE='fast' is not a compile mode"):
        compile_mode({COMPILE_ENV: "fast"})


def test_compile_only_on_cuda_and_only_when_asked():
    assert should_compile(CUDA, CompileMode.MAX_AUTOTUNE)
    assert not should_compile(CUDA, CompileMode.OFF)
    assert not should_compile(CPU, CompileMode.DEFAULT)


def test_cudnn_benchmark_only_around_a_cuda_decode():
    before = torch.backends.cudnn.benchmark
    with backend_flags(CPU):
        assert torch.backends.cudnn.benchmark == before
    with backend_flags(CUDA):
        assert torch.backends.cudnn.benchmark is True
    assert torch.backends.cudnn.benchmark == before


def test_the_decoder_traces_as_one_graph(small_engine):
    """What torch.compile needs (no graph breaks), checked with dynamo's eager backend."""
    model = small_engine.model(torch.float32)
    z = latent(size=4).contiguous(memory_format=torch.channels_last)
    traced = torch.compile(model.decode, backend="eager", fullgraph=True, dynamic=False)
    with torch.inference_mode():
        torch.testing.assert_close(traced(z), model.decode(z), rtol=1e-5, atol=1e-4)


def _out_of_fp16_range(key: str) -> dict[str, torch.Tensor]:
    """A VAE whose one bias is past fp16's range: that stage, and only it, overflows in fp16."""
    sd = ldm_vae_state_dict(ch=32, seed=0)
    sd[key] = torch.full_like(sd[key], 70000.0)  # fp16 max is 65504: inf once cast
    return sd


def test_fp16_runs_in_fp16_until_the_stage_that_overflows():
    sd = _out_of_fp16_range("decoder.up.1.block.0.conv2.bias")
    engine = VaeEngine(sd, CPU)
    model = engine.model(torch.float16)
    stages = model.decode_stages()
    target = stages.index(model.decoder.up[1].block[0])
    upcast: list[torch.nn.Module] = []

    def twin(stage):
        upcast.append(stage)
        return engine._fp32_twin(model, stage)

    with torch.inference_mode():
        z = latent().half().contiguous(memory_format=torch.channels_last)
        out, first = run_upcasting(stages, z, twin)
    assert first == target and upcast == stages[target:]
    assert out.dtype == torch.float32 and torch.isfinite(out).all()


def test_fp16_decode_reports_where_it_upcast_and_is_close_to_fp32():
    engine = VaeEngine(_out_of_fp16_range("decoder.up.1.block.0.conv2.bias"), CPU)
    z = latent()
    outcome = engine.decode(z, dtype=torch.float16, tile="off")
    assert outcome.fell_back and outcome.dtype == torch.float32
    assert "fp16 decode overflowed at decoder.up.1.block.0" in outcome.fallback_reason
    reference = engine.decode(z, dtype=torch.float32, tile="off")
    assert not reference.fell_back
    assert float((outcome.tensor - reference.tensor).abs().max()) < 0.05


def test_the_upcast_stage_is_built_from_the_files_own_weights():
    engine = VaeEngine(_out_of_fp16_range("decoder.up.1.block.0.conv2.bias"), CPU)
    model = engine.model(torch.float16)
    twin = engine._fp32_twin(model, model.decoder.up[1].block[0])
    assert twin.conv2.bias.dtype == torch.float32
    assert float(twin.conv2.bias[0]) == 70000.0  # not fp16's inf
    assert (
        isinstance(model, KLAutoencoder)
        and model.decoder.up[1].block[0].conv2.bias.dtype == torch.float16
    )


def test_bf16_and_fp32_take_the_plain_decode(small_engine):
    model = small_engine.model(torch.float32)
    assert small_engine._function("decode", model, torch.float32) == model.decode
    model = small_engine.model(torch.bfloat16)
    assert small_engine._function("decode", model, torch.bfloat16) == model.decode
