"""Every ID a model file is known by, from one streaming read of its bytes.

SHA-256 (Civitai, A1111, Hugging Face), BLAKE3 (Civitai by-hash, Stability
Matrix, InvokeAI), A1111's legacy AutoV1 and, for LoRAs, the safetensors
"addnet" hash are all fed from the same buffers, so a 7 GB checkpoint is read
once, by the app's one streaming-hash engine (:class:`~app.core.hashing.pipeline.DigestSet`,
which a download feeds from the socket too). SHA-256 runs on a worker thread
(hashlib and blake3 release the GIL on large buffers) while the calling thread
reads the next block and feeds BLAKE3, so the wall time is about that of SHA-256
alone, and memory stays at a few blocks.

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
from typing import Protocol

from app.core.hashing.lora_header import MAX_SNIFFED_HEADER, is_lora_header
from app.core.hashing.pipeline import AUTOV1_LENGTH, AUTOV1_OFFSET, DigestSet, feed_file
from app.core.hashing.records import FileHashes
from app.core.safe_open import open_regular
from app.core.tasks import CancelToken, ProgressCallback, no_progress

BLOCK_SIZE = 8 << 20
"""Read size. With one SHA-256 worker, fewer hand-offs beat cache reuse: on the 2-core Xeon a
warm 2 GiB file hashed (SHA-256 + BLAKE3) in 1.27 s with 2 MiB blocks, 1.17 s with 4 MiB,
1.11 s with 8 MiB and 1.30 s with 16 MiB (medians of 5; ``openssl dgst`` took 1.38 s)."""


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
        size = os.fstat(f.fileno()).st_size - start
        with DigestSet(blake3=False, threaded=size > BLOCK_SIZE) as digests:
            feed_file(digests, f, size, block_size=BLOCK_SIZE)
            return digests.result().sha256


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
        # Small files are digested on this thread: a worker costs more than it saves.
        with DigestSet(blake3=blake3, threaded=size > block_size) as digests:
            feed_file(
                digests,
                f,
                size,
                block_size=block_size,
                progress=progress,
                cancel=cancel,
                sink=sink,
                first_block=_addnet_starter(digests, f, size, wanted),
            )
            return digests.result()


def _advise_sequential(fd: int) -> None:
    """Tell the kernel to read ahead aggressively; a hint, so failures are ignored."""
    if hasattr(os, "posix_fadvise"):
        with contextlib.suppress(OSError):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)


def _addnet_starter(
    digests: DigestSet, f: FileIO, size: int, wanted: bool | None
) -> Callable[[memoryview], None] | None:
    """What adds the addnet digest after the first block, if it is wanted.

    ``wanted`` None decides from the JSON header whether the file is a LoRA.
    """
    if wanted is False:
        return None

    def start(first: memoryview) -> None:
        begin = _addnet_start(bytes(first[:8]), size)
        if begin is not None and (wanted or _names_lora(f, first, begin)):
            digests.add_tail(begin)

    return start


def _names_lora(f: FileIO, first: memoryview, start: int) -> bool:
    """Whether the JSON header (in ``first``, or read past it) names LoRA weights."""
    if start <= len(first):
        return is_lora_header(first[8:start])
    if start > MAX_SNIFFED_HEADER:
        return False
    return is_lora_header(os.pread(f.fileno(), start - 8, 8))
