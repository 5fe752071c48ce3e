"""The bounded JSON loader: its structure scan, its limits, and its strict (serde) mode."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading

import pytest

from app.core import bounded_json as bj
from app.core.bounded_json import BoundedJsonError, load_path_bounded, loads_bounded


def _reference(raw: bytes) -> tuple[int, int]:
    """Depth and value count by walking the JSON grammar byte by byte."""
    depth = deepest = values = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
            values += 1
        elif byte in b"]}":
            depth -= 1
        elif byte == 0x2C:
            values += 1
    return deepest, values


def _measured(raw: bytes) -> tuple[int, int]:
    """The smallest depth and value limits measure_structure accepts for ``raw``."""
    depth = next(d for d in range(64) if _accepts(raw, max_depth=d, max_values=10**9))
    values = next(v for v in range(1000) if _accepts(raw, max_depth=10**9, max_values=v))
    return depth, values


def _accepts(raw: bytes, **limits: int) -> bool:
    try:
        bj.measure_structure(raw, **limits)
    except BoundedJsonError:
        return False
    return True


def _random_json_text(rng: random.Random) -> bytes:
    """Brackets and commas around strings full of brackets, quotes and backslash escapes."""
    pieces = []
    for _ in range(rng.randint(0, 25)):
        if rng.random() < 0.6:
            pieces.append(rng.choice([b"[", b"]", b"{", b"}", b",", b"1", b" "]))
        else:
            body = [rng.choice([b"a", b"[", b"}", b",", b"\\\\", b'\\"', b"\\n"]) for _ in range(8)]
            pieces.append(b'"' + b"".join(body[: rng.randint(0, 8)]) + b'"')
    return b"".join(pieces)


def test_structure_scan_matches_the_grammar_across_chunk_boundaries(monkeypatch):
    rng = random.Random(7)
    for _ in range(300):
        raw = _random_json_text(rng)
        monkeypatch.setattr(bj, "_CHUNK", rng.choice([1, 2, 3, 5, 8, 64]))
        deepest, values = _reference(raw)
        assert _measured(raw) == (max(deepest, 0), values), raw


def test_a_backslash_run_split_across_chunks_keeps_its_parity(monkeypatch):
    monkeypatch.setattr(bj, "_CHUNK", 3)
    # '["\\\\\\"[[[[" ]': three escaped characters, the quote among them, then brackets in text
    raw = b'["' + b"\\\\" + b'\\"' + b'[[[["]'
    assert _measured(raw) == (1, 1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 65 + "]" * 65, bj.REASON_TOO_DEEP),
        ("[" + ",".join(["0"] * 101) + "]", bj.REASON_TOO_MANY_VALUES),
        ("[" + "9" * 30 + "]", bj.REASON_BAD_NUMBER),
        ("[1.0" + "0" * 2000 + "]", bj.REASON_BAD_NUMBER),
        ("{broken", bj.REASON_INVALID),
    ],
)
def test_each_limit_has_its_reason(text, reason):
    with pytest.raises(BoundedJsonError) as info:
        loads_bounded(text, max_values=100, max_int_digits=20)
    assert info.value.reason == reason
    assert str(info.value) == info.value.message


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"tags": "[" * 10_000 + "{" * 10_000, "q": '\\"[[[' * 1000})
    assert loads_bounded(text, max_depth=2, max_values=5) == json.loads(text)


def test_strict_mode_reads_numbers_and_keys_as_serde_does():
    lax = loads_bounded('{"a": NaN, "b": 1e400, "c": -0, "c": 1}')  # what json.loads gives
    assert lax["a"] != lax["a"] and lax["b"] == float("inf") and lax["c"] == 1
    for text, words in [
        ('{"a": NaN}', "holds NaN"),
        ('{"b": 1e400}', "beyond float64's range"),
        ('{"c": 1, "c": 2}', "names the key 'c' twice"),
    ]:
        with pytest.raises(BoundedJsonError, match=words):
            loads_bounded(text, strict=True)
    value = loads_bounded("[-0]", strict=True)[0]
    assert isinstance(value, float) and str(value) == "-0.0"


def test_bytes_must_be_utf8_and_size_is_checked_first():
    with pytest.raises(BoundedJsonError, match="not UTF-8"):
        loads_bounded(b'{"a": "\xff"}')
    with pytest.raises(BoundedJsonError) as info:
        loads_bounded(b"[" * 100, max_bytes=50)
    assert info.value.reason == bj.REASON_TOO_LARGE


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            load_path_bounded(fifo)
        except BaseException as exc:  # noqa: BLE001 (handed to the test thread)
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(20)  # a hang guard: a blocking open would never return
    assert not reader.is_alive()
    assert isinstance(outcome[0], BoundedJsonError)
    assert outcome[0].reason == bj.REASON_NOT_A_FILE


def test_a_file_larger_than_the_limit_is_not_read_whole(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b'["' + b"x" * 5000 + b'"]')
    with pytest.raises(BoundedJsonError, match="larger than 1,000 bytes"):
        load_path_bounded(path, max_bytes=1000)
    assert load_path_bounded(path, max_bytes=6000) == ["x" * 5000]


def _outcome(text: bytes, **limits: int) -> tuple[str, object]:
    try:
        return "value", repr(loads_bounded(text, **limits))  # repr: NaN equals itself
    except BoundedJsonError as exc:
        return exc.reason, exc.message


def test_small_documents_parsed_first_get_the_answers_the_scan_gave(monkeypatch):
    rng = random.Random(11)
    texts = [_random_json_text(rng) for _ in range(400)]
    texts += [b"[" * 64 + b"]" * 64, b"[" * 65 + b"]" * 65, b'{"a": [' * 40 + b"1" + b"]}" * 40]
    texts += [b'{"a": 1, "a": 2}', b"[NaN]", b"[" + b"9" * 30 + b"]", b'["\xff"]', b"[1,]"]
    for strict in (False, True):
        for depth in (1, 3, 64):
            limits = {"max_depth": depth, "max_int_digits": 20, "strict": strict}
            fast = [_outcome(t, **limits) for t in texts]
            monkeypatch.setattr(bj, "FAST_MAX_BYTES", 0)  # every document scanned first
            scanned = [_outcome(t, **limits) for t in texts]
            monkeypatch.undo()
            assert fast == scanned


def test_depth_is_checked_on_the_parsed_value_too():
    assert loads_bounded("[" * 64 + "]" * 64) is not None
    with pytest.raises(BoundedJsonError) as info:
        loads_bounded("[" * 65 + "]" * 65)  # small enough to be parsed before it is measured
    assert info.value.reason == bj.REASON_TOO_DEEP
    assert bj.nesting_depth({"a": [1, {"b": []}], "c": "[[["}, limit=64) == 4
    assert bj.nesting_depth([[[]]], limit=1) == 2  # stops one past the limit


def test_a_header_sized_document_needs_no_numpy_and_a_large_one_is_scanned():
    header = {
        f"decoder.up.{i}.weight": {
            "dtype": "F16",
            "shape": [512, 512, 3, 3],
            "data_offsets": [i, i + 1],
        }
        for i in range(300)
    }
    code = (
        "import json, sys\n"
        "from app.core.bounded_json import loads_bounded\n"
        f"small = json.dumps({header!r}).encode()\n"
        "assert loads_bounded(small, strict=True)\n"
        "before = 'numpy' in sys.modules\n"
        "loads_bounded(b'[' + b'0,' * 600_000 + b'0]', max_values=2_000_000)\n"
        "print(before, 'numpy' in sys.modules)\n"
    )  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()
    assert out == ["False", "True"]
