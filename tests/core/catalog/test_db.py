from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core import sqlite_db
from app.core.catalog.schema import MIGRATIONS
from app.core.catalog.store import Catalog
from app.core.errors import UserError


def test_new_catalog_uses_wal_foreign_keys_and_normal_sync(tmp_path: Path) -> None:
    with Catalog(tmp_path / "c.sqlite3") as cat:
        conn = cat.connection
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == sqlite_db.BUSY_TIMEOUT_MS
        assert cat.database.schema_version == len(MIGRATIONS)
        assert cat.backup_path is None  # nothing to back up in a new file


def test_foreign_keys_are_enforced(catalog: Catalog) -> None:
    with pytest.raises(sqlite3.IntegrityError), catalog.transaction() as conn:
        conn.execute(
            "INSERT INTO locations (path, weights_path, file_id, real_path, link_kind, st_dev, "
            "st_ino, nlink, size, mtime_ns, first_seen, last_seen) "
            "VALUES ('/x', '/x', 999, '/x', 'regular', 1, 1, 1, 1, 1, 0, 0)"
        )


def test_transaction_rolls_back_on_error(catalog: Catalog) -> None:
    with pytest.raises(RuntimeError), catalog.transaction() as conn:
        conn.execute("INSERT INTO roots (path, first_scanned, last_scanned) VALUES ('/r', 0, 0)")
        raise RuntimeError("boom")
    assert catalog.connection.execute("SELECT count(*) FROM roots").fetchone()[0] == 0


def test_upgrade_backs_up_the_older_catalog_first(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with Catalog(path) as cat, cat.transaction() as conn:
        conn.execute("INSERT INTO roots (path, first_scanned, last_scanned) VALUES ('/r', 0, 0)")
    newer = [*MIGRATIONS, "ALTER TABLE roots ADD COLUMN label TEXT;"]
    with Catalog(path, migrations=newer) as cat:
        backup = cat.backup_path
        assert cat.database.schema_version == len(newer)
        cat.connection.execute("SELECT label FROM roots").fetchall()
    assert backup is not None and backup.exists() and backup.name.endswith(".bak")
    old = sqlite3.connect(backup)
    try:
        assert old.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert old.execute("SELECT path FROM roots").fetchall() == [("/r",)]
        assert old.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        old.close()


def test_failed_migration_leaves_the_old_schema(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    Catalog(path).close()
    broken = [*MIGRATIONS, "ALTER TABLE roots ADD COLUMN label TEXT; SELECT * FROM nowhere;"]
    with pytest.raises(sqlite3.OperationalError):
        Catalog(path, migrations=broken)
    with Catalog(path) as cat:
        assert cat.database.schema_version == len(MIGRATIONS)
        columns = [r[1] for r in cat.connection.execute("PRAGMA table_info(roots)")]
        assert "label" not in columns


def test_catalog_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    Catalog(path, migrations=[*MIGRATIONS, "SELECT 1;"]).close()
    with pytest.raises(UserError, match="newer version"):
        Catalog(path)


def test_statements_split_keeps_semicolons_inside_strings() -> None:
    script = "CREATE TABLE t (x TEXT DEFAULT 'a;b');\nINSERT INTO t VALUES ('c;d');"
    assert sqlite_db.split_statements(script) == [
        "CREATE TABLE t (x TEXT DEFAULT 'a;b');",
        "INSERT INTO t VALUES ('c;d');",
    ]
