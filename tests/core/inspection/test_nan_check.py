import pytest
import torch

from app.core.inspection import inspect_path
from tests import model_files as mf

NAN, INF = float("nan"), float("inf")
CASES = [(d, b) for d in (torch.float32, torch.float16, torch.bfloat16) for b in (NAN, INF, -INF)]
# torch saturates Inf to 448 when casting to float8_e4m3fn (it has no Inf), so only NaN.
CASES += [(torch.float8_e4m3fn, NAN), (torch.float8_e5m2, INF), (torch.float64, NAN)]


@pytest.mark.parametrize(("dtype", "bad"), CASES)
def test_safetensors_nan_found_with_count_and_first_name(tmp_path, dtype, bad):
    sd = mf.taesd_decoder_state_dict()
    sd["8.conv.2.weight"].view(-1)[[5, 77]] = bad
    sd["19.bias"][0] = bad
    sd = {k: v.to(dtype) for k, v in sd.items()}
    got = inspect_path(mf.write_safetensors(tmp_path / "t.safetensors", sd), check_nan=True)
    problems = [p for p in got.problems if p.code == "nan-or-inf"]
    assert len(problems) == 1
    assert "3 NaN/Inf" in problems[0].message
    assert "'19.bias'" in problems[0].message  # first in file order (safetensors sorts names)


def test_clean_file_has_no_nan_problem_and_nan_needs_request(tmp_path):
    sd = mf.taesd_decoder_state_dict()
    clean = mf.write_safetensors(tmp_path / "c.safetensors", sd)
    assert inspect_path(clean, check_nan=True).problems == []
    sd["1.weight"][0, 0, 0, 0] = float("nan")
    dirty = mf.write_safetensors(tmp_path / "d.safetensors", sd)
    assert inspect_path(dirty).problems == []
    assert inspect_path(dirty, check_nan=True).has_problem("nan-or-inf")


@pytest.mark.parametrize("writer", [mf.write_torch_zip, mf.write_legacy_pickle])
def test_torch_files(tmp_path, writer):
    sd = mf.ldm_vae_state_dict(dtype=torch.float16)
    sd["decoder.conv_out.bias"][1] = float("-inf")
    got = inspect_path(writer(tmp_path / "v.ckpt", {"state_dict": sd}), check_nan=True)
    assert [p.code for p in got.problems] == ["nan-or-inf"]
    assert "1 NaN/Inf values, first in tensor 'decoder.conv_out.bias'" in got.problems[0].message


def test_integer_tensors_are_ignored(tmp_path):
    sd = {
        "a": torch.full((4,), -1, dtype=torch.int32),
        "b": torch.full((4,), 255, dtype=torch.uint8),
    }
    got = inspect_path(mf.write_safetensors(tmp_path / "x.safetensors", sd), check_nan=True)
    assert not got.has_problem("nan-or-inf")
