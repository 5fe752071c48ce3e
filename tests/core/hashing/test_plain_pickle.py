from __future__ import annotations

import builtins
import os
import pickle
import pickletools
from pathlib import Path

import pytest

from app.core.hashing.plain_pickle import UnsafePickle, loads_plain


class SystemPayload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch '{self.marker}'",))


class OpenPayload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (builtins.open, (str(self.marker), "w"))


def opcodes(data: bytes) -> set[str]:
    return {op.name for op, _, _ in pickletools.genops(data)}


def test_plain_values_round_trip() -> None:
    value = {"mtime": 1.5, "sha256": "ab" * 32, "n": [1, None, True, "x"], "big": 2**70}
    assert loads_plain(pickle.dumps(value, protocol=5)) == value
    assert loads_plain(pickle.dumps(value, protocol=2)) == value


@pytest.mark.parametrize("payload_type", [SystemPayload, OpenPayload])
def test_code_running_pickle_is_refused_and_nothing_runs(tmp_path: Path, payload_type) -> None:
    marker = tmp_path / "pwned"
    data = pickle.dumps({"mtime": 1.0, "sha256": payload_type(marker)}, protocol=5)
    assert {"STACK_GLOBAL", "REDUCE"} <= opcodes(data)  # a live payload, not a dud
    with pytest.raises(UnsafePickle, match="refused"):
        loads_plain(data)
    assert not marker.exists()


@pytest.mark.parametrize("value", [(1, 2), {1, 2}, b"bytes", frozenset({1})])
def test_non_plain_containers_are_refused(value: object) -> None:
    with pytest.raises(UnsafePickle):
        loads_plain(pickle.dumps({"v": value}, protocol=5))


def test_truncated_and_self_referencing_pickles() -> None:
    with pytest.raises(UnsafePickle):
        loads_plain(pickle.dumps({"a": 1})[:-3])
    loop: list[object] = []
    loop.append(loop)
    assert loads_plain(pickle.dumps(loop))[0] is not None
