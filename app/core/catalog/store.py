"""The catalog the CLI and the GUI query: every model file seen, where, and what it is.

One :class:`Catalog` wraps one SQLite connection. It may be created on one
thread and used on another, but not by two threads at once: give each worker
its own ``Catalog`` (WAL lets readers run while a scan writes).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from app.core.catalog import queries, writes
from app.core.catalog.db import Migration, open_database
from app.core.catalog.records import (
    CatalogEntry,
    DuplicateGroup,
    LocationRecord,
    PendingHash,
)
from app.core.catalog.schema import MIGRATIONS
from app.core.errors import UserError
from app.core.hashing.provenance import HASH_SOURCE_SELF
from app.core.hashing.records import FileHashes
from app.core.registry import Validation
from app.core.sqlite_db import Database

HASH_SOURCE_COMPUTED = HASH_SOURCE_SELF
MAX_LABEL = 200  # a name a table cell can show; longer is a paste accident


class Catalog:
    """A catalog database, created or upgraded on open."""

    def __init__(self, db_path: Path, *, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        """Open ``db_path``; raises DatabaseProblem (a UserError) when the file is unusable."""
        self.path = Path(db_path)
        self._db = open_database(self.path, migrations)
        self._conn = self._db.connection
        self.backup_path = self._db.backup_path

    # --- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection; the WAL is checkpointed by SQLite on the last close."""
        self._db.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection (errors classified), for the scanner in this package only."""
        return self._conn

    @property
    def database(self) -> Database:
        """The wrapper: schema version, backups."""
        return self._db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write (see :meth:`app.core.sqlite_db.Database.transaction`)."""
        with self._db.transaction() as conn:
            yield conn

    # --- queries ------------------------------------------------------------------------------

    def entries(self) -> list[CatalogEntry]:
        """Every distinct file (hashed or not yet) with its present and missing paths."""
        return queries.entries(self._conn)

    def entry_for_path(self, path: str | Path) -> CatalogEntry | None:
        """The entry a path belongs to, or None when the path was never cataloged."""
        return queries.entry_for_path(self._conn, str(path))

    def locations(self) -> list[LocationRecord]:
        """Every known path, present or missing."""
        return queries.locations(self._conn)

    def locations_missing(self) -> list[LocationRecord]:
        """Paths an earlier scan saw that are gone now."""
        return queries.locations(self._conn, missing_only=True)

    def duplicates(self) -> list[DuplicateGroup]:
        """Separate copies of the same bytes (links to one copy never count)."""
        return queries.duplicates(self._conn)

    def cached_hashes_for(self, path: str | Path, size: int, mtime_ns: int) -> FileHashes | None:
        """Hashes of ``path`` if cataloged with this size and mtime: never hash twice."""
        return queries.cached_hashes(self._conn, str(path), size, mtime_ns)

    def names_for(self, sha256: str) -> list[str]:
        """Every file name these bytes are cataloged under (a verdict weighs them all)."""
        return queries.names_for_sha(self._conn, sha256)

    def pending_hashes(self, limit: int | None = None) -> list[PendingHash]:
        """Locations cataloged without a hash, in the order a background pass should hash them."""
        return queries.pending_hashes(self._conn, limit)

    # --- writes outside a scan ----------------------------------------------------------------

    def record_hash(
        self,
        location: PendingHash,
        hashes: FileHashes,
        validation: Validation,
        *,
        family: str | None = None,
        hash_source: str = HASH_SOURCE_COMPUTED,
    ) -> bool:
        """Store the hash of a pending location; False if it changed since it was cataloged.

        ``family`` defaults to the inspected one; pass the registry-refined family
        when the hash identified an official file.
        """
        inspection = location.inspection
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT size, mtime_ns, file_id FROM locations WHERE id = ?",
                (location.location_id,),
            ).fetchone()
            if row is None or row["file_id"] is not None:
                return False
            if (row["size"], row["mtime_ns"]) != (location.size, location.mtime_ns):
                return False
            if family is None and inspection is not None:
                family = inspection.family
            now = time.time()
            file_row = writes.file_row(
                hashes, hash_source, location.size, inspection, validation, family
            )
            file_id = writes.upsert_file(conn, file_row, now)
            conn.execute(
                "UPDATE locations SET file_id = ?, inspection = NULL, validation = NULL, "
                "validation_message = NULL WHERE id = ?",
                (file_id, location.location_id),
            )
        return True

    def set_label(self, sha256: str, label: str | None) -> None:
        """Give these bytes a name of the user's (None or blank: back to a file's name).

        Raises:
            UserError: no cataloged file has this SHA-256 (it was never hashed, or forgotten).
        """
        label = (label or "").strip() or None
        if label is not None and (len(label) > MAX_LABEL or "\0" in label):
            raise UserError(f"A name must be 1 to {MAX_LABEL} characters without NUL.")
        with self.transaction() as conn:
            if not queries.set_label(conn, sha256, label):
                raise UserError("This file is not in the catalog (hashed) yet; try again later.")

    def forget_missing(self) -> int:
        """Delete missing locations (and content rows left without a path); return the count."""
        with self.transaction() as conn:
            count = conn.execute("DELETE FROM locations WHERE missing = 1").rowcount
            writes.delete_orphan_files(conn)
        return count
