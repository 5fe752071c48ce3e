"""Builders of hostile torch files: zip/tar/pickle tricks, bombs, floods and forged views.

Each ``build_<class>(folder) -> Path`` writes its case under ``folder`` in well under a
second and returns the file to hand to the command. The execution classes carry a payload
that runs ``touch <folder>/payload-ran`` when a plain ``torch.load(weights_only=False)``
unpickles them (see :func:`marker_for`). ``CASES`` pairs each class with the CLI argv
(``python main.py ARGV PATH``) that exercises it, for ``benchmarks/hostile_inputs.py``.
Zips are written byte by byte here (``zip_bytes``), so headers can say what no zip library
would write. No pytest here: the tests and the benchmark share these files.
"""

from __future__ import annotations

import io
import pickle
import shlex
import struct
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import torch

MARKER = "payload-ran"
MAGIC = 0x1950A86A20F9469CFC6C


def marker_for(path: Path) -> Path:
    """The file a hostile build's payload creates when it runs."""
    return path.parent / MARKER


# --------------------------------------------------------------------------- pickles


def system_call(marker: Path, *, protocol: int = 2) -> bytes:
    """A whole pickle whose loading runs ``touch marker`` (GLOBAL os.system, REDUCE)."""
    command = f"touch {shlex.quote(str(marker))}"
    if protocol == 0:
        return b"cos\nsystem\n(V" + command.encode() + b"\ntR."
    arg = b"X" + struct.pack("<I", len(command)) + command.encode()
    head = b"\x80" + bytes([protocol]) if protocol >= 2 else b""
    return head + b"cos\nsystem\n" + arg + b"\x85R."


def _unicode(text: str) -> bytes:
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def tensor_ops(size: tuple[int, ...], numel: int, key: str = "0") -> bytes:
    """Opcodes that push a contiguous float32 tensor of ``size`` on storage ``key``, whose
    persistent id declares ``numel`` elements (as torch.save writes it, protocol 2)."""
    stride = [1] * len(size)
    for i in range(len(size) - 2, -1, -1):
        stride[i] = stride[i + 1] * size[i + 1]
    ints = b"".join(b"J" + struct.pack("<i", d) for d in size)
    strides = b"".join(b"J" + struct.pack("<i", s) for s in stride)
    return (
        b"ctorch._utils\n_rebuild_tensor_v2\n("
        + b"(" + _unicode("storage") + b"ctorch\nFloatStorage\n" + _unicode(key)
        + _unicode("cpu") + b"J" + struct.pack("<i", numel) + b"tQ"
        + b"K\x00(" + ints + b"t(" + strides + b"t\x89ccollections\nOrderedDict\n)R"
        + b"tR"
    )  # fmt: skip


def state_dict_pickle(
    extra: bytes = b"",
    *,
    size: tuple[int, ...] = (2,),
    numel: int = 2,
    tensors: list[tuple[str, tuple[int, ...], int]] | None = None,
) -> bytes:
    """A protocol-2 data.pkl: {"state_dict": {name: float32 tensor}} plus ``extra`` entries.

    ``extra`` is a run of (key, value) opcodes added to the outer dict; each tensor is
    (name, shape, element count its storage "0" declares), by default one ``w``.
    """
    entries = b"".join(_unicode(n) + tensor_ops(sz, ne) for n, sz, ne in
                       tensors or [("w", size, numel)])  # fmt: skip
    inner = b"}(" + entries + b"u"
    return b"\x80\x02}(" + _unicode("state_dict") + inner + extra + b"u."


# --------------------------------------------------------------------------- zips


@dataclass
class Entry:
    """One member for :func:`zip_bytes`; the ``local_*`` fields let headers disagree."""

    name: bytes
    data: bytes
    method: int = 0
    size: int | None = None  # uncompressed size to declare (default: len(data))
    crc: int | None = None
    local_name: bytes | None = None
    local_size: int | None = None


