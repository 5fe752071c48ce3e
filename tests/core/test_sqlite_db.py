"""The one SQLite wrapper: real damaged, locked, newer and read-only files, real SQLite errors."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

import pytest

from app.core import sqlite_db
from app.core.errors import UserError
from app.core.sqlite_db import Database, DatabaseProblem, Trouble

SCHEMA = ["CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE, blob BLOB);"]
WAY_OUT = "Run `restore` or `rebuild`."
REPO = Path(__file__).resolve().parents[2]


def _open(path: Path, migrations=SCHEMA, **kw) -> Database:
    return Database(path, migrations, name="test", way_out=WAY_OUT, **kw)


def _filled(path: Path, rows: int = 400) -> Path:
    with _open(path) as db, db.transaction() as conn:
        conn.executemany(
            "INSERT INTO items (name, blob) VALUES (?, ?)",
            [(f"n{i}", os.urandom(2000)) for i in range(rows)],
        )
    return path


def test_settings_of_a_new_file(tmp_path: Path) -> None:
    with _open(tmp_path / "sub" / "t.sqlite3") as db:
        conn = db.connection
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == sqlite_db.BUSY_TIMEOUT_MS
        assert db.schema_version == 1 and db.backup_path is None


def test_garbage_bytes_are_a_damaged_file_with_the_way_out(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    garbage = os.urandom(8192)
    path.write_bytes(garbage)
    with pytest.raises(DatabaseProblem) as caught:
        _open(path)
    problem = caught.value
    assert isinstance(problem, UserError)
    assert problem.trouble is Trouble.CORRUPT and problem.path == path
    assert str(problem) == (
        f"the test database {path} is damaged (file is not a database). {WAY_OUT}"
    )
    assert path.read_bytes() == garbage  # looked at, never touched


def test_a_truncated_file_is_damaged(tmp_path: Path) -> None:
    path = _filled(tmp_path / "t.sqlite3")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # a copy cut short
    with pytest.raises(DatabaseProblem) as caught:
        _open(path)
    assert caught.value.trouble is Trouble.CORRUPT
    assert "is damaged (database disk image is malformed)" in str(caught.value)
    assert len(path.read_bytes()) == len(data) // 2


def test_a_damaged_page_is_caught_while_rows_are_stepped(tmp_path: Path) -> None:
    path = _filled(tmp_path / "t.sqlite3")
    with open(path, "r+b") as f:  # the schema and the first half of the rows stay whole
        page = int.from_bytes(f.read(18)[16:18], "big")
        pages = path.stat().st_size // page
        for number in range(pages // 2, pages, 5):  # the later leaves: the first rows read
            f.seek(number * page)
            f.write(b"\xff" * 64)
    db = _open(path)  # opens: page 1 is sound
    try:
        with pytest.raises(DatabaseProblem) as caught:
            for _row in db.connection.execute("SELECT name, blob FROM items"):
                pass
    finally:
        db.close()
    assert caught.value.trouble is Trouble.CORRUPT


def test_a_write_lock_held_elsewhere_is_locked_not_a_bug(tmp_path: Path) -> None:
    path = _filled(tmp_path / "t.sqlite3", rows=1)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with _open(path, busy_timeout_ms=100) as db:
            assert db.fetchone("SELECT count(*) FROM items")[0] == 1  # WAL: readers go on
            with pytest.raises(DatabaseProblem) as caught, db.transaction():
                pass
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert caught.value.trouble is Trouble.LOCKED
    assert "is locked by another program" in str(caught.value) and WAY_OUT in str(caught.value)


def test_an_exclusive_lock_on_a_rollback_journal_file_is_locked_on_open(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE x (y)")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO x VALUES (1)")
    try:
        with pytest.raises(DatabaseProblem) as caught:
            _open(path, busy_timeout_ms=100)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert caught.value.trouble is Trouble.LOCKED


def test_a_newer_schema_is_refused_without_touching_the_file(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    _open(path, [*SCHEMA, "CREATE TABLE later (x);"]).close()
    before = path.read_bytes()
    with pytest.raises(DatabaseProblem, match="newer version of the app") as caught:
        _open(path)
    assert caught.value.trouble is Trouble.NEWER_SCHEMA
    assert WAY_OUT not in str(caught.value)  # restoring or rebuilding would lose the newer data
    assert path.read_bytes() == before


def test_a_migration_backs_up_the_file_first(tmp_path: Path) -> None:
    path = _filled(tmp_path / "t.sqlite3", rows=3)
    with _open(path, [*SCHEMA, "ALTER TABLE items ADD COLUMN label TEXT;"]) as db:
        assert db.schema_version == 2
        backup = db.backup_path
    assert backup is not None and backup.name.startswith("t.sqlite3.v1-")
    old = sqlite3.connect(backup)
    try:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        assert old.execute("SELECT count(*) FROM items").fetchone()[0] == 3
        assert "label" not in [r[1] for r in old.execute("PRAGMA table_info(items)")]
    finally:
        old.close()


def test_read_only_and_full_are_classified_by_sqlite_code(tmp_path: Path) -> None:
    with _open(tmp_path / "t.sqlite3") as db:
        db.execute("PRAGMA query_only = ON")  # SQLite's own SQLITE_READONLY, no chmod needed
        with pytest.raises(DatabaseProblem) as caught:
            db.execute("INSERT INTO items (name) VALUES ('a')")
        assert caught.value.trouble is Trouble.READ_ONLY and WAY_OUT not in str(caught.value)
        db.execute("PRAGMA query_only = OFF")
        pages = db.fetchone("PRAGMA page_count")[0]
        db.execute(f"PRAGMA max_page_count = {pages + 1}")
        with pytest.raises(DatabaseProblem) as caught, db.transaction() as conn:
            conn.execute("INSERT INTO items (blob) VALUES (?)", (os.urandom(50_000),))
        assert caught.value.trouble is Trouble.FULL
        assert "is full; free some space" in str(caught.value)
        assert db.fetchone("SELECT count(*) FROM items")[0] == 0  # rolled back


def test_a_folder_in_place_of_the_file_cannot_be_opened(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    path.mkdir()
    with pytest.raises(DatabaseProblem) as caught:
        _open(path)
    assert caught.value.trouble is Trouble.CANT_OPEN


_READ_ONLY_CHILD = textwrap.dedent(
    """
    import json, os, sys
    from app.core.sqlite_db import Database, DatabaseProblem

    if os.geteuid() == 0:  # root ignores chmod: be user nobody
        os.setgid(65534)
        os.setuid(65534)
    try:
        with Database(sys.argv[1], [sys.argv[2]], name="test") as db, db.transaction() as c:
            c.execute("INSERT INTO items (name) VALUES ('b')")
        print(json.dumps({"wrote": True}))
    except DatabaseProblem as problem:
        print(json.dumps({"trouble": str(problem.trouble), "message": str(problem)}))
    """
)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_read_only_folder_is_a_user_error(tmp_path: Path) -> None:
    """The file and its folder read-only for the user (run as nobody when tests run as root)."""
    base = Path(tempfile.mkdtemp(prefix="sqlite-ro-"))  # under /tmp: reachable by nobody
    try:
        base.chmod(0o755)
        path = _filled(base / "t.sqlite3", rows=1)
        path.chmod(0o444)
        base.chmod(0o555)
        child = subprocess.run(
            [sys.executable, "-c", _READ_ONLY_CHILD, str(path), SCHEMA[0]],
            cwd=REPO, capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )  # fmt: skip
        if child.returncode != 0 and "Operation not permitted" in child.stderr:
            pytest.skip("cannot drop root's privileges here")
        assert child.returncode == 0, child.stderr
        result = json.loads(child.stdout)
    finally:
        base.chmod(0o755)
        shutil.rmtree(base)
    assert result.get("trouble") == Trouble.READ_ONLY, result
    assert result["message"].startswith(f"the test database {path} cannot be written (")
    assert f"the folder {base} are writable" in result["message"]


def test_bugs_stay_bugs(tmp_path: Path) -> None:
    with _open(tmp_path / "t.sqlite3") as db:
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            db.execute("SELECT * FROM nowhere")
        db.execute("INSERT INTO items (name) VALUES ('a')")
        with pytest.raises(sqlite3.IntegrityError), db.transaction() as conn:
            conn.execute("INSERT INTO items (name) VALUES ('a')")
        assert not issubclass(sqlite3.IntegrityError, UserError)


def test_one_object_shared_by_threads_keeps_transactions_apart(tmp_path: Path) -> None:
    """Without the lock, a second thread's BEGIN lands inside the first one's transaction."""
    errors: list[BaseException] = []
    with _open(tmp_path / "t.sqlite3") as db:

        def writer(n: int) -> None:
            try:
                for i in range(50):
                    with contextlib.suppress(KeyError), db.transaction() as conn:
                        conn.execute("INSERT INTO items (name) VALUES (?)", (f"{n}-{i}",))
                        if i % 7 == 0:
                            raise KeyError("rolled back")
                    db.fetchall("SELECT name FROM items")
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert db.fetchone("SELECT count(*) FROM items")[0] == 4 * (50 - 8)


def test_statements_split_keeps_semicolons_inside_strings() -> None:
    script = "CREATE TABLE t (x TEXT DEFAULT 'a;b');\nINSERT INTO t VALUES ('c;d');"
    assert sqlite_db.split_statements(script) == [
        "CREATE TABLE t (x TEXT DEFAULT 'a;b');",
        "INSERT INTO t VALUES ('c;d');",
    ]


def test_a_problem_survives_pickling(tmp_path: Path) -> None:
    import pickle

    problem = DatabaseProblem(Trouble.LOCKED, "test", tmp_path / "t.sqlite3", "locked", WAY_OUT)
    copy = pickle.loads(pickle.dumps(problem))
    assert (copy.trouble, copy.path, str(copy)) == (problem.trouble, problem.path, str(problem))
