"""Every ID a model file is known by, from one streaming read of its bytes.

SHA-256 (Civitai, A1111, Hugging Face), BLAKE3 (Civitai by-hash, Stability
Matrix, InvokeAI), A1111's legacy AutoV1 and, for LoRAs, the safetensors
"addnet" hash are all fed from the same buffers, so a 7 GB checkpoint is read
once. SHA-256 runs on a worker thread (hashlib and blake3 release the GIL on
large buffers) while the calling thread reads the next block and feeds BLAKE3,
so the wall time is about that of SHA-256 alone, and memory stays at a few blocks.

The addnet hash (A1111's Additional Networks extension names LoRAs by it) is a
second full SHA-256 of almost the same bytes: it is computed only for files
whose header names LoRA weights, or when asked (``addnet=True``), so a VAE costs
one SHA-256 on one core with BLAKE3 and the reading on the other.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
from collections.abc import Callable
from io import FileIO
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from blake3 import blake3 as Blake3

from app.core.hashing.lora_header import MAX_SNIFFED_HEADER, is_lora_header
from app.core.hashing.pipeline import BlockFeeder, InlineFeeder, ThreadFeeder
from app.core.hashing.records import FileHashes
from app.core.safe_open import open_regular
from app.core.tasks import CancelToken, ProgressCallback, no_progress

BLOCK_SIZE = 8 << 20
"""Read size. With one SHA-256 worker, fewer hand-offs beat cache reuse: on the 2-core Xeon a
warm 2 GiB file hashed (SHA-256 + BLAKE3) in 1.27 s with 2 MiB blocks, 1.17 s with 4 MiB,
1.11 s with 8 MiB and 1.30 s with 16 MiB (medians of 5; ``openssl dgst`` took 1.38 s)."""

AUTOV1_OFFSET = 0x100000
AUTOV1_LENGTH = 0x10000
_BUFFERS = 4

if TYPE_CHECKING:
    from hashlib import _Hash


class Hasher(Protocol):
    """What hashes one file: :func:`hash_file`, or a stand-in that reuses known hashes."""

    def __call__(
        self,
        path: Path,
        /,
        *,
        progress: ProgressCallback = ...,
        cancel: CancelToken | None = ...,
        blake3: bool = ...,
    ) -> FileHashes: ...


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
    addnet: bool | None = None,
    sink: Callable[[memoryview], object] | None = None,
) -> FileHashes:
    """Hash ``path`` in one pass; progress after each block; raise Cancelled when asked.

    ``addnet``: None (the default) computes it for ``.safetensors`` LoRAs only, True
    for any ``.safetensors`` file, False never; it stays None where not computed.
    ``sink``, when given, receives every block after it is read (a copy written in
    the same pass); it runs on the reading thread, in order.
    Raises :class:`~app.core.safe_open.NotRegularFile` for a FIFO, socket or device.
    """
    with open_regular(path, buffering=0) as f:
        size = os.fstat(f.fileno()).st_size
        _advise_sequential(f.fileno())
        wanted = addnet if Path(path).suffix.lower() == ".safetensors" else False
        run = _Run(f, size, block_size, addnet=wanted, sink=sink)
        return run.hash_all(progress, cancel, with_blake3=blake3)


def _advise_sequential(fd: int) -> None:
    """Tell the kernel to read ahead aggressively; a hint, so failures are ignored."""
    if hasattr(os, "posix_fadvise"):
        with contextlib.suppress(OSError):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)


class _Run:
    """One file's hashing: a ring of buffers feeding each digest."""

    def __init__(
        self,
        f: FileIO,
        size: int,
        block_size: int,
        *,
        addnet: bool | None,
        sink: Callable[[memoryview], object] | None = None,
    ) -> None:
        self.f = f
        self.size = size
        self.block_size = block_size
        self.addnet = addnet  # None: decided from the header in the first block
        self.sink = sink
        self.threaded = size > block_size

    def _feeder(self, update: Callable[[memoryview], object]) -> BlockFeeder:
        return ThreadFeeder(update, _BUFFERS) if self.threaded else InlineFeeder(update)

    def hash_all(
        self, progress: ProgressCallback, cancel: CancelToken | None, *, with_blake3: bool
    ) -> FileHashes:
        sha = hashlib.sha256()
        # One BLAKE3 thread (~2.9 GB/s) already outruns SHA-256 (~1.5 GB/s with SHA-NI);
        # max_threads > 1 would only take cores from the SHA-256 worker.
        b3 = Blake3() if with_blake3 else None
        autov1 = hashlib.sha256()
        feeders = [self._feeder(sha.update)]
        try:
            addnet = self._stream(feeders, b3, autov1, progress, cancel)
            for feeder in feeders:
                feeder.finish()
        finally:
            for feeder in feeders:
                feeder.close()
        return FileHashes(
            sha256=sha.hexdigest(),
            blake3=b3.hexdigest() if b3 is not None else None,
            autov1=autov1.hexdigest()[:8],
            addnet=addnet.hexdigest() if addnet is not None else None,
        )

    def _start_addnet(
        self, first: memoryview, feeders: list[BlockFeeder]
    ) -> tuple[int, _Hash] | None:
        """After the first block: where addnet starts and its digest, if it is wanted."""
        if self.addnet is False:
            return None
        start = _addnet_start(bytes(first[:8]), self.size)
        if start is None or (self.addnet is None and not self._names_lora(first, start)):
            return None
        digest = hashlib.sha256()
        feeders.append(self._feeder(digest.update))
        return start, digest

    def _names_lora(self, first: memoryview, start: int) -> bool:
        """Whether the JSON header (in ``first``, or read past it) names LoRA weights."""
        if start <= len(first):
            return is_lora_header(first[8:start])
        if start > MAX_SNIFFED_HEADER:
            return False
        return is_lora_header(os.pread(self.f.fileno(), start - 8, 8))

    def _stream(
        self,
        feeders: list[BlockFeeder],
        b3: Blake3 | None,
        autov1: _Hash,
        progress: ProgressCallback,
        cancel: CancelToken | None,
    ) -> _Hash | None:
        """Read every block once and hand it to each digest; returns the addnet digest."""
        # Small files get one right-sized buffer: allocating 32 MiB per tiny file
        # dominated the first scan of a library of small files.
        buffer_size = min(self.block_size, max(self.size, 1))
        ring = [memoryview(bytearray(buffer_size)) for _ in range(_BUFFERS if self.threaded else 1)]
        done, index, addnet = 0, 0, None
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
            if done == 0:
                addnet = self._start_addnet(block, feeders)
                if addnet is not None:
                    feeders[1].reserve()  # the new feeder's first slot
            feeders[0].feed(block)
            if addnet is not None:
                feeders[1].feed(_tail(block, done, addnet[0]))
            if self.sink is not None:
                self.sink(block)
            if b3 is not None:
                b3.update(block)
            autov1.update(_window(block, done, AUTOV1_OFFSET, AUTOV1_LENGTH))
            done += n
            index += 1
            progress(done, self.size)
        return addnet[1] if addnet is not None else None


def _tail(block: memoryview, block_start: int, start: int) -> memoryview:
    """The part of ``block`` at or after file offset ``start``."""
    return block[max(0, start - block_start) :]


def _window(block: memoryview, block_start: int, offset: int, length: int) -> memoryview:
    """The part of ``block`` inside the file range [offset, offset + length)."""
    lo = max(offset - block_start, 0)
    hi = min(offset + length - block_start, len(block))
    return block[lo:hi] if lo < hi else block[:0]
