"""Hash bytes as they stream past, so a downloaded file is never read twice.

SHA-256 is what registries pin and Civitai shows, BLAKE3 what the catalog
keys fast lookups on, and ``autov1`` (A1111's legacy ``model_hash``: SHA-256 of
the 64 KiB at offset 1 MiB) falls out of the same pass for free. The digests
are the app's one streaming-hash engine (:class:`~app.core.hashing.pipeline.DigestSet`),
the same that :func:`~app.core.hashing.hasher.hash_file` feeds from disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.hashing.pipeline import DigestSet, feed_file
from app.core.safe_open import open_regular
from app.core.tasks import CancelToken

_READ_CHUNK = 1 << 20
_QUEUE_DEPTH = 16
"""Chunks in flight per digest: a burst from the socket is absorbed, not waited on."""


@dataclass(frozen=True)
class Digests:
    """The hashes of one complete byte stream."""

    sha256: str
    blake3: str | None  # None only where the blake3 module is missing
    autov1: str
    size: int


class StreamHasher(DigestSet):
    """SHA-256 + BLAKE3 + autov1 over consecutive chunks (chunks must not be mutated).

    Each digest has its own thread: the thread that pushes the chunks also
    writes them to disk and goes back to the socket, so BLAKE3 does not run on it.
    """

    def __init__(self) -> None:
        super().__init__(
            blake3=True, blake3_thread=True, slots=_QUEUE_DEPTH, thread_name="download-hash"
        )

    def digests(self) -> Digests:
        """The hashes of everything added so far (waits for the hashing threads)."""
        hashes = self.result()
        assert hashes.blake3 is not None  # always computed here
        return Digests(hashes.sha256, hashes.blake3, hashes.autov1, self.size)


def hash_prefix(path: Path, length: int, cancel: CancelToken | None = None) -> StreamHasher:
    """Hash the first ``length`` bytes of a file (a ``.part`` being resumed)."""
    hasher = StreamHasher()
    try:
        with open_regular(path, buffering=0) as handle:
            read = feed_file(
                hasher, handle, length, block_size=_READ_CHUNK, stop_at_size=True, cancel=cancel
            )
        if read < length:
            raise OSError(f"{path} shrank while it was being read")
    except BaseException:
        hasher.close()
        raise
    return hasher
