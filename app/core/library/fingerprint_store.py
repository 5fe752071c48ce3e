"""Decoder fingerprints by file SHA-256, in a small SQLite file beside the catalog.

Kept apart from the catalog database so the catalog's schema and migrations
stay the catalog's own; a file's fingerprint never changes, so a row is written
once and read many times. A NULL fingerprint records "no decoder in this file",
so it is not looked for again.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from app.core.library.fingerprint import FINGERPRINT_VERSION
from app.core.sqlite_db import Database

FILE_NAME = "fingerprints.sqlite3"
NAME = "fingerprint"
MIGRATIONS = (
    """
    CREATE TABLE IF NOT EXISTS fingerprints (
        sha256 TEXT PRIMARY KEY,
        fingerprint TEXT,
        version TEXT NOT NULL,
        computed_at REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS fingerprints_value ON fingerprints (fingerprint);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class Stored:
    """A stored result: the fingerprint, or None when the file has no decoder."""

    fingerprint: str | None


class FingerprintStore:
    """Reads and writes fingerprints over one connection, opened on first use (thread-safe)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self._db: Database | None = None
        self._opening = threading.Lock()

    @classmethod
    def beside(cls, catalog_db: Path) -> FingerprintStore:
        """The store that belongs to the catalog database at ``catalog_db``."""
        return cls(Path(catalog_db).with_name(FILE_NAME))

    def close(self) -> None:
        """Close the connection (a later call opens it again)."""
        with self._opening:
            db, self._db = self._db, None
        if db is not None:
            db.close()

    def __enter__(self) -> FingerprintStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _database(self) -> Database:
        with self._opening:
            if self._db is None:
                way_out = (
                    f"It only caches decoder fingerprints: move {self.db_path} aside and "
                    "they are worked out again."
                )
                self._db = Database(self.db_path, MIGRATIONS, name=NAME, way_out=way_out)
            return self._db

    def get(self, sha256: str) -> Stored | None:
        """What was stored for this file, or None when it was never computed."""
        row = self._database().fetchone(
            "SELECT fingerprint FROM fingerprints WHERE sha256 = ? AND version = ?",
            (sha256, FINGERPRINT_VERSION),
        )
        return None if row is None else Stored(row[0])

    def put(self, sha256: str, fingerprint: str | None) -> None:
        """Remember the fingerprint of the file with this SHA-256."""
        with self._database().transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO fingerprints (sha256, fingerprint, version, computed_at) "
                "VALUES (?, ?, ?, ?)",
                (sha256, fingerprint, FINGERPRINT_VERSION, time.time()),
            )

    def with_fingerprint(self, fingerprint: str) -> list[str]:
        """SHA-256s of every file known to carry this decoder."""
        rows = self._database().fetchall(
            "SELECT sha256 FROM fingerprints WHERE fingerprint = ? AND version = ? ORDER BY sha256",
            (fingerprint, FINGERPRINT_VERSION),
        )
        return [str(r[0]) for r in rows]

    def missing(self, sha256s: list[str]) -> list[str]:
        """Those of ``sha256s`` with nothing stored yet, in the given order."""
        rows = self._database().fetchall(
            "SELECT sha256 FROM fingerprints WHERE version = ?", (FINGERPRINT_VERSION,)
        )
        have = {row[0] for row in rows}
        return [sha for sha in sha256s if sha not in have]
