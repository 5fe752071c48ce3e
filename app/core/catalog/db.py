"""The catalog's SQLite file, opened through the app's one wrapper.

The catalog must survive the app being killed mid-scan, so it is a
:class:`~app.core.sqlite_db.Database`: WAL with ``synchronous=NORMAL``, every
write in an explicit transaction, numbered migrations with a backup of the
file first, and errors a user can act on. A damaged or locked catalog's message
names the two ways out (:mod:`app.core.catalog.recovery`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.core.catalog.codec import row_factory
from app.core.sqlite_db import Database, Migration

__all__ = ["NAME", "WAY_OUT", "Migration", "open_database"]

NAME = "catalog"
WAY_OUT = (
    "To start over: `vae-manager catalog restore` puts back the newest backup, or "
    "`vae-manager catalog rebuild` sets the file aside (nothing is deleted) and rescans your "
    "folders."
)


def open_database(path: Path, migrations: Sequence[Migration]) -> Database:
    """The catalog at ``path``, created or migrated (raises DatabaseProblem)."""
    # sqlite3.Row, with BLOB-stored paths turned back into str
    return Database(path, migrations, name=NAME, way_out=WAY_OUT, row_factory=row_factory)
