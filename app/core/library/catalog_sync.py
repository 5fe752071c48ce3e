"""What the library tells the catalog: new files, duplicates' extra paths, moved paths.

Each function is one short transaction on the catalog's connection, run only
after the file it describes is complete under its final name, so the catalog
never points at a partial file. SQL beyond the catalog package's own queries
lives here because only the library needs it.
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

from app.core.catalog import writes
from app.core.catalog.codec import path_to_db
from app.core.catalog.records import LINK_HARDLINK, LINK_REGULAR, LINK_SYMLINK
from app.core.catalog.store import HASH_SOURCE_COMPUTED, Catalog
from app.core.catalog.walk import StatKey
from app.core.hashing.records import FileHashes
from app.core.identify import refine_family, verdict_for
from app.core.inspection.records import KIND_VAE, Inspection
from app.core.registry import Registry


def present_copies(catalog: Catalog, sha256: str, *, besides: Path | None = None) -> list[Path]:
    """Cataloged paths holding these bytes that still exist with the cataloged size.

    ``besides`` (the file being imported) is left out, along with other names of
    the very same path; another hard link to it does count as a copy.
    """
    rows = catalog.connection.execute(
        "SELECT l.path, l.weights_path, f.size FROM files f JOIN locations l ON l.file_id = f.id "
        "WHERE f.sha256 = ? AND l.missing = 0 ORDER BY l.path",
        (sha256,),
    ).fetchall()
    skip = _names_of(besides) if besides is not None else set()
    found = []
    for row in rows:
        if _names_of(Path(row["path"])) & skip:
            continue
        try:
            if os.stat(row["weights_path"]).st_size == row["size"]:
                found.append(Path(row["path"]))
        except OSError:
            continue
    return found


def _names_of(path: Path) -> set[str]:
    return {os.path.abspath(path), os.path.realpath(path)}


def record_file(
    catalog: Catalog,
    path: Path,
    *,
    hashes: FileHashes,
    inspection: Inspection,
    registry: Registry,
    root: Path | None = None,
    weights_path: Path | None = None,
) -> None:
    """Catalog ``path`` (a file, or a diffusers folder with ``weights_path``) as these bytes."""
    weights = weights_path or path
    stat = StatKey.of(os.stat(weights))
    inspection = dataclasses.replace(inspection, path=str(path))
    validation = verdict_for(
        registry,
        sha256=hashes.sha256,
        hash_source=HASH_SOURCE_COMPUTED,
        names=[weights.name, *catalog.names_for(hashes.sha256)],
        size=stat.size,
        inspection=inspection,
    )
    family = refine_family(inspection, validation, registry)
    file_row = writes.file_row(
        hashes, HASH_SOURCE_COMPUTED, stat.size, inspection, validation, family
    )
    now = time.time()
    with catalog.transaction() as conn:
        file_id = writes.upsert_file(conn, file_row, now)
        root_id = writes.ensure_roots(conn, [str(root)], now)[str(root)] if root else None
        location = writes.LocationRow(
            path=os.path.abspath(path),
            weights_path=os.path.abspath(weights),
            is_folder=weights_path is not None,
            root_id=root_id,
            file_id=file_id,
            real_path=os.path.realpath(path),
            link_kind=_link_kind(path, stat),
            stat=stat,
            inspection=None,
            validation=None,
            validation_message=None,
            error=None,
        )
        writes.upsert_location(conn, location, None, now)


def _link_kind(path: Path, stat: StatKey) -> str:
    if os.path.islink(path):
        return LINK_SYMLINK
    return LINK_HARDLINK if stat.nlink > 1 else LINK_REGULAR


def forget_path(catalog: Catalog, path: Path) -> None:
    """Drop a path that no longer exists because the library took the file away."""
    with catalog.transaction() as conn:
        conn.execute("DELETE FROM locations WHERE path = ?", (path_to_db(os.path.abspath(path)),))
        writes.delete_orphan_files(conn)


def relocate(catalog: Catalog, old: Path, new: Path) -> bool:
    """Point the catalog's record of ``old`` at ``new`` (same bytes, new place and inode)."""
    old_path, new_path = path_to_db(os.path.abspath(old)), path_to_db(os.path.abspath(new))
    stat = StatKey.of(os.stat(new))
    with catalog.transaction() as conn:
        if old_path != new_path:
            conn.execute("DELETE FROM locations WHERE path = ?", (new_path,))
        cur = conn.execute(
            "UPDATE locations SET path = ?, weights_path = ?, real_path = ?, st_dev = ?, "
            "st_ino = ?, nlink = ?, size = ?, mtime_ns = ?, missing = 0 WHERE path = ?",
            (new_path, new_path, path_to_db(os.path.realpath(new)), stat.dev, stat.ino,
             stat.nlink, stat.size, stat.mtime_ns, old_path),
        )  # fmt: skip
        return cur.rowcount > 0


def relocate_roots(catalog: Catalog, old_root: Path, new_root: Path) -> None:
    """Scan roots inside the old library folder move with it."""
    old, new = os.path.abspath(old_root), os.path.abspath(new_root)
    with catalog.transaction() as conn:
        rows = conn.execute("SELECT id, path FROM roots").fetchall()
        for row in rows:
            path = row["path"]
            if path != old and not path.startswith(old + os.sep):
                continue
            moved = new + path[len(old) :]
            stored = path_to_db(moved)
            if conn.execute("SELECT 1 FROM roots WHERE path = ?", (stored,)).fetchone():
                conn.execute("DELETE FROM roots WHERE id = ?", (row["id"],))
            else:
                conn.execute("UPDATE roots SET path = ? WHERE id = ?", (stored, row["id"]))


def cataloged_vaes(catalog: Catalog) -> dict[str, list[Path]]:
    """Present standalone VAE files by SHA-256 (the candidates a baked-in VAE may equal)."""
    rows = catalog.connection.execute(
        "SELECT f.sha256, l.path FROM files f JOIN locations l ON l.file_id = f.id "
        "WHERE f.kind = ? AND l.missing = 0 ORDER BY f.sha256, l.path",
        (KIND_VAE,),
    ).fetchall()
    found: dict[str, list[Path]] = {}
    for row in rows:
        found.setdefault(row["sha256"], []).append(Path(row["path"]))
    return found
