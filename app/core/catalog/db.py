"""SQLite plumbing for the catalog: connections, transactions and migrations.

The catalog must survive the app being killed mid-scan, so every connection
runs in WAL mode with ``synchronous=NORMAL`` (a crash loses at most the last
uncommitted batch, never the file's integrity) and every write happens inside
an explicit transaction. Schema changes are numbered migrations; before an
existing catalog is upgraded a consistent copy of it is kept next to it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from app.core.catalog.codec import row_factory
from app.core.errors import UserError

BUSY_TIMEOUT_MS = 10_000

# A migration is SQL to run as a script, or a function given the connection.
Migration = str | Callable[[sqlite3.Connection], None]


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) a catalog database with the app's settings.

    The connection is in autocommit mode: writes go through :func:`transaction`,
    so a batch is either fully in the file or not at all.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = row_factory  # sqlite3.Row, with BLOB-stored paths as str again
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    mode = _enable_wal(conn)
    if str(mode).lower() != "wal":
        conn.close()
        raise UserError(f"cannot use write-ahead logging for the catalog {path} (got {mode})")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _enable_wal(conn: sqlite3.Connection) -> str:
    """Switch to WAL, retrying while another connection is creating the same file.

    Changing the journal mode needs an exclusive lock and SQLite does not call the
    busy handler for it, so two first opens at once would fail with "locked".
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run a block as one write transaction: committed on success, rolled back on error.

    ``BEGIN IMMEDIATE`` takes the write lock up front, so two writers wait on the
    busy timeout instead of failing half-way when a read lock cannot be upgraded.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def schema_version(conn: sqlite3.Connection) -> int:
    """The number of migrations applied to this database."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection, db_path: Path, migrations: Sequence[Migration]
) -> Path | None:
    """Bring the database up to ``len(migrations)``; return the backup made, if any.

    Raises:
        UserError: the catalog was written by a newer version of the app.
    """
    current = schema_version(conn)
    target = len(migrations)
    if current > target:
        raise UserError(
            f"the catalog {db_path} was written by a newer version of the app "
            f"(schema {current}, this version knows {target}); update the app"
        )
    if current == target:
        return None
    backup = backup_database(conn, db_path, current) if current > 0 else None
    for version in range(current, target):
        with transaction(conn):
            # Another connection (a second thread or process opening the catalog at
            # the same moment) may have migrated while we waited for the write lock.
            if schema_version(conn) > version:
                continue
            _apply(conn, migrations[version])
            conn.execute(f"PRAGMA user_version = {version + 1}")
    return backup


def backup_database(conn: sqlite3.Connection, db_path: Path, version: int) -> Path:
    """Copy the live database (WAL included) to ``<name>.v<version>-<stamp>.bak``.

    SQLite's backup API gives a consistent snapshot even while the WAL holds
    unmerged pages, which copying the file alone would miss.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.name}.v{version}-{stamp}.bak")
    counter = 1
    while target.exists():
        target = db_path.with_name(f"{db_path.name}.v{version}-{stamp}-{counter}.bak")
        counter += 1
    copy = sqlite3.connect(str(target))
    try:
        conn.backup(copy)
    finally:
        copy.close()
    return target


def _apply(conn: sqlite3.Connection, migration: Migration) -> None:
    if callable(migration):
        migration(conn)
        return
    # executescript() would COMMIT our transaction first; run statements one by one.
    for statement in _statements(migration):
        conn.execute(statement)


def _statements(script: str) -> list[str]:
    """Split a script at the semicolons that end statements (not those inside strings)."""
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip() != ";":
                statements.append(pending.strip())
            pending = ""
    rest = pending[:-1].strip()
    if rest:
        statements.append(rest)
    return statements
