"""The one streaming-hash engine: every digest of one byte stream, fed block by block.

:class:`DigestSet` holds SHA-256, BLAKE3, A1111's AutoV1 window and, when asked,
a SHA-256 of the stream's tail (the safetensors "addnet" hash), and hands each
block to them in order, SHA-256 (and the tail, and BLAKE3 where wanted) each on
its own thread. Two kinds of callers push blocks into it:
:func:`~app.core.hashing.hasher.hash_file`, which reads a file into a ring of
buffers (:func:`feed_file`), and a download, which pushes the chunks it gets
from the socket (:class:`~app.core.downloads.hashing.StreamHasher`).

The ring works without copies. The reader owns N buffers. Before it refills a
buffer it calls :meth:`DigestSet.reserve` (each :class:`ThreadFeeder` allows at
most N blocks in flight), so by the time block k is read into slot k mod N, the
workers have finished block k - N that used the slot before. Chunks that are
never reused (``bytes`` from a socket) go through :meth:`DigestSet.update`,
which reserves and feeds in one call; the slots then only bound the memory held.
"""

from __future__ import annotations

import hashlib
import mmap
import queue
import threading
from collections.abc import Callable
from io import FileIO
from typing import TYPE_CHECKING, Protocol

from blake3 import blake3 as Blake3

from app.core.hashing.records import FileHashes
from app.core.tasks import CancelToken, ProgressCallback, no_progress

if TYPE_CHECKING:
    from hashlib import _Hash

Update = Callable[[memoryview], object]

AUTOV1_OFFSET = 0x100000
AUTOV1_LENGTH = 0x10000
RING_SLOTS = 4
"""Blocks in flight per threaded digest (and buffers in a reader's ring)."""


class BlockFeeder(Protocol):
    """Something that consumes blocks in order: a digest's ``update``, maybe threaded."""

    def reserve(self) -> None:
        """Wait until a ring slot this feeder may still be reading is free."""

    def feed(self, block: memoryview) -> None:
        """Queue ``block`` (possibly empty) for the digest; exactly one per reserve."""

    def finish(self) -> None:
        """Wait for every fed block to be digested; re-raise a worker's error."""

    def close(self) -> None:
        """Stop the worker (idempotent); called on success, error and cancellation."""


class InlineFeeder:
    """Digest on the reader's thread; used for small files where a thread costs more."""

    def __init__(self, update: Update) -> None:
        self._update = update

    def reserve(self) -> None:
        """Nothing is in flight, so there is nothing to wait for."""

    def feed(self, block: memoryview) -> None:
        """Digest now."""
        if block:
            self._update(block)

    def finish(self) -> None:
        """Already done."""

    def close(self) -> None:
        """No thread to stop."""


