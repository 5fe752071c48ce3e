import pytest
import torch

from app.core.inspection.failure import BadFile
from app.core.inspection.torch_file import read_torch_contents
from app.core.inspection.torch_scan import scan_torch_file
from tests import model_files as mf

WRITERS = [mf.write_torch_zip, mf.write_legacy_pickle]


def _contents(path):
    return read_torch_contents(path, scan_torch_file(path))


@pytest.mark.parametrize("writer", WRITERS)
def test_names_dtypes_shapes_without_loading(tmp_path, writer):
    sd = mf.ldm_vae_state_dict(dtype=torch.float16)
    path = writer(tmp_path / "v.ckpt", {"state_dict": sd, "global_step": 840000, "epoch": 3})
    got = _contents(path)
    assert set(got.tensors) == set(sd)
    for name, tensor in sd.items():
        assert got.tensors[name].shape == tuple(tensor.shape)
        assert got.tensors[name].dtype == "float16"
    assert got.extras == {"global_step": "840000", "epoch": "3"}


def test_new_dtypes_parameters_and_nesting(tmp_path):
    obj = {
        "w": torch.nn.Parameter(torch.ones(2, 3, dtype=torch.bfloat16)),
        "f8": torch.zeros(4, dtype=torch.float8_e4m3fn),
        "u16": torch.zeros(5, dtype=torch.uint16),
        "nested": {"inner": torch.zeros(1, dtype=torch.int64)},
        "view": torch.arange(10.0)[2:5],
        "not_a_tensor": [1, 2],
    }
    got = _contents(mf.write_torch_zip(tmp_path / "x.pt", obj)).tensors
    assert {k: (v.dtype, v.shape) for k, v in got.items()} == {
        "w": ("bfloat16", (2, 3)),
        "f8": ("float8_e4m3fn", (4,)),
        "u16": ("uint16", (5,)),
        "nested.inner": ("int64", (1,)),
        "view": ("float32", (3,)),
    }


def test_embedding_pt_is_flattened(tmp_path):
    path = mf.write_torch_zip(tmp_path / "e.pt", mf.embedding_state_dict())
    got = _contents(path).tensors
    assert list(got) == ["string_to_param.*"]
    assert got["string_to_param.*"].shape == (2, 768)


@pytest.mark.parametrize("fraction", [0.5, 0.95])
def test_legacy_cut_in_storage_bytes_is_truncated(tmp_path, fraction):
    src = mf.write_legacy_pickle(tmp_path / "v.ckpt", {"state_dict": mf.taesd_decoder_state_dict()})
    cut = mf.truncate_copy(src, tmp_path / "cut.ckpt", fraction)
    with pytest.raises(BadFile) as info:
        _contents(cut)
    assert info.value.code == "truncated"
    assert f"file is {cut.stat().st_size:,} bytes" in info.value.message


def test_legacy_complete_file_passes_size_check(tmp_path):
    src = mf.write_legacy_pickle(tmp_path / "v.ckpt", {"a": torch.ones(7), "b": torch.ones(3)})
    assert set(_contents(src).tensors) == {"a", "b"}
