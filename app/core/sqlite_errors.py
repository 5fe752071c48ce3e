"""What can go wrong with a SQLite file that the user, not the code, has to fix.

SQLite says why a statement failed in its result code; the classification
follows qutebrowser's ``misc/sql.py`` (``raise_sqlite_error``: BUSY, READONLY,
IOERR, CORRUPT, FULL and CANTOPEN are "environmental", a ``KnownError``; the rest
a ``BugError``), adding NOTADB (a file that is not SQLite at all), LOCKED and
PROTOCOL (lock contention), PERM and NOMEM. Those become a
:class:`DatabaseProblem` with a plain sentence; :func:`trouble_of` returns None
for the rest (a constraint, a typo in SQL), which are bugs.
"""

from __future__ import annotations

import sqlite3
from enum import StrEnum
from pathlib import Path

from app.core.errors import UserError
from app.core.messages import TEMPLATES, say


class Trouble(StrEnum):
    """What is wrong with a database, as far as the user can do something about it."""

    CORRUPT = "corrupt"
    LOCKED = "locked"
    READ_ONLY = "read-only"
    FULL = "full"
    CANT_OPEN = "cannot-open"
    IO = "io-error"
    PERMISSION = "permission"
    OUT_OF_MEMORY = "out-of-memory"
    NEWER_SCHEMA = "newer-schema"


class DatabaseProblem(UserError):
    """A database the app cannot use as it is, said in plain words with a way out.

    ``reason`` is the sentence without the way out (the window offers buttons
    instead); ``str()`` is the whole message the command line prints.
    """

    def __init__(
        self, trouble: Trouble, name: str, path: Path, reason: str, way_out: str = ""
    ) -> None:
        super().__init__(f"{reason}. {way_out}" if way_out else reason)
        self.trouble = trouble
        self.name = name
        self.path = path
        self.reason = reason
        self.way_out = way_out

    def __reduce__(self) -> tuple[type[DatabaseProblem], tuple[Trouble, str, Path, str, str]]:
        # The default would call __init__ with the message alone (a worker process's copy).
        return type(self), (self.trouble, self.name, self.path, self.reason, self.way_out)


# SQLite primary result codes (https://www.sqlite.org/rescode.html), the low byte of
# the extended code Python puts on the exception as ``sqlite_errorcode``.
_PERM, _BUSY, _LOCKED, _NOMEM, _READONLY = 3, 5, 6, 7, 8
_IOERR, _CORRUPT, _FULL, _CANTOPEN, _PROTOCOL, _NOTADB = 10, 11, 13, 14, 15, 26
_TROUBLE = {
    _CORRUPT: Trouble.CORRUPT,
    _NOTADB: Trouble.CORRUPT,
    _BUSY: Trouble.LOCKED,
    _LOCKED: Trouble.LOCKED,
    _PROTOCOL: Trouble.LOCKED,
    _FULL: Trouble.FULL,
    _READONLY: Trouble.READ_ONLY,
    _CANTOPEN: Trouble.CANT_OPEN,
    _IOERR: Trouble.IO,
    _PERM: Trouble.PERMISSION,
    _NOMEM: Trouble.OUT_OF_MEMORY,
}
# Troubles a restore or rebuild can cure; the others are about the drive or folder.
RECOVERABLE = frozenset({Trouble.CORRUPT, Trouble.LOCKED})


def trouble_of(exc: BaseException) -> Trouble | None:
    """The environment trouble behind a SQLite error, or None when it is a bug."""
    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(exc, sqlite3.Error) or not isinstance(code, int):
        return None
    return _TROUBLE.get(code & 0xFF)


def describe(trouble: Trouble, name: str, path: Path, detail: str) -> str:
    """The plain sentence for ``trouble`` in the ``name`` database at ``path``.

    Each is a template (app.core.messages ``db.*``), so the window shows it in its
    language; the database's name is one of the ``db.name-*`` words where it has one.
    """
    if trouble == Trouble.NEWER_SCHEMA:
        return detail
    word = f"db.name-{name}"
    shown = say(word) if word in TEMPLATES else name
    key = _TEMPLATE_OF[trouble]
    return say(key, name=shown, path=path, detail=detail, folder=path.parent)


_TEMPLATE_OF = {
    Trouble.CORRUPT: "db.corrupt",
    Trouble.LOCKED: "db.locked",
    Trouble.READ_ONLY: "db.read-only",
    Trouble.FULL: "db.full",
    Trouble.CANT_OPEN: "db.cant-open",
    Trouble.IO: "db.io",
    Trouble.PERMISSION: "db.permission",
    Trouble.OUT_OF_MEMORY: "db.out-of-memory",
}
