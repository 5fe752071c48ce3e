"""Device, precision and free-memory choices."""

from __future__ import annotations

import pytest
import torch

from app.core.errors import UserError
from app.preview.device import (
    available_ram,
    fallback_dtype,
    free_bytes,
    resolve_device,
    resolve_dtype,
)

CPU = torch.device("cpu")


def test_cpu_defaults_to_fp32_and_explicit_choices_win():
    assert resolve_dtype("auto", CPU) == torch.float32
    assert resolve_dtype("bf16", CPU) == torch.bfloat16
    with pytest.raises(UserError, match="Unknown precision"):
        resolve_dtype("fp8", CPU)


def test_fallback_order():
    assert fallback_dtype(torch.float16, CPU) == torch.float32
    assert fallback_dtype(torch.bfloat16, CPU) == torch.float32
    assert fallback_dtype(torch.float32, CPU) is None


def test_named_devices():
    assert resolve_device("cpu") == CPU
    with pytest.raises(UserError, match="Unknown device"):
        resolve_device("tpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_missing_cuda_is_a_clear_error():
    with pytest.raises(UserError, match="CUDA"):
        resolve_device("cuda")
    assert resolve_device("auto").type in ("cpu", "mps")


def test_available_ram_reads_meminfo(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 100 kB\nMemFree: 10 kB\nMemAvailable:   2048 kB\n")
    assert available_ram(meminfo) == 2048 * 1024
    assert available_ram(tmp_path / "missing") > 0  # falls back to sysconf or a guess
    assert free_bytes(CPU) > 0
