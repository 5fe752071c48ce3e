"""Decoder fingerprints by file SHA-256, in a small SQLite file beside the catalog.

Kept apart from the catalog database so the catalog's schema and migrations
stay the catalog's own; a file's fingerprint never changes, so a row is written
once and read many times. A NULL fingerprint records "no decoder in this file",
so it is not looked for again.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserError
from app.core.library.fingerprint import FINGERPRINT_VERSION

FILE_NAME = "fingerprints.sqlite3"
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS fingerprints (
    sha256 TEXT PRIMARY KEY,
    fingerprint TEXT,
    version TEXT NOT NULL,
    computed_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS fingerprints_value ON fingerprints (fingerprint);
"""


@dataclass(frozen=True)
class Stored:
    """A stored result: the fingerprint, or None when the file has no decoder."""

    fingerprint: str | None


class FingerprintStore:
    """Reads and writes fingerprints; one short connection per call (thread-safe)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)

    @classmethod
    def beside(cls, catalog_db: Path) -> FingerprintStore:
        """The store that belongs to the catalog database at ``catalog_db``."""
        return cls(Path(catalog_db).with_name(FILE_NAME))

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.db_path, timeout=10)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise UserError(f"{self.db_path} was written by a newer version of the app")
            if version < SCHEMA_VERSION:
                with conn:
                    conn.executescript(_SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION};")
            with conn:
                yield conn
        finally:
            conn.close()

    def get(self, sha256: str) -> Stored | None:
        """What was stored for this file, or None when it was never computed."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT fingerprint FROM fingerprints WHERE sha256 = ? AND version = ?",
                (sha256, FINGERPRINT_VERSION),
            ).fetchone()
        return None if row is None else Stored(row[0])

    def put(self, sha256: str, fingerprint: str | None) -> None:
        """Remember the fingerprint of the file with this SHA-256."""
        with self._connect() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO fingerprints (sha256, fingerprint, version, computed_at) "
                "VALUES (?, ?, ?, ?)",
                (sha256, fingerprint, FINGERPRINT_VERSION, time.time()),
            )

    def with_fingerprint(self, fingerprint: str) -> list[str]:
        """SHA-256s of every file known to carry this decoder."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT sha256 FROM fingerprints WHERE fingerprint = ? AND version = ? "
                "ORDER BY sha256",
                (fingerprint, FINGERPRINT_VERSION),
            ).fetchall()
        return [r[0] for r in rows]

    def missing(self, sha256s: list[str]) -> list[str]:
        """Those of ``sha256s`` with nothing stored yet, in the given order."""
        with self._connect() as conn:
            have = {
                row[0]
                for row in conn.execute(
                    "SELECT sha256 FROM fingerprints WHERE version = ?", (FINGERPRINT_VERSION,)
                )
            }
        return [sha for sha in sha256s if sha not in have]
