import io
import os
import pickle
import struct
import zipfile

import numpy as np
import pytest
import torch

from app.core.inspection.failure import BadFile
from app.core.inspection.pickle_globals import describe_unsafe
from app.core.inspection.pickle_scan import UNRESOLVED, scan_pickle
from app.core.inspection.torch_scan import scan_torch_file
from tests import model_files as mf


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def _scan_bytes(data: bytes) -> set[str]:
    return scan_pickle(io.BytesIO(data))


def test_real_state_dicts_use_only_allowed_globals(tmp_path):
    sd = mf.ldm_vae_state_dict(dtype=torch.float16)
    sd["p"] = torch.nn.Parameter(torch.ones(2, dtype=torch.bfloat16))
    sd["f8"] = torch.zeros(2, dtype=torch.float8_e4m3fn)
    for writer in (mf.write_torch_zip, mf.write_legacy_pickle):
        scan = scan_torch_file(writer(tmp_path / f"{writer.__name__}.ckpt", {"state_dict": sd}))
        assert scan.unsafe == []
        assert "torch._utils._rebuild_tensor_v2" in scan.globals
        assert "torch.HalfStorage" in scan.globals


@pytest.mark.parametrize("zipped", [True, False])
def test_malicious_factory_files_name_os_system(tmp_path, zipped):
    marker = tmp_path / "marker"
    scan = scan_torch_file(mf.write_malicious_pickle(tmp_path / "e.ckpt", marker, zip=zipped))
    assert scan.unsafe == ["os.system"]
    assert scan.format == ("torch-zip" if zipped else "torch-pickle")
    assert not marker.exists()


def test_reduce_payload_inside_real_torch_save(tmp_path):
    marker = tmp_path / "marker"
    path = mf.write_torch_zip(
        tmp_path / "e.ckpt", {"state_dict": {"a": torch.ones(1)}, "x": _Evil(marker)}
    )
    scan = scan_torch_file(path)
    assert [g for g in scan.unsafe] == [f"{os.system.__module__}.system"]  # posix.system
    assert not marker.exists()


@pytest.mark.parametrize("protocol", [0, 1, 2, 3, 4, 5])
def test_every_protocol(protocol):
    found = _scan_bytes(pickle.dumps([_Evil("/nonexistent/x"), {"a": 1}], protocol=protocol))
    assert f"{os.system.__module__}.system" in found


def test_stack_global_operands_from_memo():
    # Push "os" and "system" once, memoize them, then fetch both back with BINGET.
    data = (
        b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94"
        b"0"  # POP: drops "system" from the stack (it stays in the memo)
        b"0"  # POP: drops "os"
        b"h\x00h\x01\x93)R."
    )
    assert _scan_bytes(data) == {"os.system"}


def test_unresolvable_stack_global_fails_closed():
    # Module name computed by a call (an allowed one): the simulation cannot know its value.
    data = b"\x80\x04ccollections\nOrderedDict\n)R\x8c\x06system\x93."
    assert _scan_bytes(data) == {"collections.OrderedDict", UNRESOLVED}


def test_stack_global_of_a_number_is_refused_like_the_unpickler_does():
    data = b"\x80\x04K\x01\x8c\x06system\x93."
    with pytest.raises(pickle.UnpicklingError, match="requires str"):
        pickle.loads(data)
    with pytest.raises(BadFile) as info:
        _scan_bytes(data)
    assert info.value.code == "corrupt"


def test_inst_and_ext_opcodes_are_globals():
    assert _scan_bytes(b"(ios\nsystem\nS'x'\n.") == {"os.system"}
    assert _scan_bytes(b"\x80\x02\x82\x01.") == {"<copyreg extension 1>"}


def test_python2_names_are_mapped():
    assert _scan_bytes(b"c__builtin__\nset\n.") == {"builtins.set"}


def test_numpy_is_allowed_but_flagged(tmp_path):
    path = mf.write_torch_zip(
        tmp_path / "n.ckpt", {"state_dict": {"a": torch.ones(1)}, "n": np.arange(3)}
    )
    scan = scan_torch_file(path)
    assert scan.unsafe == [] and scan.uses_numpy


def test_lightning_callbacks_are_unsafe_with_a_hint():
    message = describe_unsafe(["pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint"])
    assert "ModelCheckpoint" in message and "safetensors" in message
    data = b"\x80\x02cpytorch_lightning.callbacks.model_checkpoint\nModelCheckpoint\n)\x81."
    assert _scan_bytes(data) == {"pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint"}


def test_truncated_and_garbage_pickles():
    data = pickle.dumps({"a": list(range(100))}, protocol=2)
    with pytest.raises(BadFile) as info:
        _scan_bytes(data[: len(data) // 2])
    assert info.value.code == "truncated"
    with pytest.raises(BadFile) as info:
        _scan_bytes(b"\x80\x02\xff\xfe")
    assert info.value.code == "corrupt"


@pytest.mark.parametrize("fraction", [0.3, 0.7, 0.99])
def test_truncated_zip_and_legacy(tmp_path, fraction):
    sd = {"state_dict": mf.taesd_decoder_state_dict()}
    for writer in (mf.write_torch_zip, mf.write_legacy_pickle):
        src = writer(tmp_path / "src.ckpt", sd)
        cut = mf.truncate_copy(src, tmp_path / "cut.ckpt", fraction)
        if writer is mf.write_legacy_pickle:
            scan_torch_file(cut)  # pickles come first; the cut is in the storage bytes
            continue
        with pytest.raises(BadFile) as info:
            scan_torch_file(cut)
        assert info.value.code == "truncated"


def test_torchscript_and_foreign_zip(tmp_path):
    path = tmp_path / "ts.pt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("m/data.pkl", pickle.dumps({}, protocol=2))
        zf.writestr("m/code/__torch__.py", "x")
    with pytest.raises(BadFile, match="TorchScript"):
        scan_torch_file(path)
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(BadFile) as info:
        scan_torch_file(tmp_path / "other.zip")
    assert info.value.code == "unknown-format"


def test_bad_crc_in_data_pkl_is_corrupt(tmp_path):
    src = mf.write_torch_zip(tmp_path / "a.ckpt", {"a": torch.ones(1)})
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo(next(n for n in zf.namelist() if n.endswith("data.pkl")))
    local = src.read_bytes()[info.header_offset : info.header_offset + 30]
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    offset = info.header_offset + 30 + name_len + extra_len + 3
    with pytest.raises(BadFile) as err:
        scan_torch_file(mf.bitflip_copy(src, tmp_path / "b.ckpt", offset, bit=6))
    assert err.value.code == "corrupt"


def test_bare_pickle_is_not_a_torch_save(tmp_path):
    path = tmp_path / "p.pt"
    path.write_bytes(pickle.dumps({"a": 1}, protocol=2))
    scan = scan_torch_file(path)
    assert not scan.is_torch_save and scan.unsafe == []