class ThreadFeeder:
    """Digest on a worker thread, at most ``slots`` blocks behind the reader."""

    def __init__(self, update: Update, slots: int, *, name: str = "hash-digest") -> None:
        self._update = update
        self._free = threading.Semaphore(slots)
        self._blocks: queue.SimpleQueue[memoryview | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def _work(self) -> None:
        while (block := self._blocks.get()) is not None:
            try:
                if block and self._error is None:
                    self._update(block)
            except BaseException as exc:  # handed back to the reader in finish()
                self._error = exc
            finally:
                self._free.release()

    def reserve(self) -> None:
        """Block while ``slots`` blocks are still queued or being digested."""
        self._free.acquire()

    def feed(self, block: memoryview) -> None:
        """Queue the block for the worker."""
        self._blocks.put(block)

    def finish(self) -> None:
        """Drain the queue and surface any error from the worker."""
        self.close()
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        """Send the stop marker and join; later calls do nothing."""
        if self._thread.is_alive():
            self._blocks.put(None)
            self._thread.join()


class DigestSet:
    """Every digest of one byte stream, fed in order; the state survives :meth:`close`.

    ``threaded`` runs SHA-256 (and the tail digest) on worker threads: hashlib and
    blake3 release the GIL on large buffers, so the digests, the reads and the
    writes overlap instead of adding up. ``blake3_thread`` gives BLAKE3 its own
    worker too; otherwise it runs on the feeding thread, which is best for a
    reader that only reads (one BLAKE3 thread at ~2.9 GB/s outruns SHA-256 at
    ~1.5 GB/s). Workers start on the first block and are joined by :meth:`close`
    or :meth:`result` (or on leaving a ``with`` block); feeding after
    :meth:`close` starts new ones.
    """

    def __init__(
        self,
        *,
        blake3: bool = True,
        threaded: bool = True,
        blake3_thread: bool = False,
        slots: int = RING_SLOTS,
        thread_name: str = "hash-digest",
    ) -> None:
        self.size = 0
        self.slots = slots
        self._threaded = threaded
        self._blake3_thread = threaded and blake3_thread and blake3
        self._thread_name = thread_name
        self._sha = hashlib.sha256()
        self._blake3 = Blake3() if blake3 else None
        self._autov1 = hashlib.sha256()
        self._tail: tuple[int, _Hash] | None = None
        self._feeders: list[BlockFeeder] = []  # SHA-256's, then the tail's, then BLAKE3's
        self._running = False
        self._reserved = False

    def __enter__(self) -> DigestSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()  # on success, error and cancellation alike: no worker outlives the set

    @property
    def ring_size(self) -> int:
        """How many buffers a reader refilling them in turn needs (``slots`` when threaded)."""
        return self.slots if self._threaded else 1

    def add_tail(self, start: int) -> None:
        """Also digest the stream from offset ``start`` on; only before the first byte."""
        if self.size or self._tail is not None:
            raise ValueError("the tail digest must be added once, before any byte")
        self._tail = (start, hashlib.sha256())
        if self._running:
            feeder = self._feeder(self._tail[1].update)
            self._feeders.insert(1, feeder)  # the order feed() hands blocks out in
            if self._reserved:
                feeder.reserve()  # the slot the pending feed() will use

    def reserve(self) -> None:
        """Wait until every digest may take one more block (before refilling a ring slot).

        Reserving again before the next :meth:`feed` changes nothing.
        """
        if self._reserved:
            return
        if not self._running:
            self._start()
        for feeder in self._feeders:
            feeder.reserve()
        self._reserved = True

    def feed(self, block: memoryview) -> None:
        """Hand ``block``, the stream's next bytes, to every digest; one per :meth:`reserve`."""
        if not self._reserved:
            raise RuntimeError("feed() without reserve()")
        self._reserved = False
        start = self.size
        feeders = iter(self._feeders)
        next(feeders).feed(block)
        if self._tail is not None:
            next(feeders).feed(block[max(0, self._tail[0] - start) :])
        if self._blake3 is not None:
            if self._blake3_thread:
                next(feeders).feed(block)
            else:
                self._blake3.update(block)
        self._autov1.update(_window(block, start, AUTOV1_OFFSET, AUTOV1_LENGTH))
        self.size = start + len(block)

    def update(self, chunk: bytes | bytearray | memoryview) -> None:
        """Add the next chunk; it must never change afterwards (``bytes`` never do)."""
        self.reserve()
        self.feed(memoryview(chunk))

    def close(self) -> None:
        """Let the workers digest what they were given and stop them (idempotent)."""
        for feeder in self._feeders:
            feeder.close()
        self._running = False
        self._reserved = False

    def result(self) -> FileHashes:
        """The hashes of every byte fed so far; re-raises a worker's error."""
        self._finish()
        return FileHashes(
            sha256=self._sha.hexdigest(),
            blake3=self._blake3.hexdigest() if self._blake3 is not None else None,
            autov1=self._autov1.hexdigest()[:8],
            addnet=self._tail[1].hexdigest() if self._tail is not None else None,
        )

    def _finish(self) -> None:
        try:
            for feeder in self._feeders:
                feeder.finish()
        finally:
            self.close()

    def _start(self) -> None:
        self._finish()  # a worker's error from before a close() is not lost
        updates: list[Update] = [self._sha.update]
        if self._tail is not None:
            updates.append(self._tail[1].update)
        if self._blake3 is not None and self._blake3_thread:
            updates.append(self._blake3.update)
        self._feeders = [self._feeder(update) for update in updates]
        self._running = True

    def _feeder(self, update: Update) -> BlockFeeder:
        if self._threaded:
            return ThreadFeeder(update, self.slots, name=self._thread_name)
        return InlineFeeder(update)


def feed_file(
    digests: DigestSet,
    f: FileIO,
    size: int,
    *,
    block_size: int,
    stop_at_size: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    sink: Update | None = None,
    first_block: Callable[[memoryview], object] | None = None,
) -> int:
    """Read ``f`` from its position to its end into ``digests``; return the bytes read.

    ``size`` is the length expected (it sizes the buffers and is the progress
    total); with ``stop_at_size`` no byte past it is read (a ``.part``'s prefix).
    ``first_block`` sees the first block before any digest does (to add a tail
    digest); ``sink`` gets every block after the digests (a copy written in the
    same pass, on this thread, in order).
    """
    # Small files get one right-sized buffer: allocating 32 MiB per tiny file
    # dominated the first scan of a library of small files.
    buffer_size = min(block_size, max(size, 1))
    ring = [_read_buffer(buffer_size) for _ in range(digests.ring_size)]
    done, index = 0, 0
    while not (stop_at_size and done >= size):
        if cancel is not None:
            cancel.raise_if_cancelled()
        digests.reserve()
        buf = ring[index % len(ring)]
        n = f.readinto(buf[: size - done] if stop_at_size else buf)
        if not n:
            break
        block = buf[:n]
        if done == 0 and first_block is not None:
            first_block(block)
        digests.feed(block)
        if sink is not None:
            sink(block)
        done += n
        index += 1
        progress(done, size)
    return done


def _window(block: memoryview, block_start: int, offset: int, length: int) -> memoryview:
    """The part of ``block`` inside the stream range [offset, offset + length)."""
    lo = max(offset - block_start, 0)
    hi = min(offset + length - block_start, len(block))
    return block[lo:hi] if lo < hi else block[:0]


_MAPPED_FROM = 1 << 20  # smaller buffers: one bytearray, no mapping's system calls


def _read_buffer(size: int) -> memoryview:
    """One writable read buffer of ``size`` bytes.

    ``bytearray(size)`` zeroes its pages one page fault at a time: 4 x 8 MiB took
    ~10-15 ms of a 160 MiB import. On Linux a big buffer is an anonymous mapping
    with ``MAP_POPULATE`` instead, faulted in by one call (~6 ms for the same).
    """
    populate = getattr(mmap, "MAP_POPULATE", 0)
    if populate and size >= _MAPPED_FROM:
        flags = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | populate
        return memoryview(mmap.mmap(-1, size, flags=flags))
    return memoryview(bytearray(size))
