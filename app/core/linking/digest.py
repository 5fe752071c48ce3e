"""The one place linking computes a file's SHA-256 (swap it for a catalog lookup later)."""

from __future__ import annotations

from pathlib import Path

from app.core.tasks import CancelToken, ProgressCallback, no_progress


def sha256_of(
    path: Path, *, cancel: CancelToken | None = None, progress: ProgressCallback = no_progress
) -> str:
    """Full-file SHA-256, cancellable between blocks."""
    from app.core.hashing.hasher import hash_file

    return hash_file(Path(path), progress=progress, cancel=cancel, blake3=False).sha256
