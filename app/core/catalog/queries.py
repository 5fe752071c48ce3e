"""Read-side SQL: rows of the catalog turned into the records the UI shows."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from itertools import groupby

from app.core.catalog.codec import inspection_from_json, path_from_db
from app.core.catalog.codec import path_to_db as _db
from app.core.catalog.records import CatalogEntry, DuplicateGroup, LocationRecord, PendingHash
from app.core.catalog.writes import file_hashes
from app.core.hashing.provenance import HASH_SOURCE_SELF
from app.core.hashing.records import FileHashes
from app.core.inspection.records import Inspection

_FILE_LOCATIONS = (
    "SELECT f.*, l.path AS loc_path, l.missing AS loc_missing, l.first_seen AS loc_first, "
    "l.last_seen AS loc_last FROM files f JOIN locations l ON l.file_id = f.id "
)
_UNHASHED = "SELECT * FROM locations l WHERE l.file_id IS NULL "


def entries(conn: sqlite3.Connection) -> list[CatalogEntry]:
    """Every hashed file and every not-yet-hashed physical file, by first path."""
    found = _hashed_entries(conn.execute(_FILE_LOCATIONS + "ORDER BY f.id, l.path"))
    found += _unhashed_entries(conn.execute(_UNHASHED + "ORDER BY st_dev, st_ino, path"))
    return sorted(found, key=lambda e: (e.locations or e.missing_locations or ("",))[0].lower())


def entry_for_path(conn: sqlite3.Connection, path: str) -> CatalogEntry | None:
    """The entry a path (a location, or the target of a linked location) belongs to."""
    row = conn.execute(
        "SELECT file_id, st_dev, st_ino FROM locations WHERE path = ? OR real_path = ? "
        "ORDER BY path = ? DESC LIMIT 1",
        (_db(os.path.abspath(path)), _db(os.path.realpath(path)), _db(os.path.abspath(path))),
    ).fetchone()
    if row is None:
        return None
    if row["file_id"] is not None:
        rows = conn.execute(_FILE_LOCATIONS + "WHERE f.id = ? ORDER BY l.path", (row["file_id"],))
        found = _hashed_entries(rows)
    else:
        rows = conn.execute(
            _UNHASHED + "AND st_dev = ? AND st_ino = ? ORDER BY path",
            (row["st_dev"], row["st_ino"]),
        )
        found = _unhashed_entries(rows)
    return found[0] if found else None


def locations(conn: sqlite3.Connection, *, missing_only: bool = False) -> list[LocationRecord]:
    """Known paths (optionally only the missing ones), sorted by path."""
    where = "WHERE l.missing = 1 " if missing_only else ""
    rows = conn.execute(
        "SELECT l.*, f.sha256, r.path AS root_path FROM locations l "
        "LEFT JOIN files f ON f.id = l.file_id LEFT JOIN roots r ON r.id = l.root_id "
        + where
        + "ORDER BY l.path"
    )
    return [
        LocationRecord(
            path=row["path"],
            sha256=row["sha256"],
            size=row["size"],
            link_kind=row["link_kind"],
            real_path=row["real_path"],
            is_folder=bool(row["is_folder"]),
            missing=bool(row["missing"]),
            root=row["root_path"],
            error=row["error"],
            first_seen=row["first_seen"],
            last_seen=row["last_seen"],
        )
        for row in rows
    ]


def duplicates(conn: sqlite3.Connection) -> list[DuplicateGroup]:
    """Present copies of the same bytes on distinct inodes, most wasted space first."""
    rows = conn.execute(
        "SELECT f.sha256, f.size, l.path, l.st_dev, l.st_ino FROM files f "
        "JOIN locations l ON l.file_id = f.id WHERE l.missing = 0 ORDER BY f.sha256, l.path"
    )
    groups = []
    for sha, group in groupby(rows, key=lambda r: r["sha256"]):
        members = list(group)
        copies = len({(m["st_dev"], m["st_ino"]) for m in members})
        if copies > 1:
            size = members[0]["size"]
            paths = tuple(m["path"] for m in members)
            groups.append(DuplicateGroup(sha, size, paths, copies, size * (copies - 1)))
    return sorted(groups, key=lambda g: (-g.wasted_bytes, g.paths[0]))


def cached_hashes(
    conn: sqlite3.Connection, path: str, size: int, mtime_ns: int
) -> FileHashes | None:
    """Hashes this app computed for this file, if its size and mtime are unchanged.

    Hashes another app recorded (a checkpoint's sidecar) are not returned: a
    caller that wants a hash it can build a verdict on must hash the file.
    """
    here, real = _db(os.path.abspath(path)), _db(os.path.realpath(path))
    row = conn.execute(
        "SELECT f.* FROM locations l JOIN files f ON f.id = l.file_id "
        "WHERE l.size = ? AND l.mtime_ns = ? AND f.hash_source = ? "
        "AND (l.path IN (?, ?) OR l.weights_path IN (?, ?) OR l.real_path IN (?, ?)) LIMIT 1",
        (size, mtime_ns, HASH_SOURCE_SELF, here, real, here, real, here, real),
    ).fetchone()
    return file_hashes(row) if row is not None else None


def names_for_sha(conn: sqlite3.Connection, sha256: str) -> list[str]:
    """The weights-file names of every location (present or gone) holding these bytes.

    A verdict weighs every name the bytes are known by, so the scan, ``verify``
    and the window agree whichever copy they look at.
    """
    rows = conn.execute(
        "SELECT DISTINCT l.weights_path FROM files f JOIN locations l ON l.file_id = f.id "
        "WHERE f.sha256 = ?",
        (sha256,),
    )
    names = (os.path.basename(path_from_db(row[0])) for row in rows)
    return sorted(dict.fromkeys(names))


def set_label(conn: sqlite3.Connection, sha256: str, label: str | None) -> bool:
    """Name these bytes (None or blank: named after a file again); False if not cataloged."""
    text = (label or "").strip() or None
    return conn.execute("UPDATE files SET label = ? WHERE sha256 = ?", (text, sha256)).rowcount > 0


def file_for_sha(conn: sqlite3.Connection, sha256: str) -> tuple[int, str] | None:
    """(size, hash_source) of the cataloged bytes with this SHA-256, if any."""
    row = conn.execute("SELECT size, hash_source FROM files WHERE sha256 = ?", (sha256,)).fetchone()
    return (int(row[0]), str(row[1])) if row is not None else None


def pending_hashes(conn: sqlite3.Connection, limit: int | None = None) -> list[PendingHash]:
    """Present, readable locations without a hash: newest first, then smallest first."""
    rows = conn.execute(
        "SELECT id, path, weights_path, size, mtime_ns, first_seen, inspection FROM locations "
        "WHERE file_id IS NULL AND missing = 0 AND error IS NULL "
        "ORDER BY first_seen DESC, size ASC, path LIMIT ?",
        (-1 if limit is None else limit,),
    )
    return [
        PendingHash(
            location_id=row["id"],
            path=row["path"],
            weights_path=row["weights_path"],
            size=row["size"],
            mtime_ns=row["mtime_ns"],
            first_seen=row["first_seen"],
            inspection=inspection_from_json(row["inspection"]),
        )
        for row in rows
    ]


def _hashed_entries(rows: Iterable[sqlite3.Row]) -> list[CatalogEntry]:
    found = []
    for _, same_file in groupby(rows, key=lambda r: r["id"]):
        group = list(same_file)
        row = group[0]
        inspection = inspection_from_json(row["inspection"])
        found.append(
            CatalogEntry(
                sha256=row["sha256"],
                blake3=row["blake3"],
                autov1=row["autov1"],
                addnet=row["addnet"],
                size=row["size"],
                format=row["format"],
                kind=row["kind"],
                family=row["family"],
                layout=row["layout"],
                dtype=row["dtype"],
                has_encoder=None if row["has_encoder"] is None else bool(row["has_encoder"]),
                validation=row["validation"],
                validation_message=row["validation_message"],
                official_id=row["official_id"],
                problems=tuple(inspection.problems) if inspection else (),
                locations=tuple(r["loc_path"] for r in group if not r["loc_missing"]),
                missing_locations=tuple(r["loc_path"] for r in group if r["loc_missing"]),
                first_seen=min(r["loc_first"] for r in group),
                last_seen=max(r["loc_last"] for r in group),
                hash_source=row["hash_source"],
                label=row["label"],
                first_location=min(group, key=lambda r: (r["loc_first"], r["loc_path"]))[
                    "loc_path"
                ],
            )
        )
    return found


def _unhashed_entries(rows: Iterable[sqlite3.Row]) -> list[CatalogEntry]:
    found = []
    for _, same_inode in groupby(rows, key=lambda r: (r["st_dev"], r["st_ino"])):
        group = list(same_inode)
        row = group[0]
        inspection = inspection_from_json(row["inspection"])
        found.append(_unhashed_entry(row, group, inspection))
    return found


def _unhashed_entry(
    row: sqlite3.Row, group: list[sqlite3.Row], inspection: Inspection | None
) -> CatalogEntry:
    return CatalogEntry(
        sha256=None,
        blake3=None,
        autov1=None,
        addnet=None,
        size=row["size"],
        format=inspection.format if inspection else None,
        kind=inspection.kind if inspection else None,
        family=inspection.family if inspection else None,
        layout=inspection.layout if inspection else None,
        dtype=inspection.dtype if inspection else None,
        has_encoder=inspection.has_encoder if inspection else None,
        validation=row["validation"],
        validation_message=row["error"] or row["validation_message"] or "",
        official_id=None,
        problems=tuple(inspection.problems) if inspection else (),
        locations=tuple(r["path"] for r in group if not r["missing"]),
        missing_locations=tuple(r["path"] for r in group if r["missing"]),
        first_seen=min(r["first_seen"] for r in group),
        last_seen=max(r["last_seen"] for r in group),
        first_location=min(group, key=lambda r: (r["first_seen"], r["path"]))["path"],
    )
