"""The strict zip directory reader: every real writer's layout passes, every ambiguity fails."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
import torch

from app.core.inspection.failure import BadFile
from app.core.inspection.zip_reader import read_directory
from tests.core.inspection import hostile_archives as ha


def _directory(path: Path):
    with open(path, "rb") as fh:
        return read_directory(fh)


def _agrees_with_zipfile(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        expected = [(i.filename, i.header_offset, i.file_size) for i in zf.infolist()]
    got = [(m.name, m.header_offset, m.size) for m in _directory(path).members]
    assert got == expected


def _refusal(path: Path) -> str:
    with pytest.raises(BadFile) as info:
        _directory(path)
    assert info.value.code == "unsafe-pickle", info.value.message
    return info.value.message


def _rezip(src: Path, dst: Path, **kwargs) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", **kwargs) as zout:
        for name in zin.namelist():
            zout.writestr(name, zin.read(name))
    return dst


def test_what_real_writers_produce_is_read_like_zipfile(tmp_path):
    src = tmp_path / "t.pt"
    torch.save({"a": torch.ones(3), "b": torch.zeros(2, 2, dtype=torch.float16)}, src)
    _agrees_with_zipfile(src)  # torch 2.x: data descriptors, zip64 end record, FB padding
    _agrees_with_zipfile(_rezip(src, tmp_path / "deflated.pt", compression=zipfile.ZIP_DEFLATED))
    commented = _rezip(src, tmp_path / "commented.pt")
    with zipfile.ZipFile(commented, "a") as zf:
        zf.comment = b"a comment is part of the end record"
    _agrees_with_zipfile(commented)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tmp_path / "z64.pt", "w") as zout:
        for name in zin.namelist():
            with zout.open(name, "w", force_zip64=True) as member:
                member.write(zin.read(name))
    _agrees_with_zipfile(tmp_path / "z64.pt")
    assert _directory(src).record("DATA.PKL").name == "t/data.pkl"  # torch ignores case


def test_a_utf8_archive_folder_from_torch_1x_is_read(tmp_path):
    # torch 1.x named the folder after the file, in UTF-8 and without the UTF-8 flag.
    folder = "模型".encode()
    path = tmp_path / "model.ckpt"
    path.write_bytes(ha.zip_bytes(ha.torch_zip_entries(ha.state_dict_pickle(), folder=folder)))
    directory = _directory(path)
    assert directory.record("data.pkl") is not None
    with zipfile.ZipFile(path) as zf:
        raw = [i.orig_filename.encode("cp437") for i in zf.infolist()]
    assert [m.name.encode("utf-8") for m in directory.members] == raw
    assert torch.load(path, weights_only=True)["state_dict"]["w"].shape == (2,)


def test_streamed_zip_with_data_descriptors(tmp_path):
    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b) -> int:  # noqa: ANN001
            self.data += b
            return len(b)

    sink = Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (("a/data.pkl", b"\x80\x02}."), ("a/version", b"3\n")):
            with zf.open(name, "w") as member:
                member.write(data)
    path = tmp_path / "streamed.pt"
    path.write_bytes(bytes(sink.data))
    _agrees_with_zipfile(path)


def _sparse_zip64(path: Path) -> Path:
    """A torch-like zip over 4 GiB (a hole), so one member needs zip64 sizes and the
    next a zip64 offset; the file takes no real disk space."""
    big = (1 << 32) + 64
    pkl = b"\x80\x02}."
    members = []
    with open(path, "wb") as fh:
        members.append((b"archive/data.pkl", 0, len(pkl), b""))
        fh.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 0, 0, 0, zlib_crc(pkl),
                             len(pkl), len(pkl), 16, 0) + b"archive/data.pkl" + pkl)  # fmt: skip
        offset = fh.tell()
        extra = struct.pack("<HHQQ", 1, 16, big, big)
        members.append((b"archive/data/0", offset, big, extra))
        fh.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 45, 0, 0, 0, 0, 0, 0xFFFFFFFF,
                             0xFFFFFFFF, 14, len(extra)) + b"archive/data/0" + extra)  # fmt: skip
        fh.seek(big, 1)
        offset = fh.tell()
        members.append((b"archive/version", offset, 2, struct.pack("<HHQ", 1, 8, offset)))
        fh.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 0, 0, 0, zlib_crc(b"3\n"),
                             2, 2, 15, 0) + b"archive/version" + b"3\n")  # fmt: skip
        cd_start = fh.tell()
        for name, at, size, _ in members:
            crc = {b"archive/data.pkl": zlib_crc(pkl), b"archive/version": zlib_crc(b"3\n")}
            crc = crc.get(name, 0)
            wide = size > 0xFFFFFFFF
            far = at > 0xFFFFFFFF
            extra = (struct.pack("<HHQQ", 1, 16, size, size) if wide
                     else struct.pack("<HHQ", 1, 8, at) if far else b"")  # fmt: skip
            fh.write(struct.pack(
                "<4s6H3I5H2I", b"PK\x01\x02", 45, 45, 0, 0, 0, 0, crc,
                0xFFFFFFFF if wide else size, 0xFFFFFFFF if wide else size, len(name),
                len(extra), 0, 0, 0, 0, 0xFFFFFFFF if far else at,
            ) + name + extra)  # fmt: skip
        cd_end = fh.tell()
        fh.write(struct.pack("<4sQ2H2I4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 3, 3,
                             cd_end - cd_start, cd_start))  # fmt: skip
        fh.write(struct.pack("<4sIQI", b"PK\x06\x07", 0, cd_end, 1))
        fh.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 3, 3, cd_end - cd_start,
                             0xFFFFFFFF, 0))  # fmt: skip
    return path


def zlib_crc(data: bytes) -> int:
    import zlib

    return zlib.crc32(data)


def test_zip64_offsets_and_sizes_past_4_gib(tmp_path):
    path = _sparse_zip64(tmp_path / "big.ckpt")
    _agrees_with_zipfile(path)
    directory = _directory(path)
    assert directory.record("data/0").size == (1 << 32) + 64
    with zipfile.ZipFile(path) as zf:
        assert zf.read("archive/version") == b"3\n"


def test_every_ambiguity_is_refused(tmp_path):
    def entries():
        return ha.torch_zip_entries(b"\x80\x02}.")

    cases = {
        "same name, other case": [*entries(), ha.Entry(b"archive/Version", b"x")],
        "backslash": [*entries(), ha.Entry(b"archive\\data.pkl", b"x")],
        "DEL byte": [*entries(), ha.Entry(b"archive/a\x7fb", b"x")],
        "control byte": [*entries(), ha.Entry(b"archive/a\nb", b"x")],
        "bzip2": [*entries(), ha.Entry(b"archive/x", b"x", method=12)],
        "stored sizes differ": [*entries(), ha.Entry(b"archive/x", b"abc", size=9)],
    }
    for label, members in cases.items():
        path = tmp_path / f"{len(label)}.zip"
        path.write_bytes(ha.zip_bytes(members))
        assert _refusal(path), label


def test_members_that_overlap_are_refused(tmp_path):
    inner = ha.zip_bytes([ha.Entry(b"archive/b", b"hidden")])[: 30 + 9 + 6]
    outer = ha.Entry(b"archive/data.pkl", b"\x80\x02}." + inner)
    data = bytearray(ha.zip_bytes([outer, ha.Entry(b"archive/b", b"hidden")]))
    # Point the second central entry at the copy inside the first member's data.
    second = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, second + 42, 30 + 16 + 4)
    path = tmp_path / "overlap.pt"
    path.write_bytes(bytes(data))
    assert "overlaps" in _refusal(path) or "belong to no member" in _refusal(path)


def test_no_end_record_is_truncated(tmp_path):
    src = tmp_path / "t.pt"
    torch.save({"a": torch.ones(3)}, src)
    cut = tmp_path / "cut.pt"
    cut.write_bytes(src.read_bytes()[:-30])
    with pytest.raises(BadFile) as info:
        _directory(cut)
    assert info.value.code == "truncated"


def test_a_directory_claimed_past_the_file_is_refused_before_reading(tmp_path):
    data = bytearray(ha.zip_bytes(ha.torch_zip_entries(b"\x80\x02}.")))
    struct.pack_into("<HHI", data, len(data) - 14, 60_000, 60_000, 60 << 20)
    path = tmp_path / "many.pt"
    path.write_bytes(bytes(data))
    with pytest.raises(BadFile, match="past the end"):
        _directory(path)
