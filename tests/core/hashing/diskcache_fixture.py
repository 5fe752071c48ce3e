"""Write a diskcache 5.x store the way diskcache itself does, without the package."""

from __future__ import annotations

import pickle
import pickletools
import sqlite3
import time
from pathlib import Path

# Same statements as diskcache.core.Cache.__init__ (5.6).
SCHEMA = [
    "CREATE TABLE IF NOT EXISTS Settings ( key TEXT NOT NULL UNIQUE, value)",
    "CREATE TABLE IF NOT EXISTS Cache ( rowid INTEGER PRIMARY KEY, key BLOB, raw INTEGER,"
    " store_time REAL, expire_time REAL, access_time REAL, access_count INTEGER DEFAULT 0,"
    " tag BLOB, size INTEGER DEFAULT 0, mode INTEGER DEFAULT 0, filename TEXT, value BLOB)",
    "CREATE UNIQUE INDEX IF NOT EXISTS Cache_key_raw ON Cache(key, raw)",
    "CREATE INDEX IF NOT EXISTS Cache_expire_time ON Cache (expire_time)",
]
MODE_RAW, MODE_PICKLE = 1, 4


def open_store(directory: Path) -> sqlite3.Connection:
    directory.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(directory / "cache.db", isolation_level=None)
    con.execute("PRAGMA journal_mode = wal")  # diskcache's default sqlite_journal_mode
    for statement in SCHEMA:
        con.execute(statement)
    con.execute("INSERT OR REPLACE INTO Settings VALUES ('count', 0)")
    return con


def put(
    con: sqlite3.Connection,
    key: object,
    value: object,
    *,
    expire_time: float | None = None,
    raw_value: bytes | None = None,
) -> None:
    """Store like diskcache.Disk.put/store: str keys raw, other keys pickled; dicts pickled."""
    if isinstance(key, str):
        db_key, raw = key, 1
    else:
        db_key, raw = sqlite3.Binary(pickletools.optimize(pickle.dumps(key, protocol=5))), 0
    if isinstance(value, (int, float)) and raw_value is None:
        mode, db_value = MODE_RAW, value
    else:
        blob = raw_value if raw_value is not None else pickle.dumps(value, protocol=5)
        mode, db_value = MODE_PICKLE, sqlite3.Binary(blob)
    now = time.time()
    con.execute(
        "INSERT OR REPLACE INTO Cache(key, raw, store_time, expire_time, access_time,"
        " access_count, tag, size, mode, filename, value) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (db_key, raw, now, expire_time, now, 0, None, 0, mode, None, db_value),
    )


def write_store(directory: Path, entries: dict[object, object]) -> None:
    con = open_store(directory)
    for key, value in entries.items():
        put(con, key, value)
    con.close()
