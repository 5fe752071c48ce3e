"""``verify_paths`` with the catalog: the verdict it shows, and a row that follows the bytes.

The proof each time: after verify, the catalog holds what a fresh scan of the
same tree into a new catalog records (first/last seen times aside), and the
next scan of it reads nothing.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from app.core.catalog.scanner import scan
from app.core.catalog.store import Catalog
from app.core.catalog.verify import CatalogUpdate, verify_paths
from app.core.registry import STATUS_OFFICIAL, STATUS_UNKNOWN, KnownVae, Registry, load_registry
from tests.core.catalog.helpers import Counting, tiny_vae

TIMES = ("first_seen", "last_seen")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tamper(path: Path, *, keep_mtime: bool = False) -> None:
    """Flip bytes in the tensor data, in place: same size, same inode, valid header."""
    st = path.stat()
    with open(path, "r+b") as f:
        f.seek(-64, os.SEEK_END)
        data = f.read(32)
        f.seek(-64, os.SEEK_END)
        f.write(bytes(b ^ 0xFF for b in data))
    if keep_mtime:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def contents(catalog: Catalog) -> list[dict[str, object]]:
    """Every entry as JSON, without the clock."""
    rows = [{k: v for k, v in e.to_json().items() if k not in TIMES} for e in catalog.entries()]
    return sorted(rows, key=lambda r: str(r["locations"]))


def fresh_scan(tmp_path: Path, roots: list[Path], registry: Registry) -> list[dict[str, object]]:
    with Catalog(tmp_path / "fresh" / "catalog.sqlite3") as fresh:
        scan(fresh, roots, registry=registry)
        return contents(fresh)


def test_a_file_tampered_after_cataloging_is_recorded_anew(
    catalog: Catalog, counting: Counting, models: Path, tmp_path: Path
) -> None:
    registry = load_registry()
    vae = tiny_vae(models / "a.safetensors", seed=1)
    tiny_vae(models / "b.safetensors", seed=2)
    scan(catalog, [models], registry=registry)
    old = sha256_of(vae)
    tamper(vae)

    [result] = verify_paths([vae], registry, catalog=catalog)

    assert result.catalog == CatalogUpdate.BYTES_CHANGED
    assert result.cataloged_sha256 == old and result.sha256 == sha256_of(vae) != old
    assert result.validation == STATUS_UNKNOWN and not result.bad
    assert catalog.entry_for_path(vae).sha256 == result.sha256
    assert old not in {e.sha256 for e in catalog.entries()}  # the old bytes' row is gone
    assert contents(catalog) == fresh_scan(tmp_path, [models], registry)
    report = counting.scanner(catalog).scan([models])
    assert report.unchanged == 2 and not counting.calls  # nothing read again


def test_tampering_that_keeps_size_and_mtime_is_caught_and_recorded(
    catalog: Catalog, models: Path, tmp_path: Path
) -> None:
    """A rescan cannot see it (same stat); verify reads the bytes and the catalog follows."""
    registry = load_registry()
    vae = tiny_vae(models / "a.safetensors", seed=1)
    scan(catalog, [models], registry=registry)
    old = sha256_of(vae)
    tamper(vae, keep_mtime=True)
    assert scan(catalog, [models], registry=registry).unchanged == 1
    assert catalog.entry_for_path(vae).sha256 == old  # the scan trusted the stat

    [result] = verify_paths([models], registry, catalog=catalog)  # a folder: walked

    assert (result.path, result.catalog) == (str(vae), CatalogUpdate.BYTES_CHANGED)
    assert catalog.entry_for_path(vae).sha256 == sha256_of(vae) != old
    assert contents(catalog) == fresh_scan(tmp_path, [models], registry)


def test_links_to_the_tampered_file_follow_it(
    catalog: Catalog, models: Path, tmp_path: Path
) -> None:
    registry = load_registry()
    vae = tiny_vae(models / "a.safetensors", seed=1)
    os.symlink(vae, models / "linked.safetensors")
    os.link(vae, models / "hardlinked.safetensors")
    scan(catalog, [models], registry=registry)
    [entry] = catalog.entries()
    assert len(entry.locations) == 3
    tamper(vae)

    [result] = verify_paths([vae], registry, catalog=catalog, expand_folders=False)

    assert result.catalog == CatalogUpdate.BYTES_CHANGED
    [entry] = catalog.entries()
    assert entry.sha256 == sha256_of(vae) and len(entry.locations) == 3
    assert contents(catalog) == fresh_scan(tmp_path, [models], registry)


def test_a_file_as_cataloged_leaves_the_catalog_as_it_was(catalog: Catalog, models: Path) -> None:
    registry = load_registry()
    vae = tiny_vae(models / "a.safetensors", seed=1)
    scan(catalog, [models], registry=registry)
    before = contents(catalog), _rows(catalog)

    [result] = verify_paths([vae], registry, catalog=catalog)

    assert result.catalog == CatalogUpdate.SAME and result.cataloged_sha256 == result.sha256
    assert (contents(catalog), _rows(catalog)) == before  # not even a clock moved: no write


def _rows(catalog: Catalog) -> list[tuple[object, ...]]:
    """The raw rows, float clocks included."""
    conn = catalog.connection
    files = conn.execute("SELECT * FROM files ORDER BY id").fetchall()
    locations = conn.execute("SELECT * FROM locations ORDER BY id").fetchall()
    return [tuple(r) for r in (*files, *locations)]


def test_a_file_cataloged_without_hashing_gets_its_hash(
    catalog: Catalog, models: Path, tmp_path: Path
) -> None:
    registry = load_registry()
    vae = tiny_vae(models / "a.safetensors", seed=1)
    scan(catalog, [models], registry=registry, hash_now=False)
    assert catalog.entry_for_path(vae).sha256 is None

    [result] = verify_paths([vae], registry, catalog=catalog)

    assert (result.catalog, result.cataloged_sha256) == (CatalogUpdate.HASHED, None)
    assert not catalog.pending_hashes()
    assert contents(catalog) == fresh_scan(tmp_path, [models], registry)


def test_a_new_registry_entry_changes_the_cataloged_verdict(
    catalog: Catalog, models: Path, tmp_path: Path
) -> None:
    vae = tiny_vae(models / "official.safetensors", seed=5)
    scan(catalog, [models], registry=load_registry())
    known = KnownVae(
        id="test-vae", display_name="Test VAE", family="sdxl", filename="official.safetensors",
        url=None, size_bytes=vae.stat().st_size, sha256=sha256_of(vae), format="safetensors",
        verified=True, description="",
    )  # fmt: skip
    registry = Registry([known])

    [result] = verify_paths([vae], registry, catalog=catalog)

    assert result.catalog == CatalogUpdate.VERDICT_CHANGED
    assert (result.validation, result.official_id) == (STATUS_OFFICIAL, "test-vae")
    entry = catalog.entry_for_path(vae)
    assert (entry.validation, entry.official_id, entry.family) == (
        STATUS_OFFICIAL,
        "test-vae",
        "sdxl",
    )
    assert contents(catalog) == fresh_scan(tmp_path, [models], registry)


def test_verify_adds_nothing_to_the_catalog(catalog: Catalog, tmp_path: Path) -> None:
    elsewhere = tiny_vae(tmp_path / "downloads" / "new.safetensors", seed=3)

    [result] = verify_paths([elsewhere], load_registry(), catalog=catalog)

    assert result.catalog == CatalogUpdate.NOT_CATALOGED and result.sha256
    assert catalog.entries() == []
    [alone] = verify_paths([elsewhere], load_registry())
    assert alone.catalog is None and alone.sha256 == result.sha256


def test_a_file_that_changes_while_it_is_read_is_left_to_the_next_scan(
    catalog: Catalog, models: Path
) -> None:
    registry = load_registry()
    vae = tiny_vae(models / "a.safetensors", seed=1)
    scan(catalog, [models], registry=registry)
    before = contents(catalog)

    def progress_for(name: str):
        def progress(done: int, total: int | None) -> None:
            tamper(vae)  # another program writes to it meanwhile: its mtime moves

        return progress

    [result] = verify_paths([vae], registry, catalog=catalog, progress_for=progress_for)

    assert result.catalog == CatalogUpdate.LEFT_AS_IS
    assert contents(catalog) == before
