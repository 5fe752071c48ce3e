"""The app's own memory of every link it made, in a small SQLite file.

Unlinking and undo rely on it: a file in a VAE folder is removed only when a
record says the app made it and the file still is what the app made. Kept in
its own database (``links.sqlite3``), opened through the app's one SQLite
wrapper (:class:`~app.core.sqlite_db.Database`): one connection per store,
numbered migrations in ``PRAGMA user_version`` with a backup of the file
before an upgrade, and a damaged or locked file reported as a
:class:`~app.core.sqlite_db.DatabaseProblem` with its way out.

Schema v2 makes the same file the operations journal
(:mod:`app.core.operations.journal`): operations gain a ``summary`` and a
``steps`` table records each reversible thing an operation did. Migrating a v1
file turns every recorded link into a ``link-created`` step of its operation,
so yesterday's links stay undoable.

Unlike the catalog this file cannot be rebuilt by rescanning: which files are
the app's links is known only from here. Its ways out
(:mod:`app.core.linking.recovery`) are to restore a backup, or to set it aside
and start empty, after which the app treats its old links as the user's own
files and never removes them.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.path_text import path_from_db, path_to_db
from app.core.paths import app_paths
from app.core.sqlite_db import Database, DatabaseProblem, Migration, split_statements

FILE_NAME = "links.sqlite3"
NAME = "links"
WAY_OUT = (
    "It is the only record of which files are the app's links, so it cannot be rebuilt by "
    "rescanning: `vae-manager links restore` puts back the newest backup, or "
    "`vae-manager links set-aside` renames it (nothing is deleted) and starts empty; the app "
    "then forgets which links it made and leaves them alone as your own files."
)
LINK_CREATED = "link-created"
_SCHEMA_V1 = """
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
_V1_TO_V2 = """
ALTER TABLE operations ADD COLUMN summary TEXT NOT NULL DEFAULT '';
CREATE TABLE steps (
    id INTEGER PRIMARY KEY,
    operation_id TEXT NOT NULL REFERENCES operations(id),
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX steps_operation ON steps(operation_id);
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
    def _from_row(cls, row: tuple[Any, ...]) -> LinkRecord:
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


def summary_text(summary: str) -> str:
    """A summary SQLite can store: undecodable name bytes kept as backslash-u escapes."""
    return summary.encode("utf-8", "backslashreplace").decode("utf-8")


def link_step_data(record_id: int, dest: Path | str, source: Path | str) -> str:
    """The JSON of a ``link-created`` step: the link record's id, plus paths to describe it."""
    return json.dumps({"link_id": record_id, "dest": os.fspath(dest), "source": os.fspath(source)})


def _migrate_v1(conn: sqlite3.Connection) -> None:
    """v1 -> v2: every recorded link becomes a ``link-created`` step; summaries from links."""
    # One statement at a time: executescript would commit the wrapper's transaction.
    for statement in split_statements(_V1_TO_V2):
        conn.execute(statement)
    rows = conn.execute(
        "SELECT id, operation_id, dest, source, created_at FROM links ORDER BY id"
    ).fetchall()
    names: dict[str, list[str]] = {}
    for link_id, op_id, dest, source, created in rows:
        dest_s, source_s = path_from_db(dest), path_from_db(source)
        conn.execute(
            "INSERT INTO steps (operation_id, kind, data, created_at) VALUES (?, ?, ?, ?)",
            (op_id, LINK_CREATED, link_step_data(link_id, dest_s, source_s), created),
        )
        names.setdefault(op_id, []).append(Path(source_s).name)
    for op_id, sources in names.items():
        unique = sorted(set(sources))
        what = unique[0] if len(unique) == 1 else f"{len(unique)} files"
        count = len(sources)
        summary = f"link {what} ({count} link{'s' if count != 1 else ''})"
        conn.execute(
            "UPDATE operations SET summary = ? WHERE id = ?", (summary_text(summary), op_id)
        )


# v1: the original schema; v2: the operations journal (summary, steps, links as steps).
# Files written by earlier versions carry the same numbers in user_version.
MIGRATIONS: tuple[Migration, ...] = (_SCHEMA_V1, _migrate_v1)
SCHEMA_VERSION = len(MIGRATIONS)


