"""A damaged or locked links.sqlite3: a DatabaseProblem with its way out, and both ways out."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from app.core import sqlite_db
from app.core.errors import UserError
from app.core.linking import LinkStore, apply_plan, plan_links, unlink
from app.core.linking.recovery import restore_link_records, set_aside_link_records
from app.core.operations.journal import Journal
from app.core.operations.undo import undo
from app.core.sqlite_db import DatabaseProblem, Trouble
from app.core.sqlite_recovery import backups_of
from tests.core.operations.test_migration_v1 import _v1_db

GARBAGE = b"not a database, " * 512


def _linked(db: Path, library_file: Path, a1111) -> Path:
    """A real symlink the app made and recorded; the store closed again."""
    with LinkStore(db) as store:
        result = apply_plan(plan_links(library_file, [a1111], "symlink"), store=store)
    dest = result.outcomes[0].dest
    assert dest is not None and os.path.islink(dest)
    return dest


def test_a_damaged_file_is_a_problem_with_the_links_way_out(tmp_path: Path) -> None:
    db = tmp_path / "links.sqlite3"
    db.write_bytes(GARBAGE)
    for call in (lambda: LinkStore(db).active_links(), lambda: Journal(db).recent()):
        with pytest.raises(DatabaseProblem) as caught:
            call()
        problem = caught.value
        assert problem.trouble is Trouble.CORRUPT and problem.path == db
        assert str(problem).startswith(f"the links database {db} is damaged")
        assert "cannot be rebuilt by rescanning" in problem.way_out
        assert "`vae-manager links restore`" in problem.way_out
        assert "`vae-manager links set-aside`" in problem.way_out
        assert "leaves them alone as your own files" in problem.way_out
    assert db.read_bytes() == GARBAGE  # untouched


def test_a_locked_file_is_a_problem_not_a_bug_and_cannot_be_set_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_db, "BUSY_TIMEOUT_MS", 100)  # fail fast instead of after 10 s
    db = tmp_path / "links.sqlite3"
    store = LinkStore(db)
    op = store.new_operation("link", "before")
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert store.operation(op) is not None  # WAL: reads go on
        with pytest.raises(DatabaseProblem) as caught:
            store.new_operation("link", "while locked")
        assert caught.value.trouble is Trouble.LOCKED
        assert "locked by another program" in str(caught.value)
        with pytest.raises(UserError, match="in use by another program"):
            set_aside_link_records(db)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert db.exists() and [o.id for o in store.operations()] == [op]
    store.close()


def test_set_aside_keeps_the_file_and_the_old_links_become_the_users(
    tmp_path: Path, library_file: Path, a1111
) -> None:
    db = tmp_path / "state" / "links.sqlite3"
    dest = _linked(db, library_file, a1111)
    db.write_bytes(GARBAGE)  # damaged after the app closed it

    done = set_aside_link_records(db)
    assert done.set_aside is not None and done.set_aside.read_bytes() == GARBAGE
    journal = Journal(db)
    assert journal.recent() == [] and journal.links.active_links() == []

    result = unlink([dest], store=journal.links)
    assert not result.outcomes[0].removed  # no record: the app leaves it alone
    with pytest.raises(UserError, match="Nothing to undo"):
        undo(journal=journal)
    assert os.path.islink(dest) and os.readlink(dest) == str(library_file)
    journal.close()


def test_restore_puts_back_the_backup_made_before_the_upgrade(
    tmp_path: Path, library_file: Path, a1111
) -> None:
    db = tmp_path / "state" / "links.sqlite3"
    dest = a1111.vae_dirs[0].path / library_file.name
    dest.symlink_to(library_file)
    _v1_db(db, [("op1", library_file, dest)], set())
    with Journal(db) as journal:  # the upgrade to v2 backs the v1 file up first
        assert journal.links.database.backup_path is not None
    [backup] = backups_of(db)
    db.write_bytes(GARBAGE)

    done = restore_link_records(db)
    assert done.backup == backup and backup.exists()
    assert done.set_aside is not None and done.set_aside.read_bytes() == GARBAGE
    with Journal(db) as journal:
        record = journal.latest_undoable()
        assert record is not None and record.id == "op1"
        assert undo(journal=journal).complete  # ownership checked again, then removed
    assert not os.path.lexists(dest) and library_file.exists()


def test_restore_without_a_backup_says_to_set_aside(tmp_path: Path) -> None:
    db = tmp_path / "links.sqlite3"
    db.write_bytes(GARBAGE)
    with pytest.raises(UserError, match=r"no usable backup.*`vae-manager links set-aside`"):
        restore_link_records(db)
    assert db.read_bytes() == GARBAGE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["links.sqlite3"]


def test_restore_finds_the_backup_named_before_the_wrapper(
    tmp_path: Path, library_file: Path, a1111
) -> None:
    """Earlier builds backed a v1 file up as ``links.sqlite3.v1-backup``: it is used, not moved."""
    db = tmp_path / "state" / "links.sqlite3"
    dest = a1111.vae_dirs[0].path / library_file.name
    dest.symlink_to(library_file)
    legacy = db.with_name("links.sqlite3.v1-backup")
    _v1_db(legacy, [("op1", library_file, dest)], set())
    legacy_bytes = legacy.read_bytes()
    db.write_bytes(GARBAGE)

    done = restore_link_records(db)
    assert done.backup.name.startswith("links.sqlite3.v1-") and done.backup != legacy
    assert legacy.read_bytes() == legacy_bytes
    with LinkStore(db) as store:
        assert store.active_for_dest(dest) is not None


def test_a_damaged_legacy_backup_is_not_restored(tmp_path: Path) -> None:
    db = tmp_path / "links.sqlite3"
    db.write_bytes(GARBAGE)
    db.with_name("links.sqlite3.v1-backup").write_bytes(GARBAGE[:100])
    with pytest.raises(UserError, match="no usable backup"):
        restore_link_records(db)
    assert db.read_bytes() == GARBAGE
