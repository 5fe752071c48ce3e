"""The SQL a scan writes with; every function runs inside the caller's transaction."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from app.core.catalog.codec import (
    inspection_from_json,
    inspection_to_json,
    path_from_db,
    path_to_db,
    text_to_db,
)
from app.core.catalog.walk import StatKey
from app.core.hashing.provenance import is_self_hashed
from app.core.hashing.records import FileHashes
from app.core.inspection.records import Inspection
from app.core.registry import STATUS_PENDING, Validation


class KnownLocation(NamedTuple):
    """What the catalog recorded about a path at its last scan (a tuple: one per file)."""

    id: int
    stat: StatKey
    link_kind: str
    file_id: int | None
    has_inspection: bool
    error: str | None
    missing: bool

    def complete(self, hash_now: bool) -> bool:
        """Whether nothing is left to do for this path if its bytes did not change."""
        if self.error is not None:
            return False
        return self.file_id is not None or (not hash_now and self.has_inspection)


@dataclass(frozen=True)
class FileRow:
    """The content-level facts written to ``files`` (one row per SHA-256)."""

    hashes: FileHashes
    hash_source: str
    size: int
    format: str | None
    kind: str | None
    family: str | None
    layout: str | None
    dtype: str | None
    has_encoder: bool | None
    validation: str
    validation_message: str
    official_id: str | None
    inspection: str | None


@dataclass(frozen=True)
class LocationRow:
    """The path-level facts written to ``locations``."""

    path: str
    weights_path: str
    is_folder: bool
    root_id: int | None
    file_id: int | None
    real_path: str
    link_kind: str
    stat: StatKey
    inspection: str | None
    validation: str | None
    validation_message: str | None
    error: str | None


def file_row(
    hashes: FileHashes,
    hash_source: str,
    size: int,
    inspection: Inspection | None,
    validation: Validation,
    family: str | None,
) -> FileRow:
    """The ``files`` row for freshly hashed bytes."""
    return FileRow(
        hashes=hashes,
        hash_source=hash_source,
        size=size,
        format=inspection.format if inspection else None,
        kind=inspection.kind if inspection else None,
        family=family,
        layout=inspection.layout if inspection else None,
        dtype=inspection.dtype if inspection else None,
        has_encoder=inspection.has_encoder if inspection else None,
        validation=validation.status,
        validation_message=validation.message,
        official_id=validation.official_id,
        inspection=inspection_to_json(inspection) if inspection else None,
    )


def start_scan(conn: sqlite3.Connection, roots: list[str], hash_now: bool, now: float) -> int:
    """Record that a scan began; its id marks the locations it sees."""
    cur = conn.execute(
        "INSERT INTO scans (started, roots, hash_now) VALUES (?, ?, ?)",
        (now, json.dumps(roots), int(hash_now)),
    )
    assert cur.lastrowid is not None  # an INSERT on a rowid table always sets it
    return cur.lastrowid


def finish_scan(
    conn: sqlite3.Connection, scan_id: int, outcome: str, report: dict[str, object], now: float
) -> None:
    """Record how a scan ended, with its report."""
    conn.execute(
        "UPDATE scans SET finished = ?, outcome = ?, report = ? WHERE id = ?",
        (now, outcome, json.dumps(report), scan_id),
    )


def ensure_roots(conn: sqlite3.Connection, roots: list[str], now: float) -> dict[str, int]:
    """Register the scanned folders and return their ids."""
    ids = {}
    for root in roots:
        stored = path_to_db(root)
        conn.execute(
            "INSERT INTO roots (path, first_scanned, last_scanned) VALUES (?, ?, ?) "
            "ON CONFLICT (path) DO UPDATE SET last_scanned = excluded.last_scanned",
            (stored, now, now),
        )
        ids[root] = conn.execute("SELECT id FROM roots WHERE path = ?", (stored,)).fetchone()[0]
    return ids


def load_known(conn: sqlite3.Connection) -> dict[str, KnownLocation]:
    """Every known location by path: one query, so a rescan does no per-file lookups."""
    cur = conn.cursor()
    cur.row_factory = None  # plain tuples: this builds one record per cataloged file
    cur.execute(
        "SELECT path, id, st_dev, st_ino, size, mtime_ns, nlink, link_kind, file_id, "
        "inspection IS NOT NULL, error, missing FROM locations"
    )
    return {
        path_from_db(path): KnownLocation(
            id, StatKey(dev, ino, size, mtime, nlink), link, file_id, has_insp, error, bool(gone)
        )
        for path, id, dev, ino, size, mtime, nlink, link, file_id, has_insp, error, gone in cur
    }


def touch_locations(conn: sqlite3.Connection, ids: Iterable[int], scan_id: int, now: float) -> None:
    """Mark locations seen in this scan (and present again if they were missing)."""
    conn.executemany(
        "UPDATE locations SET last_seen = ?, last_scan = ?, missing = 0 WHERE id = ?",
        [(now, scan_id, i) for i in ids],
    )


def location_inspection(conn: sqlite3.Connection, location_id: int) -> Inspection | None:
    """The inspection stored for a not-yet-hashed location."""
    row = conn.execute("SELECT inspection FROM locations WHERE id = ?", (location_id,)).fetchone()
    return inspection_from_json(row[0]) if row is not None else None


def update_links(conn: sqlite3.Connection, location_id: int, row: LocationRow) -> None:
    """Same bytes, but the path became (or stopped being) a link."""
    conn.execute(
        "UPDATE locations SET link_kind = ?, real_path = ?, nlink = ? WHERE id = ?",
        (row.link_kind, row.real_path, row.stat.nlink, location_id),
    )


def shared_identity(
    conn: sqlite3.Connection, stat: StatKey
) -> tuple[FileHashes, str, str | None] | None:
    """Hashes and inspection of another path to the same unchanged inode, if hashed."""
    row = conn.execute(
        "SELECT f.sha256, f.blake3, f.autov1, f.addnet, f.hash_source, f.inspection "
        "FROM locations l JOIN files f ON f.id = l.file_id "
        "WHERE l.st_dev = ? AND l.st_ino = ? AND l.size = ? AND l.mtime_ns = ? LIMIT 1",
        (stat.dev, stat.ino, stat.size, stat.mtime_ns),
    ).fetchone()
    if row is None:
        return None
    return file_hashes(row), row["hash_source"], row["inspection"]


def file_hashes(row: sqlite3.Row) -> FileHashes:
    """The hashes stored in a ``files`` row."""
    return FileHashes(
        sha256=row["sha256"],
        blake3=row["blake3"],
        autov1=row["autov1"] or "",
        addnet=row["addnet"],
    )


def upsert_file(conn: sqlite3.Connection, row: FileRow, now: float) -> int:
    """Insert or refresh the row for these bytes; a known BLAKE3 is never dropped.

    Provenance decides which facts win (:mod:`app.core.hashing.provenance`): a
    row this app hashed is never overwritten from another app's claim, and a
    claimed row that the app now hashed becomes its own; the other paths that
    had only the claim are hashed again (they may hold other bytes).
    """
    h = row.hashes
    existing = conn.execute(
        "SELECT id, hash_source FROM files WHERE sha256 = ?", (h.sha256,)
    ).fetchone()
    if existing is not None and not is_self_hashed(row.hash_source):
        if is_self_hashed(existing[1]):
            return int(existing[0])
    elif existing is not None and not is_self_hashed(existing[1]):
        conn.execute(
            "UPDATE locations SET file_id = NULL, validation = ?, validation_message = ? "
            "WHERE file_id = ?",
            (STATUS_PENDING, "not hashed yet", existing[0]),
        )
    conn.execute(
        "INSERT INTO files (sha256, blake3, autov1, addnet, hash_source, size, format, kind, "
        "family, layout, dtype, has_encoder, validation, validation_message, official_id, "
        "inspection, first_seen, last_seen) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (sha256) DO UPDATE SET hash_source = excluded.hash_source, "
        "blake3 = coalesce(excluded.blake3, blake3), autov1 = coalesce(excluded.autov1, autov1), "
        "addnet = coalesce(excluded.addnet, addnet), size = excluded.size, "
        "format = excluded.format, kind = excluded.kind, family = excluded.family, "
        "layout = excluded.layout, dtype = excluded.dtype, has_encoder = excluded.has_encoder, "
        "validation = excluded.validation, validation_message = excluded.validation_message, "
        "official_id = excluded.official_id, "
        "inspection = coalesce(excluded.inspection, inspection), last_seen = excluded.last_seen",
        (
            h.sha256, h.blake3, h.autov1 or None, h.addnet, text_to_db(row.hash_source), row.size,
            row.format, row.kind, row.family, row.layout, row.dtype,
            None if row.has_encoder is None else int(row.has_encoder),
            row.validation, text_to_db(row.validation_message), row.official_id, row.inspection,
            now, now,
        ),
    )  # fmt: skip
    return int(conn.execute("SELECT id FROM files WHERE sha256 = ?", (h.sha256,)).fetchone()[0])


def upsert_location(
    conn: sqlite3.Connection, row: LocationRow, scan_id: int | None, now: float
) -> None:
    """Insert or replace what is known about one path; first_seen survives.

    ``scan_id`` is None for a path cataloged outside a scan (an import): no scan saw it.
    """
    st = row.stat
    conn.execute(
        "INSERT INTO locations (path, weights_path, is_folder, root_id, file_id, real_path, "
        "link_kind, st_dev, st_ino, nlink, size, mtime_ns, inspection, validation, "
        "validation_message, error, missing, last_scan, first_seen, last_seen) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) "
        "ON CONFLICT (path) DO UPDATE SET weights_path = excluded.weights_path, "
        "is_folder = excluded.is_folder, root_id = excluded.root_id, file_id = excluded.file_id, "
        "real_path = excluded.real_path, link_kind = excluded.link_kind, "
        "st_dev = excluded.st_dev, st_ino = excluded.st_ino, nlink = excluded.nlink, "
        "size = excluded.size, mtime_ns = excluded.mtime_ns, inspection = excluded.inspection, "
        "validation = excluded.validation, validation_message = excluded.validation_message, "
        "error = excluded.error, missing = 0, last_scan = excluded.last_scan, "
        "last_seen = excluded.last_seen",
        (
            path_to_db(row.path), path_to_db(row.weights_path), int(row.is_folder), row.root_id,
            row.file_id, path_to_db(row.real_path), row.link_kind, st.dev, st.ino, st.nlink,
            st.size, st.mtime_ns, row.inspection, row.validation,
            text_to_db(row.validation_message), text_to_db(row.error), scan_id, now, now,
        ),
    )  # fmt: skip


def mark_missing(
    conn: sqlite3.Connection, roots: list[str], scan_id: int, unknown_dirs: list[str]
) -> int:
    """Flag locations under ``roots`` this scan did not see; skip folders it could not read."""
    rows = conn.execute(
        "SELECT id, path FROM locations "
        "WHERE missing = 0 AND (last_scan IS NULL OR last_scan != ?)",
        (scan_id,),
    ).fetchall()
    gone = [
        row["id"]
        for row in rows
        if any(_under(row["path"], r) for r in roots)
        and not any(_under(row["path"], d) for d in unknown_dirs)
    ]
    conn.executemany("UPDATE locations SET missing = 1 WHERE id = ?", [(i,) for i in gone])
    return len(gone)


def delete_orphan_files(conn: sqlite3.Connection) -> int:
    """Drop content rows no path points at any more (the bytes changed everywhere)."""
    cur = conn.execute(
        "DELETE FROM files WHERE id NOT IN "
        "(SELECT file_id FROM locations WHERE file_id IS NOT NULL)"
    )
    return cur.rowcount


def _under(path: str, folder: str) -> bool:
    if path == folder:
        return True
    prefix = folder if folder.endswith(os.sep) else folder + os.sep
    return path.startswith(prefix)
