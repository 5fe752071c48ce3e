"""Hash bytes as they stream past, so a downloaded file is never read twice.

SHA-256 is what registries pin and Civitai shows, BLAKE3 what the catalog
keys fast lookups on, and ``autov1`` (A1111's legacy ``model_hash``: SHA-256 of
the 64 KiB at offset 1 MiB) falls out of the same pass for free.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import blake3

from app.core.hashing.hasher import AUTOV1_LENGTH, AUTOV1_OFFSET
from app.core.tasks import CancelToken

_READ_CHUNK = 1 << 20
_QUEUE_DEPTH = 16


class _Hash(Protocol):
    def update(self, data: bytes | memoryview, /) -> object: ...
    def hexdigest(self) -> str: ...


@dataclass(frozen=True)
class Digests:
    """The hashes of one complete byte stream."""

    sha256: str
    blake3: str
    autov1: str
    size: int


class _HashWorker:
    """Feeds one hash on its own thread.

    hashlib and blake3 release the GIL on big buffers, so SHA-256, BLAKE3 and
    the socket and disk work overlap instead of adding up.
    """

    def __init__(self, hasher: _Hash) -> None:
        self._hasher = hasher
        self._queue: queue.Queue[bytes | memoryview | None] = queue.Queue(maxsize=_QUEUE_DEPTH)
        self._thread: threading.Thread | None = None

    def feed(self, chunk: bytes | memoryview) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="download-hash", daemon=True)
            self._thread.start()
        self._queue.put(chunk)

    def hexdigest(self) -> str:
        self.stop()
        return self._hasher.hexdigest()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            self._hasher.update(chunk)


class StreamHasher:
    """SHA-256 + BLAKE3 + autov1 over consecutive chunks (chunks must not be mutated)."""

    def __init__(self) -> None:
        self._sha = _HashWorker(hashlib.sha256())
        self._blake = _HashWorker(blake3.blake3())
        self._window = bytearray()
        self.size = 0

    def update(self, chunk: bytes | memoryview) -> None:
        """Add the next chunk of the stream."""
        self._sha.feed(chunk)
        self._blake.feed(chunk)
        self._take_window(chunk)
        self.size += len(chunk)

    def close(self) -> None:
        """Stop the hashing threads (the state is kept; :meth:`update` restarts them)."""
        self._sha.stop()
        self._blake.stop()

    def _take_window(self, chunk: bytes | memoryview) -> None:
        end = self.size + len(chunk)
        if end <= AUTOV1_OFFSET or self.size >= AUTOV1_OFFSET + AUTOV1_LENGTH:
            return
        lo = max(AUTOV1_OFFSET - self.size, 0)
        hi = min(AUTOV1_OFFSET + AUTOV1_LENGTH - self.size, len(chunk))
        self._window += chunk[lo:hi]

    def digests(self) -> Digests:
        """The hashes of everything added so far (waits for the hashing threads)."""
        return Digests(
            sha256=self._sha.hexdigest(),
            blake3=self._blake.hexdigest(),
            autov1=hashlib.sha256(bytes(self._window)).hexdigest()[:8],
            size=self.size,
        )


def hash_prefix(path: Path, length: int, cancel: CancelToken | None = None) -> StreamHasher:
    """Hash the first ``length`` bytes of a file (a ``.part`` being resumed)."""
    hasher = StreamHasher()
    try:
        with path.open("rb", buffering=0) as handle:
            while hasher.size < length:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                chunk = handle.read(min(_READ_CHUNK, length - hasher.size))
                if not chunk:
                    raise OSError(f"{path} shrank while it was being read")
                hasher.update(chunk)
    except BaseException:
        hasher.close()
        raise
    return hasher