class LinkStore:
    """Reads and writes link records over one connection, opened on first use (thread-safe).

    Constructing a store touches nothing (the window builds them on its own thread);
    the first call opens, creates or upgrades the file and raises DatabaseProblem
    when it cannot. The connection closes with :meth:`close`, or when the store is
    garbage-collected.
    """

    def __init__(self, db_path: Path | None = None) -> None:
        self.db_path = Path(db_path) if db_path else app_paths().data_dir / FILE_NAME
        self._db: Database | None = None
        self._finalizer: weakref.finalize[[], LinkStore] | None = None
        self._opening = threading.Lock()

    # --- lifetime -----------------------------------------------------------------------------

    @property
    def database(self) -> Database:
        """The open wrapper (opened now if need be): schema version, backup, lock."""
        with self._opening:
            if self._db is None:
                db = Database(self.db_path, MIGRATIONS, name=NAME, way_out=WAY_OUT)
                # Callers often drop a store without closing it: its file closes with it.
                self._finalizer = weakref.finalize(self, db.close)
                self._db = db
            return self._db

    def close(self) -> None:
        """Close the connection (a later call opens it again)."""
        with self._opening:
            db, self._db = self._db, None
            finalizer, self._finalizer = self._finalizer, None
        if finalizer is not None:
            finalizer.detach()
        if db is not None:
            db.close()

    def __enter__(self) -> LinkStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions -------------------------------------------------------------------------

    def connect(self) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction on the migrated file (the journal shares this file and schema).

        Inside another ``connect()`` block of the same store it joins that
        transaction, so a caller can make several writes one.
        """
        return self._write()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self.database
        with db.lock:
            # Under the lock an open transaction can only be this thread's own.
            if db.connection.in_transaction:
                yield db.connection
                return
            with db.transaction() as conn:
                yield conn

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Several reads that see one state of the file (another process may be writing).

        Only reads: a write inside would have to upgrade the read lock, which SQLite
        may refuse at once rather than wait for.
        """
        db = self.database
        with db.lock:
            conn = db.connection
            if conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN")  # deferred: a read lock, no writer is kept waiting
            try:
                yield conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error, DatabaseProblem):
                    conn.execute("ROLLBACK")  # the first error is the one to tell
                raise
            conn.execute("COMMIT")  # a read: nothing to keep or lose

    # --- operations ---------------------------------------------------------------------------

    def new_operation(self, kind: str = "link", summary: str = "") -> str:
        """Start an operation and return its id."""
        # 48 random bits, as uuid4().hex[:12] gave, without loading uuid (and platform): ~1.5 ms
        op_id = os.urandom(6).hex()
        with self._write() as conn:
            conn.execute(
                "INSERT INTO operations (id, kind, summary, created_at) VALUES (?, ?, ?, ?)",
                (op_id, kind, summary_text(summary), time.time()),
            )
        return op_id

    def add_link(self, operation_id: str, dest: Path, source: Path, mode: str, *,
                 link_target: str | None, sha256: str, size: int,
                 dev: int | None, ino: int | None) -> LinkRecord:  # fmt: skip
        """Record a link right after it was created, with its ``link-created`` journal step."""
        now = time.time()
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO links (operation_id, dest, dest_key, source, mode, link_target,"
                " sha256, size, dev, ino, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (operation_id, path_to_db(dest), path_to_db(dest_key(dest)), path_to_db(source),
                 mode, None if link_target is None else path_to_db(link_target),
                 sha256, size, dev, ino, now),
            )  # fmt: skip
            row_id = cur.lastrowid
            assert row_id is not None  # an INSERT into a rowid table always sets it
            conn.execute(
                "INSERT INTO steps (operation_id, kind, data, created_at) VALUES (?, ?, ?, ?)",
                (operation_id, LINK_CREATED, link_step_data(row_id, dest, source), now),
            )
        return LinkRecord(row_id, operation_id, Path(dest), Path(source), mode, link_target,
                          sha256, size, dev, ino, now)  # fmt: skip

    def _select(self, where: str, args: tuple[object, ...]) -> list[LinkRecord]:
        rows = self.database.fetchall(
            f"SELECT {_COLUMNS} FROM links WHERE {where} ORDER BY id", args
        )
        return [LinkRecord._from_row(r) for r in rows]

    def get(self, record_id: int) -> LinkRecord | None:
        """One record (live or not) by id."""
        found = self._select("id = ?", (record_id,))
        return found[0] if found else None

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

    def _update(self, sql: str, args: tuple[object, ...]) -> None:
        with self._write() as conn:
            conn.execute(sql, args)

    def mark_removed(self, record_id: int) -> None:
        """The link is gone (removed by the app, or found missing)."""
        self._update("UPDATE links SET removed_at = ? WHERE id = ?", (time.time(), record_id))

    def revive(self, record_id: int, *, link_target: str | None, dev: int, ino: int) -> None:
        """An undo re-created a removed link at the same path: the record is live again."""
        self._update(
            "UPDATE links SET removed_at = NULL, link_target = ?, dev = ?, ino = ? WHERE id = ?",
            (None if link_target is None else path_to_db(link_target), dev, ino, record_id),
        )

    def repoint(self, record_id: int, source: Path, link_target: str) -> None:
        """A repaired symlink now points at the library file's new location."""
        self._update(
            "UPDATE links SET source = ?, link_target = ? WHERE id = ?",
            (path_to_db(source), path_to_db(link_target), record_id),
        )

    def discard_if_empty(self, operation_id: str) -> None:
        """Forget an operation that recorded no step and no link (it did nothing)."""
        self._update(
            "DELETE FROM operations WHERE id = ? AND NOT EXISTS"
            " (SELECT 1 FROM steps WHERE operation_id = ?)"
            " AND NOT EXISTS (SELECT 1 FROM links WHERE operation_id = ?)",
            (operation_id, operation_id, operation_id),
        )

    def step_kinds(self, operation_id: str) -> set[str]:
        """The kinds of journal step an operation recorded."""
        rows = self.database.fetchall(
            "SELECT DISTINCT kind FROM steps WHERE operation_id = ?", (operation_id,)
        )
        return {r[0] for r in rows}

    def operation(self, operation_id: str) -> Operation | None:
        """One operation by id."""
        row = self.database.fetchone(
            "SELECT id, kind, created_at, undone_at FROM operations WHERE id = ?", (operation_id,)
        )
        return Operation(*row) if row else None

    def operations(self, limit: int = 50) -> list[Operation]:
        """Recent operations, newest first (for an undo menu)."""
        rows = self.database.fetchall(
            "SELECT id, kind, created_at, undone_at FROM operations"
            " ORDER BY created_at DESC, rowid DESC LIMIT ?",
            (limit,),
        )
        return [Operation(*r) for r in rows]

    def mark_undone(self, operation_id: str) -> None:
        """Remember that an operation was undone."""
        self._update(
            "UPDATE operations SET undone_at = ? WHERE id = ?", (time.time(), operation_id)
        )
