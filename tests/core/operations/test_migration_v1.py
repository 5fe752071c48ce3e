"""A links.sqlite3 written by the v1 app (schema copied from that release) keeps working."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from app.core.linking import LinkStore, apply_plan, plan_links
from app.core.linking.records import SCHEMA_VERSION
from app.core.operations.journal import Journal, OperationKind
from app.core.operations.undo import undo, undo_description
from app.core.sqlite_recovery import backups_of

# Frozen: the schema the v1 app (before the operations journal) created.
V1_SCHEMA = """
CREATE TABLE operations (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, created_at REAL NOT NULL, undone_at REAL
);
CREATE TABLE links (
    id INTEGER PRIMARY KEY,
    operation_id TEXT NOT NULL REFERENCES operations(id),
    dest TEXT NOT NULL, dest_key TEXT NOT NULL, source TEXT NOT NULL, mode TEXT NOT NULL,
    link_target TEXT, sha256 TEXT NOT NULL, size INTEGER NOT NULL, dev INTEGER, ino INTEGER,
    created_at REAL NOT NULL, removed_at REAL
);
CREATE UNIQUE INDEX links_active_dest ON links(dest_key) WHERE removed_at IS NULL;
CREATE INDEX links_operation ON links(operation_id);
CREATE INDEX links_sha256 ON links(sha256);
PRAGMA user_version = 1;
"""


def _v1_db(db: Path, links: list[tuple[str, Path, Path]], undone: set[str]) -> None:
    """Write a v1 file the way the v1 app did: one operation per apply, one row per link."""
    db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(V1_SCHEMA)
    now = time.time()
    for op in dict.fromkeys(op for op, _, _ in links):
        conn.execute(
            "INSERT INTO operations VALUES (?, 'link', ?, ?)",
            (op, now, now if op in undone else None),
        )
    for op, source, dest in links:
        st = os.lstat(dest)
        data = source.read_bytes()
        conn.execute(
            "INSERT INTO links (operation_id, dest, dest_key, source, mode, link_target, sha256,"
            " size, dev, ino, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (op, str(dest), os.path.normcase(str(dest)), str(source), "symlink",
             os.readlink(dest), hashlib.sha256(data).hexdigest(), len(data),
             st.st_dev, st.st_ino, now),
        )  # fmt: skip
    conn.commit()
    conn.close()


def test_v1_links_become_undoable_link_created_steps(tmp_path, library_file, a1111, comfy):
    db = tmp_path / "state" / "links.sqlite3"
    ours_a = a1111.vae_dirs[0].path / library_file.name
    ours_c = comfy.vae_dirs[0].path / library_file.name
    ours_a.symlink_to(library_file)
    ours_c.symlink_to(library_file)
    _v1_db(db, [("op1", library_file, ours_a), ("op1", library_file, ours_c)], set())

    journal = Journal(db)
    record = journal.get("op1")
    assert record is not None and record.kind is OperationKind.LINK
    assert [s.kind for s in record.steps] == ["link-created", "link-created"]
    assert record.steps[0].data["dest"] == str(ours_a)
    assert undo_description(record) == f"Undo link {library_file.name} (2 links)"
    assert LinkStore(db).active_for_dest(ours_a) is not None  # the old API reads the same file

    backups = backups_of(db)  # the wrapper's backup, made before the upgrade
    assert len(backups) == 1 and backups[0].name.startswith("links.sqlite3.v1-")
    conn = sqlite3.connect(backups[0])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM links").fetchone()[0] == 2
    conn.close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()

    result = undo(journal=journal)  # the migrated operation is the latest undoable one
    assert result.operation_id == "op1" and result.complete
    assert set(result.steps[0].removed + result.steps[1].removed) == {ours_a, ours_c}
    assert not os.path.lexists(ours_a) and not os.path.lexists(ours_c)
    assert library_file.exists()


def test_v1_undone_operations_stay_undone_and_new_links_add_steps(
    tmp_path, library_file, a1111, comfy
):
    db = tmp_path / "state" / "links.sqlite3"
    old = a1111.vae_dirs[0].path / library_file.name
    old.symlink_to(library_file)
    _v1_db(db, [("old", library_file, old)], {"old"})
    journal = Journal(db)
    record = journal.get("old")
    assert record is not None and record.undone_at is not None
    assert journal.latest_undoable() is None

    result = apply_plan(plan_links(library_file, [comfy], "symlink"), store=journal.links)
    new = journal.get(result.operation_id or "")
    assert new is not None
    assert [s.kind for s in new.steps] == ["link-created"]
    assert new.steps[0].data["dest"] == str(comfy.vae_dirs[0].path / library_file.name)
    # Opening it again neither migrates again nor makes a second backup.
    Journal(db).recent()
    assert len(backups_of(db)) == 1


def test_undo_of_an_interrupted_link_removes_what_was_made(tmp_path, library_file, a1111, comfy):
    db = tmp_path / "state" / "links.sqlite3"
    journal = Journal(db)
    plan = plan_links(library_file, [a1111, comfy], "symlink")
    result = apply_plan(plan, store=journal.links)
    assert result.operation_id
    # An interrupted apply leaves links made so far recorded; the user removed one meanwhile.
    first = result.outcomes[0].dest
    assert first is not None
    first.unlink()
    undone = undo(result.operation_id, journal=journal)
    assert undone.complete
    assert [s.done for s in undone.steps] == [True, True]
    assert undone.steps[1].reason == "already gone"
    assert all(not os.path.lexists(o.dest) for o in result.outcomes if o.dest)


def test_undo_refuses_a_link_the_user_replaced(tmp_path, library_file, a1111):
    journal = Journal(tmp_path / "state" / "links.sqlite3")
    result = apply_plan(plan_links(library_file, [a1111], "symlink"), store=journal.links)
    dest = result.outcomes[0].dest
    assert dest is not None and result.operation_id
    dest.unlink()
    dest.write_bytes(b"the user's own file")
    undone = undo(result.operation_id, journal=journal)
    assert not undone.complete and "left alone" in undone.steps[0].reason
    assert dest.read_bytes() == b"the user's own file"
    record = journal.get(result.operation_id)
    assert record is not None and record.undone_at is None


V1_COMMIT = "5f89df7"  # the last commit whose app wrote links.sqlite3 at schema v1


def _v1_records_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The v1 app's own records.py, from git history (skipped where there is none)."""
    import importlib.util
    import subprocess

    repo = Path(__file__).resolve().parents[3]
    try:
        text = subprocess.run(
            ["git", "-C", str(repo), "show", f"{V1_COMMIT}:app/core/linking/records.py"],
            capture_output=True, check=True, timeout=60,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        pytest.skip("no git history here to take the v1 records module from")
    path = tmp_path / "records_v1.py"
    path.write_bytes(text)
    spec = importlib.util.spec_from_file_location("records_v1", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look it up there
    spec.loader.exec_module(module)
    assert module.SCHEMA_VERSION == 1
    return module


def test_a_file_written_by_the_v1_code_itself_migrates_and_undoes(
    tmp_path, library_file, a1111, comfy, monkeypatch
):
    v1 = _v1_records_module(tmp_path, monkeypatch)
    db = tmp_path / "state" / "links.sqlite3"
    old = v1.LinkStore(db)
    op = old.new_operation("link")
    data = library_file.read_bytes()
    for install in (a1111, comfy):
        dest = install.vae_dirs[0].path / library_file.name
        dest.symlink_to(library_file)
        st = os.stat(dest)
        old.add_link(op, dest, library_file, "symlink", link_target=os.readlink(dest),
                     sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                     dev=st.st_dev, ino=st.st_ino)  # fmt: skip

    journal = Journal(db)
    record = journal.latest_undoable()
    assert record is not None and record.id == op
    assert [s.kind for s in record.steps] == ["link-created", "link-created"]
    assert undo(journal=journal).complete
    assert not any(os.path.lexists(i.vae_dirs[0].path / library_file.name) for i in (a1111, comfy))
