from __future__ import annotations

import time

import pytest

from app.core.hashing.pipeline import InlineFeeder, ThreadFeeder


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
