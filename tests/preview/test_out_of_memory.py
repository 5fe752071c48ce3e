"""Running out of memory in a decode is an OutOfMemory user error, with the size and ways out."""

from __future__ import annotations

import math

import pytest
import torch

from app.core.errors import OutOfMemory, UserError
from app.preview.engine import VaeEngine
from app.preview.memory import decode_bytes
from tests.preview.conftest import CPU, latent


def test_the_cpu_allocators_own_refusal_is_out_of_memory(small_sd, monkeypatch) -> None:
    """torch's real "can't allocate memory" error (no memory is actually taken)."""
    engine = VaeEngine(small_sd, CPU)

    def allocate_too_much(*args, **kwargs):
        torch.empty(1 << 50, dtype=torch.uint8)  # 1 PiB: refused by the allocator at once
        raise AssertionError("the allocator said yes to a petabyte")

    monkeypatch.setattr(engine, "_run_once", allocate_too_much)
    with pytest.raises(OutOfMemory) as caught:
        engine.decode(latent(size=8), dtype=torch.float32, tile="off")
    assert isinstance(caught.value, UserError)
    assert str(caught.value) == (
        f"The computer ran out of memory for this {engine.family_name} decode at 64x64 "
        "pixels; try a smaller latent, tiles (--tile on), or close other programs."
    )


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_a_real_cuda_out_of_memory_is_a_user_error_and_memory_is_given_back(small_sd) -> None:
    cuda = torch.device("cuda")
    engine = VaeEngine(small_sd, cuda)
    total = torch.cuda.get_device_properties(cuda).total_memory
    side = 8
    while decode_bytes(engine.config, side, side, 4) < 3 * total:  # untiled, three times over
        side *= 2
    z = torch.zeros(1, engine.latent_channels, side, side)
    with pytest.raises(OutOfMemory) as caught:
        engine.decode(z, dtype=torch.float32, tile="off")
    pixels = side * engine.downscale
    assert str(caught.value).startswith("The GPU (cuda) ran out of memory for this ")
    assert f"at {pixels}x{pixels} pixels; try a smaller latent" in str(caught.value)
    assert str(caught.value).endswith("or the CPU (--device cpu).")
    del z
    assert torch.cuda.memory_reserved(cuda) < total / 2  # the failed decode's cache was emptied
    small = engine.decode(latent(size=8), dtype=torch.float32, tile="off").tensor
    assert math.isfinite(float(small.abs().sum()))