def zip_bytes(entries: list[Entry], *, trailing: bytes = b"", gap: bytes = b"") -> bytes:
    """A zip archive written by hand: local headers, data, central directory, end record.

    ``data`` is written as given (already deflated when ``method`` is 8); ``gap`` goes
    between the members and the central directory, ``trailing`` after the end record.
    """
    out = bytearray()
    central = bytearray()
    for e in entries:
        size = len(e.data) if e.size is None else e.size
        crc = zlib.crc32(e.data) if e.crc is None else e.crc
        local_name = e.name if e.local_name is None else e.local_name
        local_size = size if e.local_size is None else e.local_size
        offset = len(out)
        out += struct.pack(
            "<4s5H3I2H", b"PK\x03\x04", 20, 0, e.method, 0, 0x21,
            crc, len(e.data), local_size, len(local_name), 0,
        ) + local_name + e.data  # fmt: skip
        central += struct.pack(
            "<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, e.method, 0, 0x21,
            crc, len(e.data), size, len(e.name), 0, 0, 0, 0, 0, offset,
        ) + e.name  # fmt: skip
    out += gap
    start = len(out)
    out += central
    out += struct.pack(
        "<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), start, 0
    )
    return bytes(out) + trailing


def torch_zip_entries(data_pkl: bytes, *, folder: bytes = b"archive", storage: bytes = b"\0" * 8):
    """The members torch.save writes, around a given data.pkl."""
    return [
        Entry(folder + b"/data.pkl", data_pkl),
        Entry(folder + b"/byteorder", b"little"),
        Entry(folder + b"/data/0", storage),
        Entry(folder + b"/version", b"3\n"),
    ]


def _benign() -> bytes:
    return state_dict_pickle()


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


# --------------------------------------------------------------------------- execution classes


def build_duplicate_member(folder: Path) -> Path:
    """Two members named archive/data.pkl: torch reads the first (the payload), zipfile the
    last (a clean state dict)."""
    evil = system_call(marker_for(folder / "x"))
    entries = torch_zip_entries(evil)
    entries.insert(1, Entry(b"archive/data.pkl", _benign()))
    return _write(folder / "duplicate_member.ckpt", zip_bytes(entries))


def build_nul_in_name(folder: Path) -> Path:
    """``archive/data.pkl`` (the payload) and ``archive/data.pkl\\0x`` (clean): zipfile cuts
    the second name at NUL and reads it as data.pkl; torch matches the exact name."""
    evil = system_call(marker_for(folder / "x"))
    entries = torch_zip_entries(evil)
    entries.append(Entry(b"archive/data.pkl\0x", _benign()))
    return _write(folder / "nul_in_name.ckpt", zip_bytes(entries))


def build_case_folded_name(folder: Path) -> Path:
    """Only ``archive/DATA.PKL`` (the payload): torch's lookup ignores case, a scan for
    ``data.pkl`` finds no pickle at all."""
    entries = torch_zip_entries(system_call(marker_for(folder / "x")))
    entries[0] = Entry(b"archive/DATA.PKL", entries[0].data)
    return _write(folder / "case_folded_name.pt", zip_bytes(entries))


def build_local_name_mismatch(folder: Path) -> Path:
    """The central directory says archive/data.pkl, its local header another name: torch
    reads the bytes anyway, zipfile refuses (so a zipfile-based scan never sees them)."""
    entries = torch_zip_entries(system_call(marker_for(folder / "x")))
    entries[0].local_name = b"archive/data.pkX"
    return _write(folder / "local_name_mismatch.ckpt", zip_bytes(entries))


