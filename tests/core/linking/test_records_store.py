"""LinkStore on the one SQLite wrapper: one connection, shared by threads, v2 files unchanged."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from app.core.linking import LinkStore, plan_links
from app.core.linking.records import SCHEMA_VERSION
from app.core.operations.journal import Journal
from app.core.operations.link import link_into
from app.core.operations.undo import undo
from app.core.sqlite_recovery import backups_of
from tests.core.operations.test_migration_v1 import V1_SCHEMA

# Frozen: the exact script the app before the wrapper ran on a new file (schema v2).
V2_SCRIPT = """
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

ALTER TABLE operations ADD COLUMN summary TEXT NOT NULL DEFAULT '';
CREATE TABLE steps (
    id INTEGER PRIMARY KEY,
    operation_id TEXT NOT NULL REFERENCES operations(id),
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX steps_operation ON steps(operation_id);
PRAGMA user_version = 2;"""


def _schema(db: Path) -> list[tuple[str, str, str | None]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()


def _shape(db: Path) -> dict[str, object]:
    """Columns and indexes, however the CREATE text was spelled."""
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t: (
                conn.execute(f"PRAGMA table_info({t})").fetchall(),
                sorted(conn.execute(f"PRAGMA index_list({t})").fetchall(), key=lambda r: r[1]),
            )
            for t in sorted(tables)
        }
    finally:
        conn.close()


def _v2_db_written_before_the_wrapper(db: Path, dest: Path, source: Path) -> None:
    """A v2 file as the app before the wrapper wrote it: one link and its step."""
    db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(V2_SCRIPT)
    st = os.lstat(dest)
    data = source.read_bytes()
    with conn:
        conn.execute(
            "INSERT INTO operations (id, kind, summary, created_at) VALUES ('op2', 'link', ?, ?)",
            (f"link {source.name} into A1111", time.time()),
        )
        cur = conn.execute(
            "INSERT INTO links (operation_id, dest, dest_key, source, mode, link_target,"
            " sha256, size, dev, ino, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            ("op2", str(dest), os.path.normcase(str(dest)), str(source), "symlink",
             os.readlink(dest), hashlib.sha256(data).hexdigest(), len(data),
             st.st_dev, st.st_ino, time.time()),
        )  # fmt: skip
        step = {"link_id": cur.lastrowid, "dest": str(dest), "source": str(source)}
        conn.execute(
            "INSERT INTO steps (operation_id, kind, data, created_at) VALUES (?, ?, ?, ?)",
            ("op2", "link-created", json.dumps(step), time.time()),
        )
    conn.close()


def test_a_v2_file_from_before_the_wrapper_opens_unchanged_and_undoes(
    tmp_path, library_file, a1111
):
    db = tmp_path / "state" / "links.sqlite3"
    dest = a1111.vae_dirs[0].path / library_file.name
    dest.symlink_to(library_file)
    _v2_db_written_before_the_wrapper(db, dest, library_file)
    before = _schema(db)

    with Journal(db) as journal:
        record = journal.latest_undoable()
        assert record is not None and record.id == "op2"
        assert record.summary == f"link {library_file.name} into A1111"
        assert journal.links.active_for_dest(dest) is not None
        assert journal.links.database.schema_version == SCHEMA_VERSION == 2
        assert journal.links.database.backup_path is None
    assert _schema(db) == before and backups_of(db) == []  # not migrated, not backed up

    with Journal(db) as journal:
        assert undo(journal=journal).complete
    assert not os.path.lexists(dest) and library_file.exists()


def test_a_new_file_has_exactly_the_schema_the_app_wrote_before(tmp_path):
    fresh, frozen = tmp_path / "new.sqlite3", tmp_path / "frozen.sqlite3"
    with LinkStore(fresh) as store:
        store.operations()
    conn = sqlite3.connect(frozen)
    conn.executescript(V2_SCRIPT)
    conn.close()
    assert _schema(fresh) == _schema(frozen)


def test_a_migrated_v1_file_has_the_same_columns_and_indexes_as_a_new_one(tmp_path):
    old, fresh = tmp_path / "old.sqlite3", tmp_path / "new.sqlite3"
    conn = sqlite3.connect(old)
    conn.executescript(V1_SCHEMA)
    conn.close()
    for path in (old, fresh):
        with LinkStore(path) as store:
            store.operations()
    assert _shape(old) == _shape(fresh)
    assert len(backups_of(old)) == 1 and backups_of(fresh) == []


def _count_connections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    real = sqlite3.connect

    def counting(database, *args, **kwargs):
        opened.append(os.fspath(database))
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counting)
    return opened


def test_one_link_plan_and_apply_opens_one_connection(
    tmp_path, library_file, a1111, comfy, monkeypatch
):
    """The review counted 8 connections (a PRAGMA set and schema check each) for one link."""
    journal = Journal(tmp_path / "state" / "links.sqlite3")
    opened = _count_connections(monkeypatch)
    result = link_into(library_file, [a1111, comfy], mode="symlink", journal=journal)
    assert result.operation_id is not None
    record = journal.get(result.operation_id)
    assert record is not None and [s.kind for s in record.steps] == ["link-created"] * 2
    assert journal.latest_undoable() == record
    plan_links(library_file, [a1111, comfy])  # the dialog's re-plan
    assert [journal.links.active_for_dest(o.dest) is not None for o in result.outcomes if o.dest]
    assert opened == [str(journal.db_path)]
    journal.close()


def test_one_store_shared_by_threads_records_every_link(tmp_path, monkeypatch):
    store = LinkStore(tmp_path / "links.sqlite3")
    opened = _count_connections(monkeypatch)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(15):
                op = store.new_operation("link", f"t{n}-{i}")
                store.add_link(op, tmp_path / f"ui{n}" / f"{i}.safetensors", tmp_path / "lib",
                               "symlink", link_target="../lib", sha256="ab" * 32, size=1,
                               dev=None, ino=None)  # fmt: skip
                assert store.active_in_operation(op)
        except BaseException as exc:  # the main thread reports it
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors and not any(t.is_alive() for t in threads)
    assert len(store.active_links()) == 60 and len(store.operations(limit=100)) == 60
    assert all(store.step_kinds(op.id) == {"link-created"} for op in store.operations(limit=100))
    assert len(opened) == 1
    store.close()


def test_writes_inside_connect_are_one_transaction(tmp_path):
    store = LinkStore(tmp_path / "links.sqlite3")
    with pytest.raises(RuntimeError), store.connect():
        op = store.new_operation("link", "half")
        store.add_link(op, tmp_path / "a", tmp_path / "lib", "copy", link_target=None,
                       sha256="cd" * 32, size=1, dev=1, ino=2)  # fmt: skip
        raise RuntimeError("interrupted")
    assert store.operations() == [] and store.active_links() == []  # all rolled back
    with store.connect():
        op = store.new_operation("link", "whole")
        store.mark_undone(op)
    [done] = store.operations()
    assert done.id == op and done.undone_at is not None


def test_a_snapshot_sees_one_state_while_another_program_writes(tmp_path):
    store = LinkStore(tmp_path / "links.sqlite3")
    store.new_operation()
    other = sqlite3.connect(store.db_path, isolation_level=None)
    try:
        with store.snapshot() as conn:
            first = conn.execute("SELECT count(*) FROM operations").fetchone()[0]
            other.execute("INSERT INTO operations (id, kind, created_at) VALUES ('x', 'link', 0)")
            assert conn.execute("SELECT count(*) FROM operations").fetchone()[0] == first == 1
        assert len(store.operations()) == 2
    finally:
        other.close()


def _open_descriptors(path: Path) -> int:
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        pytest.skip("no /proc/self/fd here to see open files")
    count = 0
    for fd in fd_dir.iterdir():
        with contextlib.suppress(OSError):  # the listing's own descriptor is gone already
            count += os.readlink(fd) == str(path)
    return count


def test_close_and_a_dropped_store_release_the_file(tmp_path):
    db = tmp_path / "links.sqlite3"
    store = LinkStore(db)
    assert _open_descriptors(db) == 0  # constructing opens nothing
    store.new_operation()
    assert _open_descriptors(db) == 1
    store.close()
    assert _open_descriptors(db) == 0
    assert len(store.operations()) == 1  # opens again on use
    journal = Journal(db)
    journal.recent()
    assert _open_descriptors(db) == 2
    del store, journal
    gc.collect()
    assert _open_descriptors(db) == 0
