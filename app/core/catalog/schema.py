"""The catalog's schema as numbered migrations; append, never edit a shipped one.

One row in ``files`` per distinct content (SHA-256); one row in ``locations``
per path where a model was found. Locations point at their file once hashed.
Their stat identity (device, inode, size, mtime) tells a rescan that nothing
changed, and lets hardlinks and symlinks share one hash. A location that
disappears is flagged ``missing``, never deleted by a scan.

``files.first_seen``/``last_seen`` say when these bytes were first and last
examined; when they were last *present* comes from their locations.
"""

from __future__ import annotations

from app.core.catalog.db import Migration

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

# MIGRATIONS[n] takes a database from user_version n to n + 1.
MIGRATIONS: list[Migration] = [_V1]
