"""Hand the same read buffers to several digests, each on its own thread if wanted.

The reader owns a ring of N buffers. Before it refills a buffer it calls
:meth:`BlockFeeder.reserve` on every feeder; a :class:`ThreadFeeder` allows at
most N blocks in flight, so by the time block k is read into slot k mod N, the
worker has finished block k - N that used the slot before. No copies are made.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Protocol

Update = Callable[[memoryview], object]


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

    def __init__(self, update: Update, slots: int) -> None:
        self._update = update
        self._free = threading.Semaphore(slots)
        self._blocks: queue.SimpleQueue[memoryview | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="hash-digest", daemon=True)
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
