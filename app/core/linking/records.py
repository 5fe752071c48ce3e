"""The app's own memory of every link it made, in a small SQLite file.

Unlinking and undo rely on it: a file in a VAE folder is removed only when a
record says the app made it and the file still is what the app made. Kept in
its own database (``links.sqlite3``) so this module stands alone; the schema
version lives in ``PRAGMA user_version``.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserError
from app.core.path_text import path_from_db, path_to_db
from app.core.paths import app_paths

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE operations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created_at REAL NOT NULL,
    undone_at REAL
);
CREATE TABLE links (
    id INTEGER PRIMARY KEY,
    operation_id TEXT NOT NULL REFERENCES operations(id),
    dest TEXT NOT NULL,
    dest_key TEXT NOT NULL,
    source TEXT NOT NULL,
    mode TEXT NOT NULL,
    link_target TEXT,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    dev INTEGER,
    ino INTEGER,
    created_at REAL NOT NULL,
    removed_at REAL
);
CREATE UNIQUE INDEX links_active_dest ON links(dest_key) WHERE removed_at IS NULL;
CREATE INDEX links_operation ON links(operation_id);
CREATE INDEX links_sha256 ON links(sha256);
"""
_COLUMNS = (
    "id, operation_id, dest, source, mode, link_target, sha256, size, dev, ino, "
    "created_at, removed_at"
)


def dest_key(path: Path | str) -> str:
    """How a link path is matched: absolute, normalised, case-folded where the OS is."""
    return os.path.normcase(os.path.normpath(os.path.abspath(path)))


@dataclass(frozen=True)
class LinkRecord:
    """One link the app created (``removed_at`` set once it is gone)."""

    id: int
    operation_id: str
    dest: Path
    source: Path
    mode: str
    link_target: str | None
    sha256: str
    size: int
    dev: int | None
    ino: int | None
    created_at: float
    removed_at: float | None = None

    @classmethod
    def _from_row(cls, row: tuple) -> LinkRecord:
        values = list(row)
        values[2], values[3] = Path(path_from_db(values[2])), Path(path_from_db(values[3]))
        if values[5] is not None:
            values[5] = path_from_db(values[5])
        return cls(*values)


@dataclass(frozen=True)
class Operation:
    """One apply of a link plan; undo works on this unit."""

    id: str
    kind: str
    created_at: float
    undone_at: float | None


class LinkStore:
    """Reads and writes link records; opens a short connection per call (thread-safe)."""

    def __init__(self, db_path: Path | None = None) -> None:
        self.db_path = Path(db_path) if db_path else app_paths().data_dir / "links.sqlite3"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.db_path, timeout=10)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._ensure_schema(conn)
            with conn:
                yield conn
        finally:
            conn.close()

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise UserError(
                f"{self.db_path} was written by a newer version of VAE Manager; update the app."
            )
        with conn:
            conn.executescript(_SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION};")

    def new_operation(self, kind: str = "link") -> str:
        """Start an operation and return its id."""
        op_id = uuid.uuid4().hex[:12]
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO operations (id, kind, created_at) VALUES (?, ?, ?)",
                (op_id, kind, time.time()),
            )
        return op_id

    def add_link(self, operation_id: str, dest: Path, source: Path, mode: str, *,
                 link_target: str | None, sha256: str, size: int,
                 dev: int | None, ino: int | None) -> LinkRecord:  # fmt: skip
        """Record a link right after it was created."""
        now = time.time()
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO links (operation_id, dest, dest_key, source, mode, link_target,"
                " sha256, size, dev, ino, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (operation_id, path_to_db(dest), path_to_db(dest_key(dest)), path_to_db(source),
                 mode, None if link_target is None else path_to_db(link_target),
                 sha256, size, dev, ino, now),
            )  # fmt: skip
            row_id = cur.lastrowid
        return LinkRecord(row_id, operation_id, Path(dest), Path(source), mode, link_target,
                          sha256, size, dev, ino, now)  # fmt: skip

    def _select(self, where: str, args: tuple) -> list[LinkRecord]:
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM links WHERE {where} ORDER BY id", args)
            return [LinkRecord._from_row(r) for r in rows.fetchall()]

    def active_for_dest(self, dest: Path) -> LinkRecord | None:
        """The live record for a link path, if the app made one there."""
        found = self._select("dest_key = ? AND removed_at IS NULL", (path_to_db(dest_key(dest)),))
        return found[0] if found else None

    def active_in_operation(self, operation_id: str) -> list[LinkRecord]:
        """Live links an operation created."""
        return self._select("operation_id = ? AND removed_at IS NULL", (operation_id,))

    def active_links(self) -> list[LinkRecord]:
        """Every live link."""
        return self._select("removed_at IS NULL", ())

    def active_for_source(self, source: Path) -> list[LinkRecord]:
        """Live links made from one library file."""
        return self._select(
            "source = ? AND removed_at IS NULL", (path_to_db(os.path.abspath(source)),)
        )

    def with_sha256(self, sha256: str) -> list[LinkRecord]:
        """Every record (live or not) of a file with this content, newest first."""
        return self._select("sha256 = ?", (sha256,))[::-1]

    def mark_removed(self, record_id: int) -> None:
        """The link is gone (removed by the app, or found missing)."""
        with self._connect() as conn:
            conn.execute("UPDATE links SET removed_at = ? WHERE id = ?", (time.time(), record_id))

    def repoint(self, record_id: int, source: Path, link_target: str) -> None:
        """A repaired symlink now points at the library file's new location."""
        with self._connect() as conn:
            conn.execute(
                "UPDATE links SET source = ?, link_target = ? WHERE id = ?",
                (path_to_db(source), path_to_db(link_target), record_id),
            )

    def operation(self, operation_id: str) -> Operation | None:
        """One operation by id."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT id, kind, created_at, undone_at FROM operations WHERE id = ?",
                (operation_id,),
            ).fetchone()
        return Operation(*row) if row else None

    def operations(self, limit: int = 50) -> list[Operation]:
        """Recent operations, newest first (for an undo menu)."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, kind, created_at, undone_at FROM operations"
                " ORDER BY created_at DESC, rowid DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [Operation(*r) for r in rows]

    def mark_undone(self, operation_id: str) -> None:
        """Remember that an operation was undone."""
        with self._connect() as conn:
            conn.execute(
                "UPDATE operations SET undone_at = ? WHERE id = ?", (time.time(), operation_id)
            )