def build_tar_legacy(folder: Path) -> Path:
    """torch's pre-1.0 tar format whose ``pickle`` member runs the payload."""
    members = {
        "sys_info": pickle.dumps({"protocol_version": 1001}, protocol=2),
        "storages": pickle.dumps(0, protocol=2) + pickle.dumps([], protocol=2),
        "tensors": pickle.dumps(0, protocol=2),
        "pickle": system_call(marker_for(folder / "x")),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return _write(folder / "tar_legacy.pt", buffer.getvalue())


def build_protocol0_pickle(folder: Path) -> Path:
    """A protocol-0 pickle (no PROTO opcode, all text) that runs the payload."""
    return _write(folder / "protocol0.ckpt", system_call(marker_for(folder / "x"), protocol=0))


def build_protocol1_legacy(folder: Path) -> Path:
    """A legacy torch.save file written with pickle protocol 1 (binary, no PROTO opcode)."""

    class Evil:
        def __reduce__(self):
            import os

            return os.system, (f"touch {shlex.quote(str(marker_for(folder / 'x')))}",)

    path = folder / "protocol1_legacy.pt"
    path.parent.mkdir(parents=True, exist_ok=True)
    obj = {"state_dict": {"w": torch.ones(2)}, "x": Evil()}
    torch.save(obj, path, pickle_protocol=1, _use_new_zipfile_serialization=False)
    return path


def build_safetensors_polyglot(folder: Path) -> Path:
    """A valid safetensors file named .ckpt whose bytes are also a pickle running the
    payload: the UIs torch.load a .ckpt, and torch.load unpickles it from byte 0."""
    payload = system_call(marker_for(folder / "x"), protocol=0)
    length = struct.unpack("<Q", b'S"' + bytes(6))[0]  # STRING opcode, its opening quote
    tensor = {"dtype": "U8", "shape": [len(payload)], "data_offsets": [0, len(payload)]}
    head = '{"w":' + _json(tensor) + ',"__metadata__":{"pad":"'
    tail = '"\n}}'  # closing quote ends the STRING line; the braces are EMPTY_DICT opcodes
    header = head + "p" * (length - len(head) - len(tail)) + tail
    return _write(folder / "polyglot.ckpt", struct.pack("<Q", length) + header.encode() + payload)


def _json(obj: object) -> str:
    import json

    return json.dumps(obj, separators=(",", ":"))


# --------------------------------------------------------------------------- ambiguity, no payload


def build_two_folders(folder: Path) -> Path:
    """Members under a/ and b/, each with a data.pkl: readers pick different ones."""
    entries = torch_zip_entries(_benign(), folder=b"a") + [Entry(b"b/data.pkl", _benign())]
    return _write(folder / "two_folders.ckpt", zip_bytes(entries))


def build_trailing_after_zip(folder: Path) -> Path:
    """A clean torch zip with bytes after its end record."""
    data = zip_bytes(torch_zip_entries(_benign()), trailing=b"PK\x03\x04 hidden")
    return _write(folder / "trailing_after_zip.ckpt", data)


def build_gap_in_zip(folder: Path) -> Path:
    """A clean torch zip with bytes between its members and directory (hidden member)."""
    hidden = zip_bytes([Entry(b"archive/data.pkl", _benign())])[: 30 + 16 + len(_benign())]
    data = zip_bytes(torch_zip_entries(_benign()), gap=hidden)
    return _write(folder / "gap_in_zip.ckpt", data)


def build_local_size_mismatch(folder: Path) -> Path:
    """A local header whose size disagrees with the central directory's."""
    entries = torch_zip_entries(_benign())
    entries[0].local_size = 5
    return _write(folder / "local_size_mismatch.ckpt", zip_bytes(entries))


def build_trailing_in_data_pkl(folder: Path) -> Path:
    """A data.pkl with a second pickle after the first one's STOP."""
    data_pkl = _benign() + system_call(marker_for(folder / "x"))
    return _write(folder / "trailing_in_data_pkl.ckpt", zip_bytes(torch_zip_entries(data_pkl)))


def build_torchscript(folder: Path) -> Path:
    """A TorchScript archive: a plain torch.load hands it to torch.jit.load."""
    entries = torch_zip_entries(_benign())
    entries += [Entry(b"archive/constants.pkl", pickle.dumps((), protocol=2)),
                Entry(b"archive/code/__torch__.py", b"x = 1\n")]  # fmt: skip
    return _write(folder / "torchscript.pt", zip_bytes(entries))


# --------------------------------------------------------------------------- bombs and floods


def _zero_bomb(prefix: bytes, total: int) -> bytes:
    """Raw deflate of ``prefix`` then zeros up to ``total`` bytes, built without
    compressing them all: a fully flushed chunk of zeros is repeated."""
    mib = 1 << 20
    first = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = first.compress(prefix + bytes(mib - len(prefix))) + first.flush(zlib.Z_FULL_FLUSH)
    again = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = again.compress(bytes(mib)) + again.flush(zlib.Z_FULL_FLUSH)
    return head + chunk * (total // mib - 1) + b"\x03\x00"  # empty final block


def build_zip_bomb_pickle(folder: Path) -> Path:
    """A 2.4 MB torch zip whose deflated data.pkl declares 2.3 GB (a BINBYTES8 of zeros)."""
    total = 2300 << 20
    pickle_head = b"\x80\x04\x8e" + struct.pack("<Q", total - 12)  # + STOP never reached
    entries = torch_zip_entries(b"")
    entries[0] = Entry(b"archive/data.pkl", _zero_bomb(pickle_head, total), 8, total, crc=0)
    return _write(folder / "zip_bomb_pickle.ckpt", zip_bytes(entries))


def build_zip_bomb_storage(folder: Path) -> Path:
    """A clean data.pkl whose storage member inflates 1000-fold to 2.3 GB."""
    total = 2300 << 20
    data_pkl = state_dict_pickle(size=(total // 4,), numel=total // 4)
    entries = torch_zip_entries(data_pkl)
    entries[2] = Entry(b"archive/data/0", _zero_bomb(b"", total), 8, total, crc=0)
    return _write(folder / "zip_bomb_storage.ckpt", zip_bytes(entries))


def build_shared_subdict_flood(folder: Path) -> Path:
    """A small data.pkl whose dict levels all point at the next level ten times: 10^8
    names when flattened."""
    body = b"}q\x010"  # level 0: an empty dict, kept in memo 1 only
    for _ in range(8):  # each level: ten keys all pointing at the previous level
        keys = b"".join(_unicode(f"k{i}") + b"h\x01" for i in range(10))
        body += b"}(" + keys + b"uq\x010"
    data_pkl = b"\x80\x02}(" + _unicode("state_dict") + body + b"h\x01u."
    return _write(folder / "shared_subdict_flood.ckpt", zip_bytes(torch_zip_entries(data_pkl)))


def build_opcode_flood(folder: Path) -> Path:
    """A 4 MB data.pkl of two million NONE/POP pairs before its STOP."""
    data_pkl = b"\x80\x02" + b"N0" * 2_000_000 + b"N."
    return _write(folder / "opcode_flood.ckpt", zip_bytes(torch_zip_entries(data_pkl)))


def build_mark_flood(folder: Path) -> Path:
    """40 KB of MARK opcodes then tuples closing them."""
    data_pkl = b"\x80\x02" + b"(" * 20_000 + b"t" * 20_000 + b"."
    return _write(folder / "mark_flood.ckpt", zip_bytes(torch_zip_entries(data_pkl)))


def build_huge_binbytes8(folder: Path) -> Path:
    """A BINBYTES8 that declares 2**62 bytes in a 30-byte legacy pickle."""
    return _write(folder / "huge_binbytes8.ckpt", b"\x80\x04\x8e" + struct.pack("<Q", 1 << 62))


def build_oversized_legacy_pickle(folder: Path) -> Path:
    """A 300 MB legacy pickle (one BINBYTES8, written sparse): past the 256 MiB cap."""
    size = 300 << 20
    path = folder / "oversized_pickle.ckpt"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(b"\x80\x04\x8e" + struct.pack("<Q", size))
        fh.seek(size, 1)
        fh.write(b".")
    return path


def build_bytearray_allocation(folder: Path) -> Path:
    """A torch zip whose data.pkl calls the allowed builtins.bytearray with 2**31."""
    extra = _unicode("x") + b"cbuiltins\nbytearray\n\x8a\x05" + (1 << 31).to_bytes(5, "little")
    extra += b"\x85R"
    return _write(folder / "bytearray_allocation.ckpt",
                  zip_bytes(torch_zip_entries(state_dict_pickle(extra))))  # fmt: skip


def build_deep_tuple(folder: Path) -> Path:
    """A dict key nested three million tuples deep: hashing it overflows the C stack."""
    data_pkl = b"\x80\x02}(" + _unicode("state_dict") + b"}N" + b"\x85" * 3_000_000 + b"Nsu."
    return _write(folder / "deep_tuple.ckpt", zip_bytes(torch_zip_entries(data_pkl)))


def build_huge_memo_index(folder: Path) -> Path:
    """A LONG_BINPUT to memo slot 2**32-1: CPython sizes its memo table to twice that."""
    data_pkl = b"\x80\x02}r\xff\xff\xff\xff."
    return _write(folder / "huge_memo_index.ckpt", zip_bytes(torch_zip_entries(data_pkl)))


def build_view_past_storage(folder: Path) -> Path:
    """A 4-byte storage viewed as a 1000x1000 float32 tensor (a million parameters)."""
    data_pkl = state_dict_pickle(size=(1000, 1000), numel=1)
    return _write(folder / "view_past_storage.ckpt",
                  zip_bytes(torch_zip_entries(data_pkl, storage=b"\0" * 4)))  # fmt: skip


def build_missing_storage(folder: Path) -> Path:
    """A tensor whose storage record is not in the archive."""
    entries = [e for e in torch_zip_entries(_benign()) if not e.name.endswith(b"/data/0")]
    return _write(folder / "missing_storage.ckpt", zip_bytes(entries))


INSPECT = ["inspect", "--json"]
EXECUTION_CASES = [
    ("duplicate zip member", build_duplicate_member),
    ("NUL byte in a member name", build_nul_in_name),
    ("data.pkl in another case", build_case_folded_name),
    ("local header names another file", build_local_name_mismatch),
    ("legacy tar format", build_tar_legacy),
    ("protocol 0 pickle", build_protocol0_pickle),
    ("protocol 1 legacy torch.save", build_protocol1_legacy),
    ("safetensors/pickle polyglot named .ckpt", build_safetensors_polyglot),
]
CASES = [
    *((name, build, INSPECT) for name, build in EXECUTION_CASES),
    ("two archive folders", build_two_folders, INSPECT),
    ("bytes after the zip end record", build_trailing_after_zip, INSPECT),
    ("hidden bytes between members", build_gap_in_zip, INSPECT),
    ("local header size mismatch", build_local_size_mismatch, INSPECT),
    ("second pickle after data.pkl's STOP", build_trailing_in_data_pkl, INSPECT),
    ("TorchScript archive", build_torchscript, INSPECT),
    ("zip bomb (data.pkl)", build_zip_bomb_pickle, INSPECT),
    ("zip bomb (storage)", build_zip_bomb_storage, ["inspect", "--json", "--check-nan"]),
    ("shared sub-dict flood", build_shared_subdict_flood, INSPECT),
    ("opcode flood (2M opcodes)", build_opcode_flood, INSPECT),
    ("MARK flood", build_mark_flood, INSPECT),
    ("BINBYTES8 of 2**62", build_huge_binbytes8, INSPECT),
    ("legacy pickle of 300 MB", build_oversized_legacy_pickle, INSPECT),
    ("bytearray(2**31) in data.pkl", build_bytearray_allocation, INSPECT),
    ("tuple nested 3M deep", build_deep_tuple, INSPECT),
    ("memo index 2**32-1", build_huge_memo_index, INSPECT),
    ("4-byte storage viewed as 10^6 floats", build_view_past_storage, INSPECT),
    ("missing storage record", build_missing_storage, INSPECT),
]
