import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import torch

from app.core.errors import UserError
from app.core.inspection import load_state_dict
from tests import model_files as mf


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


@pytest.mark.parametrize(
    "write",
    [
        lambda p, sd: mf.write_safetensors(p, sd),
        lambda p, sd: mf.write_torch_zip(p, {"state_dict": sd, "global_step": 1}),
        lambda p, sd: mf.write_legacy_pickle(p, {"state_dict": sd}),
        lambda p, sd: mf.write_torch_zip(p, sd),
        lambda p, sd: mf.write_diffusers_folder(p, sd),
    ],
)
def test_every_format_loads_the_same_tensors(tmp_path, write):
    sd = mf.taesd_decoder_state_dict(dtype=torch.float16)
    assert _same(load_state_dict(write(tmp_path / "model", sd)), sd)


def test_numpy_extras_in_a_ckpt_are_fine(tmp_path):
    sd = mf.taesd_decoder_state_dict()
    obj = {"state_dict": sd, "arr": np.arange(4.0), "step": np.int64(840000)}
    assert _same(load_state_dict(mf.write_torch_zip(tmp_path / "a.ckpt", obj)), sd)


def test_nested_embedding_is_flattened(tmp_path):
    got = load_state_dict(mf.write_torch_zip(tmp_path / "e.pt", mf.embedding_state_dict()))
    assert list(got) == ["string_to_param.*"]


@pytest.mark.parametrize("zipped", [True, False])
def test_malicious_pickle_is_refused_and_not_run(tmp_path, zipped):
    marker = tmp_path / "marker"
    path = mf.write_malicious_pickle(tmp_path / "vae.ckpt", marker, zip=zipped)
    with pytest.raises(UserError, match=r"unsafe-pickle.*os\.system"):
        load_state_dict(path)
    assert not marker.exists()


def test_reduce_payload_next_to_real_weights(tmp_path):
    marker = tmp_path / "marker"
    obj = {"state_dict": mf.taesd_decoder_state_dict(), "x": _Evil(marker)}
    with pytest.raises(UserError, match=r"system"):
        load_state_dict(mf.write_torch_zip(tmp_path / "vae.ckpt", obj))
    assert not marker.exists()


@pytest.mark.parametrize(
    "writer", [mf.write_safetensors, mf.write_torch_zip, mf.write_legacy_pickle]
)
def test_truncated_files_name_the_reason(tmp_path, writer):
    src = writer(tmp_path / "src", mf.taesd_decoder_state_dict())
    with pytest.raises(UserError, match="truncated"):
        load_state_dict(mf.truncate_copy(src, tmp_path / "cut", 0.6))


def test_other_failures(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        load_state_dict(tmp_path / "missing.safetensors")
    with pytest.raises(UserError, match="no diffusion_pytorch_model"):
        load_state_dict(tmp_path)
    (tmp_path / "junk.pt").write_bytes(b"hello world, not a model")
    with pytest.raises(UserError, match="unknown-format"):
        load_state_dict(tmp_path / "junk.pt")
    with pytest.raises(UserError, match="header-too-large"):
        load_state_dict(mf.write_huge_header_claim(tmp_path / "h.safetensors"))
    with pytest.raises(UserError, match="no tensors"):
        load_state_dict(mf.write_torch_zip(tmp_path / "empty.pt", {"a": 1}))


def test_inspection_never_imports_torch(tmp_path):
    st = mf.write_safetensors(tmp_path / "a.safetensors", mf.taesd_decoder_state_dict())
    ck = mf.write_torch_zip(tmp_path / "a.ckpt", {"state_dict": mf.taesd_decoder_state_dict()})
    lg = mf.write_legacy_pickle(tmp_path / "b.ckpt", {"state_dict": mf.taesd_decoder_state_dict()})
    code = (
        "import sys\n"
        "from app.core.inspection import inspect_path\n"
        f"kinds = [inspect_path(p).kind for p in {[str(st), str(ck), str(lg)]!r}]\n"
        "inspect_path(sys.argv[1], check_nan=True)\n"
        "assert kinds == ['vae'] * 3, kinds\n"
        "assert 'torch' not in sys.modules\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    result = subprocess.run(
        [sys.executable, "-c", code, str(st)], cwd=root, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_recompressed_zip_is_not_mmapped(tmp_path):
    # Some tools re-zip checkpoints with deflate; torch.load(mmap=True) then returns the
    # compressed bytes as tensor data (garbage), so those files must load without mmap.
    sd = mf.taesd_decoder_state_dict()
    src = zipfile.ZipFile(mf.write_torch_zip(tmp_path / "s.ckpt", {"state_dict": sd}))
    with zipfile.ZipFile(tmp_path / "d.ckpt", "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
    assert _same(load_state_dict(tmp_path / "d.ckpt"), sd)
