"""Ways out for a damaged or stuck database: restore its newest backup, or start afresh.

Nothing is deleted: the file in trouble (with its ``-wal``/``-shm`` side files,
which belong to it and would corrupt a restored copy) is renamed aside to
``<name>.broken-<stamp>``, and a restored copy is written under a temporary
name and renamed into place without replacing anything. Both refuse while
another program holds the file's write lock.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import Doing, UserError, from_os_error
from app.core.sqlite_db import BACKUP_SUFFIX, Database, Migration
from app.core.sqlite_errors import Trouble, trouble_of

SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Restored:
    """A restore: the backup now in use, and where the replaced file was set aside."""

    backup: Path
    set_aside: Path | None


def backups_of(db_path: Path) -> list[Path]:
    """The backups made before migrations (``<name>.v<N>-<stamp>.bak``), newest first."""
    prefix = f"{db_path.name}.v"
    try:
        found = [
            p
            for p in db_path.parent.iterdir()
            if p.name.startswith(prefix) and p.name.endswith(BACKUP_SUFFIX) and p.is_file()
        ]
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise from_os_error(exc, Doing.LIST, db_path.parent) from exc
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)


def set_aside(db_path: Path) -> Path | None:
    """Rename the file and its side files to ``<name>.broken-<stamp>``; None if it is not there.

    Raises:
        UserError: another program is writing to it, or the rename failed.
    """
    if not os.path.lexists(db_path):
        return None
    refuse_if_in_use(db_path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = _free_name(db_path.with_name(f"{db_path.name}.broken-{stamp}"))
    _rename_no_replace(db_path, aside)
    for side in SIDE_FILES:
        source = db_path.with_name(db_path.name + side)
        if os.path.lexists(source):
            _rename_no_replace(source, aside.with_name(aside.name + side))
    return aside


def restore_newest(
    db_path: Path,
    migrations: Sequence[Migration],
    *,
    name: str,
    otherwise: str = "rebuild it instead",
) -> Restored:
    """Put back the newest sound backup of ``db_path``, setting the current file aside.

    ``otherwise`` ends the message when there is no backup: the other way out.

    Raises:
        UserError: there is no backup fit to restore, or the file is in use.
    """
    candidates = [b for b in backups_of(db_path) if _sound(b, len(migrations))]
    if not candidates:
        raise UserError(
            f"there is no usable backup of the {name} database beside {db_path} (backups are "
            f"made before an upgrade); {otherwise}"
        )
    backup = candidates[0]
    refuse_if_in_use(db_path)
    temp = _free_name(db_path.with_name(f"{db_path.name}.restoring"))
    _copy_database(backup, temp)
    aside = set_aside(db_path)
    try:
        _rename_no_replace(temp, db_path)
    except UserError:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    Database(db_path, migrations, name=name).close()  # brings an older backup up to date
    return Restored(backup, aside)


def refuse_if_in_use(db_path: Path) -> None:
    """Raise UserError when another connection holds the file's write lock right now."""
    conn = sqlite3.connect(str(db_path), timeout=0.5, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if trouble_of(exc) is Trouble.LOCKED:
            raise UserError(
                f"{db_path} is in use by another program (another VAE Manager window or "
                "command?); close it first"
            ) from exc
    except sqlite3.DatabaseError:
        pass  # damaged: nobody can be writing to it through SQLite
    finally:
        conn.close()


def _sound(backup: Path, known_version: int) -> bool:
    """Whether ``backup`` is a whole SQLite file this version of the app can open."""
    try:
        conn = sqlite3.connect(f"{backup.resolve().as_uri()}?immutable=1", uri=True)
    except sqlite3.Error:
        return False
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return ok and int(conn.execute("PRAGMA user_version").fetchone()[0]) <= known_version
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _copy_database(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"{source.resolve().as_uri()}?immutable=1", uri=True)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _free_name(base: Path) -> Path:
    candidate, counter = base, 1
    while os.path.lexists(candidate):
        candidate = base.with_name(f"{base.name}-{counter}")
        counter += 1
    return candidate


def _rename_no_replace(source: Path, target: Path) -> None:
    """Rename without ever replacing ``target``: the app's one no-replace publish."""
    from app.core.publish import publish_no_replace

    try:
        publish_no_replace(source, target)
    except OSError as exc:
        raise from_os_error(exc, Doing.RENAME, source) from exc
