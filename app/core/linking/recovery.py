"""The two ways out of a damaged or locked ``links.sqlite3``, for the CLI and the window.

The link records cannot be rebuilt the way the catalog is: no rescan can tell
a link the app made from a file the user put there. So the ways out are
``restore`` (put back the newest backup, made before each upgrade) and
``set aside`` (rename the file and start empty). Neither deletes anything: the
file in trouble is kept as ``links.sqlite3.broken-<stamp>``. Starting empty is
safe for the user's files because the app removes a file only when a record
says it made it (:mod:`app.core.linking.ownership`): with no records, every
old link is left alone as the user's own, and undo has nothing to reverse.

A restored backup's records are checked again before any removal, as always:
a link the user replaced since the backup was made is left alone.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import Doing, from_os_error
from app.core.linking.records import MIGRATIONS, NAME, LinkStore
from app.core.sqlite_db import backup_name
from app.core.sqlite_recovery import Restored, backups_of, restore_newest, set_aside

__all__ = ["Restored", "SetAside", "restore_link_records", "set_aside_link_records"]

SET_ASIDE_INSTEAD = (
    "set it aside instead (`vae-manager links set-aside`): the app then leaves its old links "
    "alone as your own files"
)


@dataclass(frozen=True)
class SetAside:
    """An empty link records file in place; the old file's new name (None when there was none)."""

    set_aside: Path | None


def _path(db_path: Path | None) -> Path:
    return LinkStore(db_path).db_path  # the same default the store uses


def restore_link_records(db_path: Path | None = None) -> Restored:
    """Put back the newest sound backup of the link records (UserError if there is none)."""
    path = _path(db_path)
    _adopt_legacy_backup(path)
    return restore_newest(path, MIGRATIONS, name=NAME, otherwise=SET_ASIDE_INSTEAD)


def set_aside_link_records(db_path: Path | None = None) -> SetAside:
    """Rename the link records aside and start an empty file; the app forgets its links."""
    path = _path(db_path)
    aside = set_aside(path)
    with LinkStore(path) as store:
        store.operations(limit=1)  # creates the empty file now, or says why it cannot
    return SetAside(aside)


def _adopt_legacy_backup(db_path: Path) -> None:
    """Copy the newest ``<name>.v1-backup[-N]`` under the wrapper's backup name.

    Versions before the one SQLite wrapper backed up a v1 file under that name
    before adding the journal; restore finds only the wrapper's names. The old
    file is left as it is; this runs only while no wrapper backup exists.
    """
    if backups_of(db_path):
        return
    stem = f"{db_path.name}.v1-backup"
    try:
        legacy = [
            p
            for p in db_path.parent.iterdir()
            if (p.name == stem or p.name.startswith(stem + "-")) and p.is_file()
        ]
    except FileNotFoundError:
        return
    except OSError as exc:
        raise from_os_error(exc, Doing.LIST, db_path.parent) from exc
    if not legacy:
        return
    newest = max(legacy, key=lambda p: (p.stat().st_mtime_ns, p.name))
    target = backup_name(db_path, 1)
    source = sqlite3.connect(f"{newest.resolve().as_uri()}?immutable=1", uri=True)
    try:
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)
        finally:
            copy.close()
    except sqlite3.Error:
        # Not a whole SQLite file: nothing to adopt (restore then says there is no backup).
        if os.path.lexists(target):
            os.unlink(target)  # our own half-written copy, never the user's file
    finally:
        source.close()
