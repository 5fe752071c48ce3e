"""The ways out of a damaged catalog: restore the newest backup, or set it aside and rebuild."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from app.core.catalog.recovery import backups_of, rebuild_catalog, restore_catalog
from app.core.catalog.schema import MIGRATIONS
from app.core.catalog.store import Catalog
from app.core.errors import UserError
from app.core.sqlite_db import DatabaseProblem, Trouble


def _catalog_with_backups(path: Path) -> list[Path]:
    """A catalog upgraded twice (two real backups), with a root row in each version."""
    with Catalog(path, migrations=MIGRATIONS[:-1]) as cat, cat.transaction() as conn:
        conn.execute("INSERT INTO roots (path, first_scanned, last_scanned) VALUES ('/old', 0, 0)")
    with Catalog(path) as cat:
        first = cat.backup_path
        with cat.transaction() as conn:
            conn.execute(
                "INSERT INTO roots (path, first_scanned, last_scanned) VALUES ('/new', 0, 0)"
            )
    newer = [*MIGRATIONS, "ALTER TABLE roots ADD COLUMN label TEXT;"]
    with Catalog(path, migrations=newer) as cat:
        second = cat.backup_path
    assert first is not None and second is not None
    os.utime(first, (time.time() - 60, time.time() - 60))  # stamps share a second: order by age
    return [second, first]


def _roots(path: Path) -> list[str]:
    with Catalog(path) as cat:
        return [r[0] for r in cat.connection.execute("SELECT path FROM roots ORDER BY path")]


def test_restore_puts_back_the_newest_backup_and_keeps_the_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    second, first = _catalog_with_backups(path)
    assert backups_of(path) == [second, first]
    path.write_bytes(b"garbage" * 1000)
    with pytest.raises(DatabaseProblem) as caught:
        Catalog(path)
    assert caught.value.trouble is Trouble.CORRUPT

    done = restore_catalog(path)
    assert done.backup == second and done.set_aside is not None
    assert done.set_aside.read_bytes() == b"garbage" * 1000  # nothing deleted
    assert _roots(path) == ["/new", "/old"]
    assert second.exists() and first.exists()  # the backups stay too


def test_restore_skips_a_damaged_backup(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    second, first = _catalog_with_backups(path)
    second.write_bytes(second.read_bytes()[:4096])  # the newest backup is cut short
    path.write_bytes(b"garbage")
    done = restore_catalog(path)
    assert done.backup == first
    assert _roots(path) == ["/old"]


def test_restore_without_a_backup_says_to_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    path.write_bytes(b"garbage")
    with pytest.raises(UserError, match="no usable backup.*rebuild it instead"):
        restore_catalog(path)
    assert path.read_bytes() == b"garbage"


def test_restore_and_rebuild_refuse_while_another_program_writes(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    _catalog_with_backups(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        for action in (restore_catalog, rebuild_catalog):
            with pytest.raises(UserError, match="in use by another program"):
                action(path)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert [p.name for p in tmp_path.iterdir() if ".broken-" in p.name] == []


def test_rebuild_sets_the_file_aside_and_starts_empty(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    path.write_bytes(b"\0" * 100 + b"truncated")
    done = rebuild_catalog(path)
    assert done.set_aside is not None and done.set_aside.read_bytes() == b"\0" * 100 + b"truncated"
    with Catalog(path) as cat:
        assert cat.entries() == [] and cat.database.schema_version == len(MIGRATIONS)
    again = rebuild_catalog(path)  # a second rebuild keeps both old files
    assert again.set_aside is not None and again.set_aside != done.set_aside
    assert done.set_aside.exists()


def test_the_write_ahead_log_goes_aside_with_its_file(tmp_path: Path) -> None:
    """Rows still only in the WAL belong to the set-aside file, never to the new one."""
    path = tmp_path / "catalog.sqlite3"
    Catalog(path).close()
    other = sqlite3.connect(path, isolation_level=None)  # idle, but keeps the WAL alive
    other.execute("PRAGMA wal_autocheckpoint = 0")
    other.execute("INSERT INTO roots (path, first_scanned, last_scanned) VALUES ('/wal', 0, 0)")
    try:
        done = rebuild_catalog(path)
    finally:
        other.close()
    assert done.set_aside is not None
    assert _roots(path) == []
    kept = sqlite3.connect(done.set_aside)
    try:
        assert kept.execute("SELECT path FROM roots").fetchall() == [("/wal",)]
    finally:
        kept.close()


def test_rebuild_of_a_missing_catalog_just_creates_one(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    assert rebuild_catalog(path).set_aside is None
    assert path.exists()
