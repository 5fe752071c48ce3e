"""The bounded pickle walk: grammar of every protocol, limits, and the calls it refuses."""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import pickletools
import random
import struct

import numpy as np
import pytest
import torch

from app.core.inspection import pickle_machine, pickle_scan
from app.core.inspection.byte_source import ByteReader
from app.core.inspection.failure import BadFile
from app.core.inspection.pickle_scan import UNRESOLVED, scan_pickle, walk_pickle


def _walk(data: bytes, **kwargs):
    chunks = iter([data])
    return walk_pickle(ByteReader(lambda n: next(chunks, b""), len(data)), **kwargs)


def _refused(data: bytes) -> str:
    with pytest.raises(BadFile) as info:
        scan_pickle(io.BytesIO(data))
    assert info.value.code == "unsafe-pickle"
    return info.value.message


class _Evil:
    def __reduce__(self):
        return os.system, ("true",)


class _Recorder(pickle.Unpickler):
    """The real C unpickler, with every import replaced by a harmless recorder."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.reached: set[str] = set()

    def find_class(self, module: str, name: str):  # noqa: D102
        if not all(part.isidentifier() for part in module.split(".")):
            raise ModuleNotFoundError(module)  # what the import system does with such names
        self.reached.add((module, name))  # raw: the default find_class maps Python 2 names
        return lambda *args, **kwargs: None


def _seeds() -> list[bytes]:
    obj = {"state_dict": {"w": torch.ones(2)}, "evil": _Evil(), "n": [1, 2.5, "s", (3,)]}
    buffer = io.BytesIO()
    torch.save(obj, buffer, _use_new_zipfile_serialization=False)
    seeds = [buffer.getvalue()[:400]]
    seeds += [pickle.dumps([_Evil(), {"a": (1, "x")}, {1, 2}], protocol=p) for p in range(6)]
    return seeds


# Mutations avoid the opcodes that make CPython pre-allocate (BINBYTES*, BYTEARRAY8) or
# trip its buffer bookkeeping (out-of-band buffers): the recorder must stay cheap.
_AVOID = set(b"B\x8e\x96\x97\x98")
_OPCODES = bytes(sorted({ord(op.code) for op in pickletools.opcodes} - _AVOID))
_BYTES = bytes(sorted(set(range(256)) - _AVOID))


def test_walk_never_stops_before_the_real_unpickler_reaches_a_global():
    # Differential check: mutate real pickles; every global the C unpickler reaches, the
    # walk must have seen (it may see more: it never assumes a value it cannot know).
    rng = random.Random(1234)
    checked = reached = 0
    for seed in _seeds():
        for _ in range(1000):
            data = bytearray(seed)
            for _ in range(rng.randint(1, 3)):
                at = rng.randrange(len(data))
                data[at] = rng.choice(_OPCODES if rng.random() < 0.7 else _BYTES)
            data = bytes(data[: rng.randint(1, len(data))] if rng.random() < 0.2 else data)
            try:
                walk = _walk(data, persistent_ids=False)
            except BadFile:
                continue  # a limit refused it (and CPython might allocate for it): skip
            recorder = _Recorder(data)
            with contextlib.suppress(Exception):  # most mutants break: what ran first counts
                recorder.load()
            for module, name in recorder.reached:
                seen = {f"{module}.{name}", pickle_scan.normalize_global(module, name)}
                assert seen & walk.globals or UNRESOLVED in walk.globals, (data, module, name)
            checked += 1
            reached += bool(recorder.reached)
    assert checked > 5000 and reached > 2500, (checked, reached)


@pytest.mark.parametrize("protocol", [0, 1])
def test_pickles_without_a_proto_opcode_are_pickles(tmp_path, protocol):
    from app.core.inspection import inspect_path

    path = tmp_path / f"p{protocol}.pt"
    path.write_bytes(pickle.dumps({"x": _Evil()}, protocol=protocol))
    inspection = inspect_path(path)
    assert inspection.format == "torch-pickle"
    assert [p.code for p in inspection.problems] == ["unsafe-pickle"]
    assert "system" in inspection.problems[0].message


def test_text_files_are_not_pickles(tmp_path):
    from app.core.inspection import inspect_path

    for name, data in {
        "config.yaml": b"model:\n  target: ldm.models.autoencoder.AutoencoderKL\n",
        "config2.yaml": b"config:\n  params: 1\n",  # 'c' GLOBAL of a module no import finds
        "preview.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        "readme.md": b"# VAE\nThis is the VAE from ...\n",
    }.items():
        (tmp_path / name).write_bytes(data)
        inspection = inspect_path(tmp_path / name)
        assert [p.code for p in inspection.problems] == ["unknown-format"], name


def test_a_clean_old_protocol_pickle_is_just_not_a_torch_file(tmp_path):
    from app.core.inspection import inspect_path

    (tmp_path / "d.ckpt").write_bytes(pickle.dumps({"a": [1, 2]}, protocol=0))
    problem = inspect_path(tmp_path / "d.ckpt").problems[0]
    assert (problem.code, problem.message) == ("unknown-format", "a plain Python pickle, not a "
                                                "torch.save file")  # fmt: skip


def test_limits_refuse_instead_of_running_on():
    assert (
        "opcodes"
        in pytest.raises(BadFile, _walk, b"N0" * 200 + b"N.", max_opcodes=100).value.message
    )
    assert "MARK" in _refused(b"\x80\x02" + b"(" * 10_001 + b"N.")
    assert "memo index" in _refused(b"\x80\x02Nr\xff\xff\xff\x7f.")
    assert "nests tuples" in _refused(b"\x80\x02N" + b"\x85" * 101 + b".")
    scan_pickle(io.BytesIO(b"\x80\x02N" + b"\x85" * 99 + b"."))  # 100 deep is fine


def test_stack_limit(monkeypatch):
    monkeypatch.setattr(pickle_machine, "MAX_STACK", 1000)
    assert "stack" in _refused(b"\x80\x02" + b"N" * 70_000 + b".")


@pytest.mark.parametrize(
    "data",
    [
        b"\x80\x04\x8e" + struct.pack("<Q", 1 << 62) + b".",  # BINBYTES8
        b"\x80\x04\x8d" + struct.pack("<Q", 1 << 62) + b".",  # BINUNICODE8
        b"\x80\x02X\xff\xff\xff\xff.",  # BINUNICODE
        b"\x80\x02\x8b\xff\xff\xff\x7f.",  # LONG4
        b"\x80\x05\x95" + struct.pack("<Q", 1 << 40) + b"N.",  # FRAME
    ],
)
def test_declared_lengths_are_checked_before_reading(data):
    with pytest.raises(BadFile) as info:
        scan_pickle(io.BytesIO(data))
    assert info.value.code == "truncated"


def test_negative_lengths_are_corrupt():
    for data in (b"\x80\x02T\xff\xff\xff\xff.", b"\x80\x02\x8b\xff\xff\xff\xff."):
        with pytest.raises(BadFile) as info:
            scan_pickle(io.BytesIO(data))
        assert info.value.code == "corrupt"


def test_what_torch_save_writes_passes():
    for obj in (bytearray(b"ab\xff"), b"raw\x00bytes", {1, 2}, complex(1, 2), np.arange(3.0)):
        for protocol in (2, 4):
            scan_pickle(io.BytesIO(pickle.dumps(obj, protocol=protocol)))


@pytest.mark.parametrize(
    "data, words",
    [
        (b"\x80\x02cbuiltins\nbytearray\nJ\x00\x00\x00\x40\x85R.", "builtins.bytearray"),
        (b"\x80\x02c_codecs\nencode\nc_codecs\nencode\nU\x01aU\x03hex\x86RU\x03hex\x86R.",
         "_codecs.encode"),
        (b"\x80\x02ctorch\nFloatTensor\nJ\x00\x00\x00\x40\x85R.", "torch.FloatTensor"),
        (b"\x80\x02ctorch.storage\nUntypedStorage\nJ\x00\x00\x00\x40\x85R.", "UntypedStorage"),
        (b"\x80\x02ctorch\nTensor\nJ\x00\x00\x00\x40\x85\x81.", "torch.Tensor"),
        (b"\x80\x02ctorch._tensor\n_rebuild_from_type_v2\n(cbuiltins\nbytearray\nN(J\x00\x00"
         b"\x00\x40tNtR.", "rebuild"),
        (b"\x80\x02cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nJ\x00\x00\x00\x40"
         b"\x85C\x01b\x87R.", "numpy"),
    ],
)  # fmt: skip
def test_allowed_callables_that_would_allocate_from_a_number_are_refused(data, words):
    assert words in _refused(data)


def test_unsafe_globals_win_over_breakage_and_refusals():
    # A payload that runs before the pickle breaks is reported by name.
    data = b"cos\nsystem\n(S'true'\ntR\xff"
    assert scan_pickle(io.BytesIO(data)) == {"os.system"}


def test_python2_names_map_only_below_protocol_3():
    assert scan_pickle(io.BytesIO(b"c__builtin__\nset\n)R.")) == {"builtins.set"}
    assert scan_pickle(io.BytesIO(b"\x80\x03c__builtin__\nset\n)R.")) == {"__builtin__.set"}


def test_overlong_lines_are_skipped_in_bounded_memory():
    data = b"S'" + b"a" * (8 << 20) + b"'\n0N."
    assert scan_pickle(io.BytesIO(data)) == set()
    assert scan_pickle(io.BytesIO(b"c" + b"m" * 10_000 + b"\nx\n.")) == {"<overlong name>.x"}
