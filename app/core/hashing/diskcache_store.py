"""Read a ``diskcache`` store (A1111 >= 1.9, Forge, reForge) with plain sqlite3.

diskcache keeps ``<dir>/cache.db`` with a ``Cache`` table. Keys that are str,
bytes, int or float are stored as-is with ``raw = 1``; other keys are pickled.
Values: mode 1 (raw) holds the value itself, mode 4 (pickle) holds a pickle in
the ``value`` blob, or in ``filename`` when it is larger than the store's
minimum file size (A1111 sets 256 KiB, which a hash entry never reaches, so
file-backed values are skipped). Pickles go through :mod:`plain_pickle`, so a
tampered cache cannot run code. The database is opened read-only while the
other UI may have it open: SQLite's WAL mode lets both proceed.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from app.core.hashing.plain_pickle import MAX_PICKLE_BYTES, UnsafePickle, loads_plain
from app.core.lazy_log import lazy_logger

log = lazy_logger(__name__)

DB_NAME = "cache.db"
MODE_RAW = 1
MODE_PICKLE = 4
# A hash entry is a title and a ~100-byte pickle; bigger rows (or an endless table) are not
# read at all, so a planted cache.db cannot make the scan load gigabytes.
MAX_KEY_BYTES = 4096
MAX_ROWS = 200_000
_QUERY = (
    "SELECT key, raw, expire_time, mode, filename, value FROM Cache "
    f"WHERE length(key) <= {MAX_KEY_BYTES} "
    f"AND (value IS NULL OR length(value) <= {MAX_PICKLE_BYTES}) LIMIT {MAX_ROWS}"
)


def read_store(directory: Path) -> dict[str, object]:
    """All unexpired ``{key: value}`` entries with a str key; {} if there is no store."""
    db = directory / DB_NAME
    if not db.is_file():
        return {}
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=2.0)
    except sqlite3.Error as exc:
        log.info("cannot open %s: %s", db, exc)
        return {}
    try:
        rows = con.execute(_QUERY).fetchall()
    except sqlite3.Error as exc:
        log.info("cannot read %s: %s", db, exc)
        return {}
    finally:
        con.close()
    return _decode_rows(rows, db)


def _decode_rows(rows: list[tuple[Any, ...]], db: Path) -> dict[str, object]:  # sqlite3 rows
    now = time.time()
    entries: dict[str, object] = {}
    for key, raw, expire_time, mode, filename, value in rows:
        if expire_time is not None and expire_time < now:
            continue
        try:
            title = _decode_key(key, raw)
            if isinstance(title, str) and filename is None:
                entries[title] = _decode_value(mode, value)
        except (UnsafePickle, ValueError) as exc:
            log.warning("skipping an entry of %s: %s", db, exc)
    return entries


def _decode_key(key: object, raw: int) -> object:
    if raw:
        return key
    if not isinstance(key, bytes):
        raise ValueError("pickled key is not a blob")
    return loads_plain(key)


def _decode_value(mode: int, value: object) -> object:
    if mode == MODE_RAW:
        return value
    if mode == MODE_PICKLE and isinstance(value, bytes):
        return loads_plain(value)
    raise ValueError(f"unsupported diskcache value mode {mode}")
