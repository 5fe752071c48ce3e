"""What one import run works with, and how a new library file is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.catalog.store import Catalog
from app.core.hashing.hasher import hash_file
from app.core.hashing.records import FileHashes
from app.core.inspection import inspect_path
from app.core.library.catalog_sync import record_file
from app.core.library.fingerprint_store import FingerprintStore
from app.core.registry import Registry
from app.core.tasks import CancelToken, ProgressCallback, no_progress


@dataclass(frozen=True)
class ImportContext:
    """The catalog, registry, fingerprints and library folder an import writes to."""

    catalog: Catalog
    registry: Registry
    store: FingerprintStore
    root: Path
    progress: ProgressCallback = no_progress
    cancel: CancelToken | None = None

    def check_cancel(self) -> None:
        """Raise Cancelled if the user asked to stop."""
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()

    def hashes_of(self, path: Path, progress: ProgressCallback = no_progress) -> FileHashes:
        """The file's hashes: from the catalog when unchanged since cataloged, else computed."""
        st = path.stat()
        cached = self.catalog.cached_hashes_for(path, st.st_size, st.st_mtime_ns)
        if cached is not None:
            return cached
        return hash_file(path, progress=progress, cancel=self.cancel)

    def record_new(self, path: Path, hashes: FileHashes, fingerprint: str | None) -> None:
        """Catalog a file the library just gained, and remember its decoder fingerprint.

        A None fingerprint is not stored: it may mean "could not be read this time".
        """
        record_file(
            self.catalog,
            path,
            hashes=hashes,
            inspection=inspect_path(path),
            registry=self.registry,
            root=path.parent,
        )
        if fingerprint is not None:
            self.store.put(hashes.sha256, fingerprint)
