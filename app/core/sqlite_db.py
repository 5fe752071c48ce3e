"""The one SQLite wrapper: connection settings, transactions, migrations, typed errors.

Every database the app owns (the catalog, link records, fingerprints) opens
through :class:`Database`:

- one connection per object, in WAL mode with ``synchronous=NORMAL`` (a crash
  loses at most the last uncommitted write, never the file's integrity),
  foreign keys on, a busy timeout, and an :class:`threading.RLock` so one object
  can be shared by threads (a transaction holds the lock for its whole block);
- :meth:`Database.transaction` as a context manager (``BEGIN IMMEDIATE``,
  committed on success, rolled back on error);
- numbered migrations recorded in ``PRAGMA user_version``; an existing file is
  copied with SQLite's backup API before it is upgraded, and a file written by a
  newer app is refused;
- every SQLite error raised through the connection (or its cursors) classified
  by its SQLite result code, as qutebrowser's ``misc/sql.py`` ``raise_sqlite_error``
  does: the environment's problems (damaged file, locked, disk full, read-only,
  cannot open, I/O error, permission) become a
  :class:`~app.core.sqlite_errors.DatabaseProblem`, a UserError that names the
  file and a way out; anything else (a constraint, a typo in SQL) is a bug and
  propagates as it is.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.core.errors import Doing, UserError, from_os_error
from app.core.sqlite_errors import RECOVERABLE, DatabaseProblem, Trouble, describe, trouble_of

__all__ = [
    "BUSY_TIMEOUT_MS",
    "RECOVERABLE",
    "Database",
    "DatabaseProblem",
    "Migration",
    "Trouble",
    "backup_name",
    "split_statements",
    "trouble_of",
]

BUSY_TIMEOUT_MS = 10_000

# A migration is SQL to run as a script, or a function given the connection.
Migration = str | Callable[[sqlite3.Connection], None]
RowFactory = Callable[[sqlite3.Cursor, tuple[Any, ...]], Any]


class _Cursor(sqlite3.Cursor):
    """A cursor whose SQLite errors are classified (rows can fail while being stepped).

    Plain try/except rather than a context manager: ``__next__`` runs once per row.
    """

    connection: _Connection

    def execute(self, sql: str, parameters: Any = (), /) -> _Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error as exc:
            self.connection.raise_problem(exc)
            raise

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> _Cursor:
        try:
            return super().executemany(sql, seq_of_parameters)
        except sqlite3.Error as exc:
            self.connection.raise_problem(exc)
            raise

    def executescript(self, sql_script: str, /) -> _Cursor:
        try:
            super().executescript(sql_script)
        except sqlite3.Error as exc:
            self.connection.raise_problem(exc)
            raise
        return self

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.Error as exc:
            self.connection.raise_problem(exc)
            raise

    def fetchmany(self, size: int | None = 1) -> list[Any]:
        try:
            return super().fetchmany(size)
        except sqlite3.Error as exc:
            self.connection.raise_problem(exc)
            raise

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.Error as exc:
            self.connection.raise_problem(exc)
            raise

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.Error as exc:
            self.connection.raise_problem(exc)
            raise


class _Connection(sqlite3.Connection):
    """A connection that hands out classifying cursors and knows whom to blame."""

    owner: Database | None = None

    def raise_problem(self, exc: sqlite3.Error) -> None:
        """Raise the DatabaseProblem behind ``exc``; return when it is a bug (caller re-raises)."""
        if self.owner is not None and (problem := self.owner.problem_for(exc)) is not None:
            raise problem from exc

    @contextmanager
    def classified(self) -> Iterator[None]:
        """Classify the SQLite errors of a block (calls the cursors do not cover)."""
        try:
            yield
        except sqlite3.Error as exc:
            self.raise_problem(exc)
            raise

    def cursor(self, factory: Any = None) -> _Cursor:  # type: ignore[override]  # always ours
        return super().cursor(factory or _Cursor)

    def execute(self, sql: str, parameters: Any = (), /) -> _Cursor:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> _Cursor:
        return self.cursor().executemany(sql, parameters)

    def executescript(self, sql_script: str, /) -> _Cursor:
        return self.cursor().executescript(sql_script)


class Database:
    """One SQLite file the app owns, created or upgraded on open.

    ``name`` is how messages call it ("catalog"); ``way_out`` is the sentence
    appended to a damaged or locked file's message (the commands that recover it).
    """

    def __init__(
        self,
        path: Path | str,
        migrations: Sequence[Migration],
        *,
        name: str,
        way_out: str = "",
        row_factory: RowFactory | None = None,
        busy_timeout_ms: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.name = name
        self.way_out = way_out
        self.lock = threading.RLock()
        self._timeout_ms = BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
        self._conn = self._open(row_factory)
        try:
            self._configure()
            self.backup_path = self._migrate(migrations)
        except BaseException:
            self._conn.close()
            raise

    # --- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection; SQLite checkpoints the WAL on the last close."""
        with self.lock:
            self._conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection (its errors are classified too), for the owning store's queries."""
        return self._conn

    # --- use ----------------------------------------------------------------------------------

    def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        """Run one statement (outside a transaction it commits at once)."""
        with self.lock:
            return self._conn.execute(sql, parameters)

    def fetchall(self, sql: str, parameters: Any = ()) -> list[Any]:
        """Every row of a query, read under the lock (safe from any thread)."""
        with self.lock:
            return self._conn.execute(sql, parameters).fetchall()

    def fetchone(self, sql: str, parameters: Any = ()) -> Any:
        """The first row of a query or None, read under the lock."""
        with self.lock:
            return self._conn.execute(sql, parameters).fetchone()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block as one write transaction: committed on success, rolled back on error.

        ``BEGIN IMMEDIATE`` takes the write lock up front, so two writers wait on the
        busy timeout instead of failing half-way when a read lock cannot be upgraded.
        """
        with self.lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:  # a failed COMMIT too: never leave one open
                    with contextlib.suppress(sqlite3.Error, DatabaseProblem):
                        self._conn.execute("ROLLBACK")  # the first error is the one to tell
                raise

    @property
    def schema_version(self) -> int:
        """The number of migrations applied to this file."""
        return int(self.fetchone("PRAGMA user_version")[0])

    def problem_for(self, exc: sqlite3.Error) -> DatabaseProblem | None:
        """The user's version of a SQLite error in this file, or None when it is a bug."""
        trouble = trouble_of(exc)
        if trouble is None:
            return None
        way_out = self.way_out if trouble in RECOVERABLE else ""
        reason = describe(trouble, self.name, self.path, str(exc))
        return DatabaseProblem(trouble, self.name, self.path, reason, way_out)

    def backup_to(self, target: Path) -> Path:
        """A consistent copy of the live file (WAL included) at the new path ``target``."""
        copy = sqlite3.connect(str(target))
        try:
            with self.lock, self._conn.classified():
                self._conn.backup(copy)
        finally:
            copy.close()
        return target

    # --- opening ------------------------------------------------------------------------------

    def _open(self, row_factory: RowFactory | None) -> _Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise from_os_error(exc, Doing.CREATE, self.path.parent) from exc
        try:
            conn = sqlite3.connect(
                str(self.path),
                timeout=self._timeout_ms / 1000,
                isolation_level=None,  # autocommit: writes go through transaction()
                check_same_thread=False,  # shared under self.lock
                factory=_Connection,
            )
        except sqlite3.Error as exc:
            problem = self.problem_for(exc)
            if problem is None:
                raise
            raise problem from exc
        assert isinstance(conn, _Connection)
        conn.owner = self
        if row_factory is not None:
            conn.row_factory = row_factory
        return conn

    def _configure(self) -> None:
        self._conn.execute(f"PRAGMA busy_timeout = {int(self._timeout_ms)}")
        mode = self._enable_wal()
        if mode.lower() != "wal":
            raise UserError(
                f"cannot use write-ahead logging for the {self.name} database {self.path} "
                f"(got {mode}); is it on a network share?"
            )
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute("PRAGMA foreign_keys = ON")

    def _enable_wal(self) -> str:
        """Switch to WAL, retrying while another connection is creating the same file.

        Changing the journal mode needs an exclusive lock and SQLite does not call the
        busy handler for it, so two first opens at once would fail with "locked".
        """
        deadline = time.monotonic() + self._timeout_ms / 1000
        delay = 0.005
        while True:
            try:
                return str(self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            except DatabaseProblem as problem:
                if problem.trouble != Trouble.LOCKED or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.2)

    # --- migrations ---------------------------------------------------------------------------

    def _migrate(self, migrations: Sequence[Migration]) -> Path | None:
        """Bring the file up to ``len(migrations)``; return the backup made, if any."""
        current, target = self.schema_version, len(migrations)
        if current > target:
            detail = (
                f"the {self.name} database {self.path} was written by a newer version of the "
                f"app (schema {current}, this version knows {target}); update the app"
            )
            raise DatabaseProblem(Trouble.NEWER_SCHEMA, self.name, self.path, detail)
        if current == target:
            return None
        backup = self.backup_to(backup_name(self.path, current)) if current > 0 else None
        for version in range(current, target):
            with self.transaction() as conn:
                # Another connection (a second thread or process opening the file at the
                # same moment) may have migrated while we waited for the write lock.
                if int(conn.execute("PRAGMA user_version").fetchone()[0]) > version:
                    continue
                _apply(conn, migrations[version])
                conn.execute(f"PRAGMA user_version = {version + 1}")
        return backup


BACKUP_SUFFIX = ".bak"


def backup_name(db_path: Path, version: int) -> Path:
    """A free name ``<name>.v<version>-<stamp>.bak`` beside ``db_path``."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.name}.v{version}-{stamp}{BACKUP_SUFFIX}")
    counter = 1
    while target.exists():
        target = db_path.with_name(f"{db_path.name}.v{version}-{stamp}-{counter}{BACKUP_SUFFIX}")
        counter += 1
    return target


def _apply(conn: sqlite3.Connection, migration: Migration) -> None:
    if callable(migration):
        migration(conn)
        return
    # executescript() would COMMIT our transaction first; run statements one by one.
    for statement in split_statements(migration):
        conn.execute(statement)


def split_statements(script: str) -> list[str]:
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
