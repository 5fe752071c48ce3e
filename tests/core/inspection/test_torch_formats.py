"""How a file is read as torch.load would read it: tar, legacy pickles, safetensors names."""

from __future__ import annotations

import io
import pickle
import struct
import tarfile
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.numpy import save_file

from app.core.errors import UserError
from app.core.inspection import formats, inspect_path, safe_load
from app.core.inspection.failure import BadFile
from app.core.inspection.safe_load import checked_scan
from app.core.inspection.torch_file import read_torch_contents
from tests import model_files as mf
from tests.core.inspection import hostile_archives as ha


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _u(text: str) -> bytes:
    return b"X" + struct.pack("<I", len(text)) + text.encode()


def _storages(views: bytes) -> bytes:
    """One float32 storage of 2 elements, then ``views`` as the storage-views pickle."""
    args = b"\x80\x02(" + _u("0") + _u("cpu") + b"ctorch\nFloatStorage\nt."
    return pickle.dumps(1, 2) + args + struct.pack("<q", 2) + b"\0" * 8 + views


def _tensors() -> bytes:
    args = b"\x80\x02(" + _u("t0") + _u("0") + b"ctorch\nFloatTensor\nt."
    dims = struct.pack("<ii", 1, 0) + struct.pack("<qqq", 2, 1, 0)
    return pickle.dumps(1, 2) + args + dims


def _problem(path: Path) -> tuple[str, str]:
    problems = inspect_path(path).problems
    assert len(problems) == 1, problems
    return problems[0].code, problems[0].message


def test_a_clean_tar_format_file_is_not_supported_but_not_unsafe(tmp_path):
    path = _tar(tmp_path / "old.pt", {
        "sys_info": pickle.dumps({}, 2), "storages": _storages(pickle.dumps([], 2)),
        "tensors": _tensors(), "pickle": b"\x80\x02}" + _u("w") + _u("t0") + b"Qs.",
    })  # fmt: skip
    code, message = _problem(path)
    assert code == "unknown-format" and "tar format" in message


def test_the_tar_scan_walks_past_raw_storage_bytes(tmp_path):
    # The payload is the pickle after the raw storage data: only a reader that skips
    # exactly numel * element size bytes finds it.
    marker = tmp_path / "ran"
    path = _tar(tmp_path / "old.pt", {
        "storages": _storages(ha.system_call(marker)), "tensors": _tensors(),
        "pickle": pickle.dumps({}, 2),
    })  # fmt: skip
    assert _problem(path) == ("unsafe-pickle", "pickle imports os.system; loading it could "
                              "run code, so it is refused")  # fmt: skip
    assert not marker.exists()


def test_tars_torch_would_not_read_as_its_format(tmp_path):
    code, message = _problem(_tar(tmp_path / "a.pt", {"readme": b"hi"}))
    assert code == "unknown-format" and "not a torch file" in message
    extra = _tar(tmp_path / "b.pt", {"storages": pickle.dumps(0, 2), "evil": b"x"})
    assert _problem(extra)[0] == "unsafe-pickle"


def test_an_oversized_pax_header_is_refused_without_reading_it(tmp_path):
    info = tarfile.TarInfo("././@PaxHeader")
    info.type = tarfile.XHDTYPE
    info.size = 1 << 32
    path = tmp_path / "pax.pt"
    path.write_bytes(info.tobuf(tarfile.USTAR_FORMAT) + b"\0" * 1024)
    code, message = _problem(path)
    assert code == "unsafe-pickle" and "tar header" in message


def test_legacy_file_with_bytes_after_its_storages(tmp_path):
    src = mf.write_legacy_pickle(tmp_path / "v.ckpt", {"a": torch.ones(3)})
    padded = tmp_path / "padded.ckpt"
    padded.write_bytes(src.read_bytes() + b"hidden")
    assert _problem(src)[0] == "not-a-vae"
    code, message = _problem(padded)
    assert code == "unsafe-pickle" and "after the last storage" in message


def test_legacy_file_with_another_protocol_version(tmp_path):
    path = tmp_path / "v.ckpt"
    path.write_bytes(b"".join(pickle.dumps(x, 2) for x in (ha.MAGIC, 1002, {}, {}, [])))
    assert _problem(path) == ("corrupt", "legacy torch file with an unknown protocol version")


def test_genuine_safetensors_named_ckpt_stay_safetensors(tmp_path):
    # torch.load would unpickle a .ckpt from byte 0; for a real safetensors file that
    # fails at once, whatever its header length, so the file is what its bytes say.
    path = tmp_path / "vae.ckpt"
    for pad in range(300):
        save_file({"w": np.zeros(3, np.float32)}, str(path), metadata={"p": "x" * pad})
        assert formats.sniff(path) == formats.FORMAT_SAFETENSORS


def test_a_polyglot_is_safetensors_only_under_a_safetensors_name(tmp_path):
    path = ha.build_safetensors_polyglot(tmp_path)
    assert formats.sniff(path) == formats.FORMAT_TORCH_PICKLE
    renamed = path.rename(tmp_path / "polyglot.safetensors")
    assert formats.sniff(renamed) == formats.FORMAT_SAFETENSORS  # the UIs use safetensors


def test_a_file_swapped_after_the_scan_is_not_read(tmp_path):
    path = mf.write_torch_zip(tmp_path / "v.ckpt", {"state_dict": mf.taesd_decoder_state_dict()})
    scan = checked_scan(path)
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)  # same bytes, another file
    with pytest.raises(BadFile, match="changed"):
        read_torch_contents(path, scan)
    with pytest.raises(UserError, match="changed"):
        safe_load._torch_load(path, scan, "cpu")


def test_storage_referenced_twice_keeps_torchs_first_size(tmp_path):
    # torch keeps the first storage it loads under a key (serialization.py, _load): the
    # first claim (256 floats) sizes it, so the second tensor's long view is valid.
    data_pkl = ha.state_dict_pickle(tensors=[("a", (2,), 256), ("b", (256,), 2)])
    entries = ha.torch_zip_entries(data_pkl, storage=b"\0" * 1024)
    path = ha._write(tmp_path / "twice.ckpt", ha.zip_bytes(entries))
    assert torch.load(path, weights_only=True)["state_dict"]["b"].shape == (256,)
    assert _problem(path)[0] == "not-a-vae"
    reversed_pkl = ha.state_dict_pickle(tensors=[("b", (256,), 2), ("a", (2,), 256)])
    path.write_bytes(ha.zip_bytes(ha.torch_zip_entries(reversed_pkl, storage=b"\0" * 1024)))
    with pytest.raises(RuntimeError):
        torch.load(path, weights_only=True)
    assert _problem(path)[0] == "corrupt"
