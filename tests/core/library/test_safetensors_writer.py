from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from app.core.errors import Cancelled
from app.core.inspection.safetensors_header import read_header
from app.core.library.safetensors_writer import write_tensors
from app.core.tasks import CancelToken

METADATA = {"vaem_b": "2", "vaem_a": "1", "format": "pt", "zeta": "last"}


def _tensors() -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    return {
        "w32": torch.randn(3, 5, generator=gen),
        "w16": torch.randn(7, generator=gen).half(),
        "wbf": torch.randn(2, 2, generator=gen).bfloat16(),
        "ids": torch.arange(5, dtype=torch.int64),
        "flag": torch.tensor([True, False, True]),
        "empty": torch.zeros(0, 4),
        "scalar": torch.tensor(1.5),
    }


def _write(path: Path, tensors, **kwargs) -> Path:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o644)
    try:
        write_tensors(fd, tensors, METADATA, **kwargs)
    finally:
        os.close(fd)
    return path


def test_output_loads_with_safetensors_and_passes_the_header_checks(tmp_path: Path):
    tensors = _tensors()
    path = _write(tmp_path / "a.safetensors", tensors)
    header = read_header(path)
    assert header.metadata == METADATA
    assert header.data_start % 8 == 0
    back = load_file(str(path))
    assert sorted(back) == sorted(tensors)
    for key, tensor in tensors.items():
        assert back[key].dtype == tensor.dtype and torch.equal(back[key], tensor), key


def test_the_same_tensors_always_give_the_same_bytes(tmp_path: Path):
    tensors = _tensors()
    reordered = dict(reversed(list(tensors.items())))
    first = _write(tmp_path / "a.safetensors", tensors).read_bytes()
    assert _write(tmp_path / "b.safetensors", reordered).read_bytes() == first


def test_writing_stops_when_cancelled(tmp_path: Path):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        _write(tmp_path / "c.safetensors", _tensors(), cancel=token)
