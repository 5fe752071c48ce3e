"""Catalog a file whose hashes are already known, without reading it again.

A download is hashed while it streams; reading a 300 MB file a second time just
to catalog it would double the wait. The scanner is reused as is, with a hasher
that answers from the known hashes for that one file.
"""

from __future__ import annotations

from pathlib import Path

from app.core.catalog.records import ScanReport
from app.core.catalog.scanner import Scanner
from app.core.catalog.store import Catalog
from app.core.hashing.hasher import hash_file
from app.core.hashing.records import FileHashes
from app.core.registry import Registry
from app.core.tasks import CancelToken, ProgressCallback, no_progress


def catalog_known_file(
    catalog: Catalog, path: Path, hashes: FileHashes, *, registry: Registry | None = None
) -> ScanReport:
    """Add ``path`` (and anything new beside it) to the catalog, reusing ``hashes`` for it."""
    target = Path(path).resolve()

    def hasher(
        candidate: Path,
        /,
        *,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        blake3: bool = True,
    ) -> FileHashes:
        if Path(candidate).resolve() == target:
            return hashes
        return hash_file(candidate, progress=progress, cancel=cancel, blake3=blake3)

    scanner = Scanner(catalog, registry=registry, hasher=hasher)
    return scanner.scan([target.parent])
