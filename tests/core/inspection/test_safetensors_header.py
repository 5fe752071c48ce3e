import json
import struct

import pytest
import torch

from app.core.inspection.failure import BadFile
from app.core.inspection.safetensors_header import read_header
from tests import model_files as mf


def _raw(path, header: dict, data: bytes = b"") -> None:
    blob = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(blob)) + blob + data)


def _code(path) -> str:
    with pytest.raises(BadFile) as info:
        read_header(path)
    return info.value.code


def test_reads_names_dtypes_shapes_and_metadata(tmp_path):
    sd = mf.ldm_vae_state_dict(dtype=torch.float16)
    sd["extra.bf16"] = torch.zeros(3, 5, dtype=torch.bfloat16)
    path = mf.write_safetensors(tmp_path / "v.safetensors", sd, {"modelspec.title": "x"})
    header = read_header(path)
    assert set(header.tensors) == set(sd)
    conv = header.tensors["decoder.conv_in.weight"]
    assert (conv.dtype, conv.shape) == ("float16", (128, 4, 3, 3))
    assert header.tensors["extra.bf16"].dtype == "bfloat16"
    assert header.metadata == {"modelspec.title": "x"}
    assert header.file_size == path.stat().st_size


@pytest.mark.parametrize("keep", [4, 8, 20, 0.5, 0.9, -1])
def test_truncated_anywhere(tmp_path, keep):
    src = mf.write_safetensors(tmp_path / "v.safetensors", mf.taesd_decoder_state_dict())
    size = src.stat().st_size
    cut = size - 1 if keep == -1 else keep
    dst = mf.truncate_copy(src, tmp_path / "cut.safetensors", cut)
    with pytest.raises(BadFile) as info:
        read_header(dst)
    assert info.value.code == "truncated"
    assert f"{dst.stat().st_size:,}" in info.value.message


def test_truncated_in_data_names_the_sizes(tmp_path):
    src = mf.write_safetensors(tmp_path / "v.safetensors", mf.taesd_decoder_state_dict())
    dst = mf.truncate_copy(src, tmp_path / "cut.safetensors", 0.5)
    with pytest.raises(BadFile) as info:
        read_header(dst)
    message = info.value.message
    assert f"{dst.stat().st_size:,} bytes" in message
    assert f"need {src.stat().st_size:,}" in message


def test_huge_header_claim_is_refused_without_reading(tmp_path):
    path = mf.write_huge_header_claim(tmp_path / "h.safetensors")
    with pytest.raises(BadFile) as info:
        read_header(path)
    assert info.value.code == "header-too-large"
    assert "100,000,000,000" in info.value.message


def test_not_json_and_not_object(tmp_path):
    blob = b"{not json"
    (tmp_path / "a").write_bytes(struct.pack("<Q", len(blob)) + blob)
    assert _code(tmp_path / "a") == "corrupt"
    _raw(tmp_path / "b", [1, 2])  # type: ignore[arg-type]
    assert _code(tmp_path / "b") == "corrupt"


@pytest.mark.parametrize(
    "entry",
    [
        {"dtype": "F7", "shape": [2], "data_offsets": [0, 8]},
        {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]},
        {"dtype": "F32", "shape": [2], "data_offsets": [0, 9]},
        {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]},
        {"dtype": "F32", "shape": "2", "data_offsets": [0, 8]},
        "nope",
    ],
)
def test_bad_entries_are_corrupt(tmp_path, entry):
    _raw(tmp_path / "x", {"t": entry}, b"\0" * 8)
    assert _code(tmp_path / "x") == "corrupt"


def test_gap_overlap_and_trailing_bytes(tmp_path):
    a = {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}
    gap = {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}
    _raw(tmp_path / "gap", {"a": a, "b": gap}, b"\0" * 12)
    assert _code(tmp_path / "gap") == "corrupt"
    _raw(tmp_path / "overlap", {"a": a, "b": a}, b"\0" * 4)
    assert _code(tmp_path / "overlap") == "corrupt"
    _raw(tmp_path / "trail", {"a": a}, b"\0" * 6)
    with pytest.raises(BadFile, match="2 unexpected bytes"):
        read_header(tmp_path / "trail")


def test_sub_byte_and_float8_dtypes_size_check(tmp_path):
    header = {
        "f8": {"dtype": "F8_E4M3", "shape": [3], "data_offsets": [0, 3]},
        "f4": {"dtype": "F4", "shape": [4], "data_offsets": [3, 5]},
    }
    _raw(tmp_path / "x", header, b"\0" * 5)
    parsed = read_header(tmp_path / "x")
    assert parsed.tensors["f8"].dtype == "float8_e4m3fn"
    # safetensors refuses sub-byte tensors that do not fill whole bytes (MisalignedSlice)
    header["f4"] = {"dtype": "F4", "shape": [3], "data_offsets": [3, 5]}
    _raw(tmp_path / "odd", header, b"\0" * 5)
    assert _code(tmp_path / "odd") == "corrupt"


def test_empty_safetensors_is_valid(tmp_path):
    _raw(tmp_path / "x", {"__metadata__": {"a": "b"}})
    parsed = read_header(tmp_path / "x")
    assert parsed.tensors == {} and parsed.metadata == {"a": "b"}


def test_bitflip_in_data_still_parses(tmp_path):
    src = mf.write_safetensors(tmp_path / "v.safetensors", mf.taesd_decoder_state_dict())
    dst = mf.bitflip_copy(src, tmp_path / "f.safetensors", -100)
    assert read_header(dst).tensors == read_header(src).tensors
