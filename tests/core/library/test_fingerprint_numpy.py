"""The torch-free fingerprint gives the value the torch one gave, for every stored dtype."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from app.core.library.fingerprint import CHECKPOINT_PREFIX, decoder_fingerprint, fingerprint_of
from app.core.library.half_bits import half_bits
from app.core.library.tensors import open_tensors
from tests.core.library.conftest import small_vae
from tests.model_files import checkpoint_state_dict, diffusers_vae_state_dict, write_safetensors

DTYPES = [torch.float32, torch.float16, torch.bfloat16, torch.float64]


def _torch_fingerprint(path: Path, prefix: str = "") -> str | None:
    """The pre-numpy definition: every tensor read by safetensors into torch and cast there."""
    with open_tensors(path) as source:
        return fingerprint_of(source, prefix=prefix)


def _wide_range(sd: dict[str, torch.Tensor], dtype: torch.dtype) -> dict[str, torch.Tensor]:
    """Weights spanning subnormals to overflow, with ties, NaNs and infinities, in ``dtype``."""
    out = {}
    for i, (key, value) in enumerate(sorted(sd.items())):
        scale = 10.0 ** ((i % 13) - 8)  # 1e-8 .. 1e4: fp16 subnormals and overflow
        value = (value.double() * scale).to(dtype)
        flat = value.reshape(-1)
        if flat.numel() > 4 and i % 5 == 0:
            flat[0], flat[1], flat[2] = float("nan"), float("inf"), -float("nan")
        out[key] = value
    return out


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_numpy_fingerprint_equals_the_torch_one(tmp_path: Path, dtype: torch.dtype):
    path = write_safetensors(tmp_path / "v.safetensors", _wide_range(small_vae(), dtype))
    assert decoder_fingerprint(path) == _torch_fingerprint(path) is not None


@pytest.mark.parametrize("dtype", DTYPES[:3], ids=str)
def test_checkpoints_and_diffusers_names_agree_with_torch(tmp_path: Path, dtype: torch.dtype):
    ckpt = {k: v.to(dtype) for k, v in checkpoint_state_dict(small_vae()).items()}
    ckpt_path = write_safetensors(tmp_path / "c.safetensors", ckpt)
    assert decoder_fingerprint(ckpt_path, prefix=CHECKPOINT_PREFIX) == _torch_fingerprint(
        ckpt_path, CHECKPOINT_PREFIX
    )
    diff = {k: v.to(dtype) for k, v in diffusers_vae_state_dict(ch_mult=(1, 2)).items()}
    diff_path = write_safetensors(tmp_path / "d.safetensors", diff)
    assert decoder_fingerprint(diff_path) == _torch_fingerprint(diff_path) is not None


def test_f8_weights_fall_back_to_torch(tmp_path: Path):
    sd = {k: v.to(torch.float8_e4m3fn) for k, v in small_vae().items()}
    path = write_safetensors(tmp_path / "f8.safetensors", sd)
    assert decoder_fingerprint(path) == _torch_fingerprint(path) is not None


def test_nan_bit_patterns_match_torch():
    # quiet, signalling and payload NaNs of both signs, plus rounding edge cases
    words = [0x7FC00000, 0x7F800001, 0x7FA00001, 0xFFC12345, 0x7F802000, 0x33800001, 0x477FF000]
    f32 = np.array(words * 9, dtype="<u4").view("<f4")  # long enough for torch's vector path
    want = torch.from_numpy(f32.copy()).to(torch.float16).view(torch.int16).numpy().view("<u2")
    np.testing.assert_array_equal(half_bits(f32.tobytes(), "F32"), want)


def test_importing_and_fingerprinting_a_safetensors_file_never_imports_torch(tmp_path: Path):
    path = write_safetensors(tmp_path / "v.safetensors", small_vae())
    code = (
        "import sys; from pathlib import Path\n"
        "from app.core.library.fingerprint import decoder_fingerprint\n"
        f"print(decoder_fingerprint(Path({str(path)!r})))\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()
    assert out == [_torch_fingerprint(path), "False"]


def test_an_fp16_file_is_fingerprinted_from_its_bytes_without_numpy(tmp_path: Path):
    fp16 = {k: v.to(torch.float16) for k, v in small_vae().items()}
    path = write_safetensors(tmp_path / "v16.safetensors", fp16)
    f32 = write_safetensors(tmp_path / "v32.safetensors", small_vae())
    code = (
        "import sys; from pathlib import Path\n"
        "from app.core.library.fingerprint import decoder_fingerprint\n"
        f"print(decoder_fingerprint(Path({str(path)!r})), 'numpy' in sys.modules)\n"
        f"print(decoder_fingerprint(Path({str(f32)!r})), 'numpy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()
    assert out == [_torch_fingerprint(path), "False", _torch_fingerprint(f32), "True"]
    assert half_bits(b"\x01\x3c", "F16") == b"\x01\x3c"  # stored bits, not a copy made by numpy
    assert half_bits(b"\x00" * 4, "F8_E4M3") is None
