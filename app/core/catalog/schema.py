"""The catalog's schema as numbered migrations; append, never edit a shipped one.

One row in ``files`` per distinct content (SHA-256); one row in ``locations``
per path where a model was found. Locations point at their file once hashed.
Their stat identity (device, inode, size, mtime) tells a rescan that nothing
changed, and lets hardlinks and symlinks share one hash. A location that
disappears is flagged ``missing``, never deleted by a scan.

``files.label`` is a name the user set for these bytes (NULL: none).
``files.first_seen``/``last_seen`` say when these bytes were first and last
examined; when they were last *present* comes from their locations.
"""

from __future__ import annotations

import sqlite3

from app.core.catalog.codec import inspection_from_json
from app.core.catalog.db import Migration
from app.core.hashing.provenance import HASH_SOURCE_SELF, foreign_message
from app.core.inspection.records import KIND_CHECKPOINT
from app.core.registry import STATUS_INVALID, STATUS_PENDING, STATUS_UNKNOWN

_V1 = """
CREATE TABLE roots (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    first_scanned REAL NOT NULL,
    last_scanned REAL NOT NULL
);

CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    blake3 TEXT,
    autov1 TEXT,
    addnet TEXT,
    hash_source TEXT NOT NULL,
    size INTEGER NOT NULL,
    format TEXT,
    kind TEXT,
    family TEXT,
    layout TEXT,
    dtype TEXT,
    has_encoder INTEGER,
    validation TEXT NOT NULL,
    validation_message TEXT NOT NULL DEFAULT '',
    official_id TEXT,
    inspection TEXT,
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL
);

CREATE TABLE locations (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    weights_path TEXT NOT NULL,
    is_folder INTEGER NOT NULL DEFAULT 0,
    root_id INTEGER REFERENCES roots(id) ON DELETE SET NULL,
    file_id INTEGER REFERENCES files(id) ON DELETE SET NULL,
    real_path TEXT NOT NULL,
    link_kind TEXT NOT NULL CHECK (link_kind IN ('regular', 'symlink', 'hardlink')),
    st_dev INTEGER NOT NULL,
    st_ino INTEGER NOT NULL,
    nlink INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inspection TEXT,
    validation TEXT,
    validation_message TEXT,
    error TEXT,
    missing INTEGER NOT NULL DEFAULT 0,
    last_scan INTEGER,
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL
);

CREATE INDEX locations_identity ON locations (st_dev, st_ino);
CREATE INDEX locations_file ON locations (file_id);
CREATE INDEX locations_real_path ON locations (real_path);
CREATE INDEX locations_weights_path ON locations (weights_path);

CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    started REAL NOT NULL,
    finished REAL,
    roots TEXT NOT NULL,
    hash_now INTEGER NOT NULL,
    outcome TEXT NOT NULL DEFAULT 'running',
    report TEXT
);
"""


def _v2_foreign_hashes_give_no_verdict(conn: sqlite3.Connection) -> None:
    """Verdicts stored from another app's hash are taken back (see ``hashing.provenance``).

    Up to schema 1 a Stability Matrix sidecar or an A1111 cache entry could make
    any file ``official``. Checkpoints keep such a hash (it is informational)
    but lose any official/mismatch verdict; for everything else the row is
    dropped and its locations wait to be hashed by the app itself.
    """
    rows = conn.execute(
        "SELECT id, kind, hash_source, validation, inspection FROM files WHERE hash_source != ?",
        (HASH_SOURCE_SELF,),
    ).fetchall()
    for file_id, kind, source, validation, inspection_json in rows:
        if kind != KIND_CHECKPOINT:
            conn.execute(
                "UPDATE locations SET file_id = NULL, validation = ?, validation_message = ? "
                "WHERE file_id = ?",
                (STATUS_PENDING, "not hashed yet", file_id),
            )
            conn.execute("DELETE FROM files WHERE id = ?", (file_id,))
        elif validation != STATUS_INVALID:
            inspection = inspection_from_json(inspection_json)
            conn.execute(
                "UPDATE files SET validation = ?, validation_message = ?, official_id = NULL, "
                "family = coalesce(?, family) WHERE id = ?",
                (
                    STATUS_UNKNOWN,
                    foreign_message(source),
                    inspection.family if inspection else None,
                    file_id,
                ),
            )


# v3: a name the user gave these bytes (the library's "Rename…"); NULL: named after a file.
_V3_LABEL = "ALTER TABLE files ADD COLUMN label TEXT;"

# MIGRATIONS[n] takes a database from user_version n to n + 1.
MIGRATIONS: list[Migration] = [_V1, _v2_foreign_hashes_give_no_verdict, _V3_LABEL]
