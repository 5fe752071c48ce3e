from __future__ import annotations

import hashlib
import random
import threading
import time
from pathlib import Path

import pytest
from blake3 import blake3

from app.core.hashing.hasher import hash_file
from app.core.hashing.pipeline import DigestSet, InlineFeeder, ThreadFeeder, feed_file


def test_thread_feeder_never_sees_a_refilled_buffer() -> None:
    """A slow digest with a ring of 2 buffers: reserve() must hold the reader back."""
    ring = [memoryview(bytearray(64)) for _ in range(2)]
    seen: list[bytes] = []

    def slow_update(block: memoryview) -> None:
        time.sleep(0.005)
        seen.append(bytes(block))

    feeder = ThreadFeeder(slow_update, slots=len(ring))
    sent = []
    for i in range(12):
        feeder.reserve()
        buf = ring[i % len(ring)]
        buf[:] = bytes([i]) * 64
        sent.append(bytes(buf))
        feeder.feed(buf)
    feeder.finish()
    assert seen == sent


def test_thread_feeder_reraises_the_digest_error() -> None:
    def broken(block: memoryview) -> None:
        raise RuntimeError("digest exploded")

    feeder = ThreadFeeder(broken, slots=2)
    feeder.reserve()
    feeder.feed(memoryview(b"data"))
    with pytest.raises(RuntimeError, match="exploded"):
        feeder.finish()
    feeder.close()


def test_inline_feeder_skips_empty_blocks() -> None:
    got: list[bytes] = []
    feeder = InlineFeeder(lambda b: got.append(bytes(b)))
    feeder.reserve()
    feeder.feed(memoryview(b""))
    feeder.feed(memoryview(b"x"))
    feeder.finish()
    assert got == [b"x"]


MIB = 1 << 20
AUTOV1 = slice(0x100000, 0x110000)


def _expected(data: bytes) -> tuple[str, str, str]:
    return (
        hashlib.sha256(data).hexdigest(),
        blake3(data).hexdigest(),
        hashlib.sha256(data[AUTOV1]).hexdigest()[:8],
    )


def _chunks(data: bytes, seed: int) -> list[bytes]:
    """Irregular chunks, some empty, some ending inside the AutoV1 window."""
    rng = random.Random(seed)
    out, at = [], 0
    while at < len(data):
        size = rng.choice([0, 1, 4095, 65536, 300_000, MIB + 7])
        out.append(data[at : at + size])
        at += size
    return out


@pytest.mark.parametrize(
    ("threaded", "blake3_thread", "slots"),
    [(True, False, 4), (True, True, 16), (True, True, 1), (False, False, 4)],
)
def test_pushed_chunks_hash_like_hashlib_and_like_hash_file(
    tmp_path: Path, threaded: bool, blake3_thread: bool, slots: int
) -> None:
    data = random.Random(3).randbytes(3 * MIB + 12345)
    digests = DigestSet(threaded=threaded, blake3_thread=blake3_thread, slots=slots)
    for chunk in _chunks(data, seed=slots):
        digests.update(chunk)
    pushed = digests.result()
    assert (pushed.sha256, pushed.blake3, pushed.autov1) == _expected(data)
    assert digests.size == len(data) and pushed.addnet is None
    (tmp_path / "same.bin").write_bytes(data)
    assert hash_file(tmp_path / "same.bin", block_size=65536) == pushed


def _workers(name: str) -> int:
    return sum(t.name == name for t in threading.enumerate())


def test_a_closed_digest_set_keeps_its_state_stops_its_threads_and_resumes() -> None:
    data = random.Random(4).randbytes(2 * MIB + 99)
    digests = DigestSet(blake3_thread=True, thread_name="test-digest")
    assert _workers("test-digest") == 0  # threads start with the first block
    digests.update(data[:MIB])
    assert _workers("test-digest") == 2  # SHA-256 and BLAKE3
    digests.close()
    assert _workers("test-digest") == 0
    digests.update(data[MIB:])
    result = digests.result()
    assert (result.sha256, result.blake3, result.autov1) == _expected(data)
    assert _workers("test-digest") == 0


def test_the_tail_digest_covers_the_bytes_from_its_offset_on() -> None:
    data = random.Random(5).randbytes(MIB + 5)
    digests = DigestSet(blake3=False)
    digests.add_tail(70_000)
    for chunk in _chunks(data, seed=9):
        digests.update(chunk)
    result = digests.result()
    assert result.addnet == hashlib.sha256(data[70_000:]).hexdigest()
    assert result.blake3 is None and result.sha256 == hashlib.sha256(data).hexdigest()
    late = DigestSet()
    late.update(b"x")
    with pytest.raises(ValueError, match="before any byte"):
        late.add_tail(0)
    late.close()


@pytest.mark.parametrize("blake3_thread", [False, True])
def test_a_tail_added_after_the_first_reservation_is_fed_like_one_added_before(
    blake3_thread: bool,
) -> None:
    """hash_file adds the addnet digest once it has read the first block into a reserved slot."""
    data = random.Random(7).randbytes(MIB + 3)
    with DigestSet(blake3_thread=blake3_thread, slots=2) as digests:
        digests.reserve()
        digests.add_tail(1000)
        digests.feed(memoryview(data[:65536]))
        digests.update(data[65536:])
        result = digests.result()
    assert result.addnet == hashlib.sha256(data[1000:]).hexdigest()
    assert (result.sha256, result.blake3, result.autov1) == _expected(data)


def test_feeding_without_a_reservation_is_refused() -> None:
    digests = DigestSet()
    with pytest.raises(RuntimeError, match="without reserve"):
        digests.feed(memoryview(b"abc"))
    digests.reserve()
    digests.reserve()  # twice before one feed: still one slot
    digests.feed(memoryview(b"abc"))
    assert digests.result().sha256 == hashlib.sha256(b"abc").hexdigest()


def test_a_file_fed_to_its_size_stops_there_and_to_its_end_reads_all(tmp_path: Path) -> None:
    data = random.Random(6).randbytes(3 * MIB + 1)
    (tmp_path / "f.bin").write_bytes(data)
    for stop, expected in [(True, data[: 2 * MIB + 3]), (False, data)]:
        digests = DigestSet(slots=2)
        with (tmp_path / "f.bin").open("rb", buffering=0) as f:
            read = feed_file(digests, f, 2 * MIB + 3, block_size=65536, stop_at_size=stop)
        assert read == len(expected) == digests.size
        assert digests.result().sha256 == hashlib.sha256(expected).hexdigest()


def test_a_digest_error_in_a_worker_is_raised_by_result() -> None:
    digests = DigestSet(blake3_thread=True)

    class Broken:
        def update(self, block: memoryview) -> None:
            raise MemoryError("digest exploded")

        def hexdigest(self) -> str:
            return ""

    digests._blake3 = Broken()  # type: ignore[assignment]  # the one way to make a digest fail
    digests.update(b"abc")
    digests.close()  # the error outlives a close
    with pytest.raises(MemoryError, match="exploded"):
        digests.result()
