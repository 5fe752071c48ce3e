"""Every ID a model file is known by, from one streaming read of its bytes.

SHA-256 (Civitai, A1111, Hugging Face), BLAKE3 (Civitai by-hash, Stability
Matrix, InvokeAI), A1111's legacy AutoV1 and the safetensors "addnet" hash are
all fed from the same buffers, so a 7 GB checkpoint is read once. The SHA-256
digests run on worker threads (hashlib and blake3 release the GIL on large
buffers) while the calling thread reads the next block and feeds BLAKE3, so the
wall time is about that of SHA-256 alone, and memory stays at a few blocks.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
from collections.abc import Callable
from io import FileIO
from pathlib import Path

from blake3 import blake3 as Blake3

from app.core.hashing.pipeline import BlockFeeder, InlineFeeder, ThreadFeeder
from app.core.hashing.records import FileHashes
from app.core.safe_open import open_regular
from app.core.tasks import CancelToken, ProgressCallback, no_progress

BLOCK_SIZE = 1 << 20
"""Read size; 1 MiB keeps each block in cache while three digests read it (see benchmarks)."""

AUTOV1_OFFSET = 0x100000
AUTOV1_LENGTH = 0x10000
_BUFFERS = 4


def autov2(sha256: str) -> str:
    """AutoV2, the short hash Civitai and A1111 show: first 10 hex of the SHA-256."""
    return sha256[:10]


def autov1_of(path: Path) -> str:
    """A1111's legacy ``model_hash``: SHA-256 of 64 KiB at 1 MiB, first 8 hex."""
    with open_regular(path) as f:  # never a FIFO or /dev/zero: reading those never ends
        f.seek(AUTOV1_OFFSET)
        return hashlib.sha256(f.read(AUTOV1_LENGTH)).hexdigest()[:8]


def addnet_of(path: Path) -> str | None:
    """The safetensors hash that skips the JSON header; None if the header is invalid."""
    with open_regular(path, buffering=0) as f:
        start = _addnet_start(f.read(8), os.fstat(f.fileno()).st_size)
        if start is None:
            return None
        f.seek(start)
        return hashlib.file_digest(f, "sha256").hexdigest()


def _addnet_start(first_bytes: bytes, size: int) -> int | None:
    """Offset where the tensor data begins, or None when no header fits the file."""
    if len(first_bytes) < 8:
        return None
    (header_len,) = struct.unpack("<Q", first_bytes[:8])
    start = header_len + 8
    return start if start <= size else None


def hash_file(
    path: Path,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    blake3: bool = True,
    block_size: int = BLOCK_SIZE,
) -> FileHashes:
    """Hash ``path`` in one pass; progress after each block; raise Cancelled when asked.

    ``addnet`` is computed only for ``.safetensors`` files (it is defined on them).
    Raises :class:`~app.core.safe_open.NotRegularFile` for a FIFO, socket or device.
    """
    with open_regular(path, buffering=0) as f:
        size = os.fstat(f.fileno()).st_size
        _advise_sequential(f.fileno())
        run = _Run(f, size, block_size, safetensors=Path(path).suffix.lower() == ".safetensors")
        return run.hash_all(progress, cancel, with_blake3=blake3)


def _advise_sequential(fd: int) -> None:
    """Tell the kernel to read ahead aggressively; a hint, so failures are ignored."""
    if hasattr(os, "posix_fadvise"):
        with contextlib.suppress(OSError):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)


class _Run:
    """One file's hashing: a ring of buffers feeding each digest."""

    def __init__(self, f: FileIO, size: int, block_size: int, *, safetensors: bool) -> None:
        self.f = f
        self.size = size
        self.block_size = block_size
        self.safetensors = safetensors
        self.threaded = size > block_size

    def _feeder(self, update: Callable[[memoryview], object]) -> BlockFeeder:
        return ThreadFeeder(update, _BUFFERS) if self.threaded else InlineFeeder(update)

    def hash_all(
        self, progress: ProgressCallback, cancel: CancelToken | None, *, with_blake3: bool
    ) -> FileHashes:
        sha = hashlib.sha256()
        addnet = hashlib.sha256() if self.safetensors else None
        # One BLAKE3 thread (~2.9 GB/s) already outruns SHA-256 (~1.5 GB/s with SHA-NI);
        # max_threads > 1 would only take cores from the SHA-256 workers.
        b3 = Blake3() if with_blake3 else None
        autov1 = hashlib.sha256()
        feeders = [self._feeder(sha.update)]
        if addnet is not None:
            feeders.append(self._feeder(addnet.update))
        try:
            addnet_start = self._stream(feeders, b3, autov1, progress, cancel)
            for feeder in feeders:
                feeder.finish()
        finally:
            for feeder in feeders:
                feeder.close()
        return FileHashes(
            sha256=sha.hexdigest(),
            blake3=b3.hexdigest() if b3 is not None else None,
            autov1=autov1.hexdigest()[:8],
            addnet=addnet.hexdigest() if addnet is not None and addnet_start is not None else None,
        )

    def _stream(
        self,
        feeders: list[BlockFeeder],
        b3: Blake3 | None,
        autov1: hashlib._Hash,
        progress: ProgressCallback,
        cancel: CancelToken | None,
    ) -> int | None:
        """Read every block once and hand it to each digest; returns the addnet start."""
        # Small files get one right-sized buffer: allocating 4 MiB per tiny file
        # dominated the first scan of a library of small files.
        buffer_size = min(self.block_size, max(self.size, 1))
        ring = [memoryview(bytearray(buffer_size)) for _ in range(_BUFFERS if self.threaded else 1)]
        done, index, addnet_start = 0, 0, None
        while True:
            if cancel is not None:
                cancel.raise_if_cancelled()
            for feeder in feeders:
                feeder.reserve()
            buf = ring[index % len(ring)]
            n = self.f.readinto(buf)
            if not n:
                break
            block = buf[:n]
            if done == 0 and self.safetensors:
                addnet_start = _addnet_start(bytes(block[:8]), self.size)
            feeders[0].feed(block)
            if len(feeders) > 1:
                feeders[1].feed(_tail(block, done, addnet_start))
            if b3 is not None:
                b3.update(block)
            autov1.update(_window(block, done, AUTOV1_OFFSET, AUTOV1_LENGTH))
            done += n
            index += 1
            progress(done, self.size)
        return addnet_start


def _tail(block: memoryview, block_start: int, start: int | None) -> memoryview:
    """The part of ``block`` at or after file offset ``start`` (empty when None)."""
    if start is None:
        return block[:0]
    return block[max(0, start - block_start) :]


def _window(block: memoryview, block_start: int, offset: int, length: int) -> memoryview:
    """The part of ``block`` inside the file range [offset, offset + length)."""
    lo = max(offset - block_start, 0)
    hi = min(offset + length - block_start, len(block))
    return block[lo:hi] if lo < hi else block[:0]
