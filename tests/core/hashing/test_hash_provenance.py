"""Hashes from other apps' caches and sidecars never make a verdict; forged ones are caught.

Real formats (Stability Matrix sidecars, A1111 cache.json, the diskcache store),
real model files, a real catalog. See ``hostile_sidecars`` for the builders.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.catalog.scanner import Scanner
from app.core.catalog.schema import MIGRATIONS
from app.core.catalog.store import Catalog
from app.core.hashing.foreign_caches import ForeignHashIndex
from app.core.hashing.hasher import hash_file
from app.core.registry import (
    STATUS_MISMATCH,
    STATUS_PENDING,
    STATUS_UNKNOWN,
    KnownVae,
    Registry,
    load_registry,
)
from tests.core.catalog.helpers import Counting
from tests.core.hashing.hostile_sidecars import (
    SDXL_NAME,
    SDXL_SHA,
    SDXL_SIZE,
    build_a1111_cache_json_fake_sdxl,
    build_a1111_diskcache_fake_sdxl,
    build_sm_sidecar_fake_sdxl,
    cache_entry,
    small_checkpoint,
    small_vae,
    webui_tree,
    write_cache_json,
    write_sidecar,
)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    with Catalog(tmp_path / "db" / "catalog.sqlite3") as cat:
        yield cat


def real_vae_registry(tmp_path: Path) -> tuple[Registry, KnownVae]:
    """A registry whose official "real_vae.safetensors" is a small real VAE we can fake."""
    real = small_vae(tmp_path / "vendor" / "real_vae.safetensors", seed=1)
    entry = KnownVae(
        id="real-vae", display_name="Real VAE", family="sdxl", filename="real_vae.safetensors",
        url=None, size_bytes=real.stat().st_size, sha256=sha256_of(real),
        format="safetensors", verified=True, description="",
    )  # fmt: skip
    return Registry([entry]), entry


def scanner(catalog: Catalog, counting: Counting, registry: Registry, **kwargs) -> Scanner:
    return Scanner(
        catalog, registry=registry, inspect=counting.inspect, hasher=counting.hasher, **kwargs
    )


# --------------------------------------------------------------------------- the index


def test_sidecar_claiming_the_sdxl_vae_on_a_small_file_is_not_believed(tmp_path: Path) -> None:
    fake = build_sm_sidecar_fake_sdxl(tmp_path)
    index = ForeignHashIndex(expected_size=load_registry().expected_size)

    assert index.lookup(fake) is None
    [ignored] = index.ignored
    assert ignored.path == str(fake) and ignored.source.startswith("stability-matrix ")
    assert f"{SDXL_SIZE:,} bytes" in ignored.reason
    assert f"{fake.stat().st_size:,}" in ignored.reason
    # Without the registry's size the claim looks fine: the check is what catches it.
    assert ForeignHashIndex().lookup(fake).sha256 == SDXL_SHA


def test_forged_cache_json_and_diskcache_entries_are_not_believed(tmp_path: Path) -> None:
    registry = load_registry()
    for root in (
        build_a1111_cache_json_fake_sdxl(tmp_path),
        build_a1111_diskcache_fake_sdxl(tmp_path),
    ):
        index = ForeignHashIndex([root], expected_size=registry.expected_size)
        vae = root / "models" / "VAE" / SDXL_NAME
        ckpt = root / "models" / "Stable-diffusion" / "fake.safetensors"
        assert index.lookup(vae) is None and index.lookup(ckpt) is None
        assert sorted(Path(i.path).name for i in index.ignored) == ["fake.safetensors", SDXL_NAME]


def test_a_recorded_size_must_match_the_file(tmp_path: Path) -> None:
    root = webui_tree(tmp_path / "webui")
    ckpt = small_checkpoint(root / "models" / "Stable-diffusion" / "mix.safetensors")
    size, sha = ckpt.stat().st_size, "5e" * 32
    title = "checkpoint/mix.safetensors"

    write_cache_json(root, {title: cache_entry(ckpt, sha, size=size + 1)})
    index = ForeignHashIndex([root])
    assert index.lookup(ckpt) is None and "records" in index.ignored[0].reason
    write_cache_json(root, {title: cache_entry(ckpt, sha, size=size)})
    assert ForeignHashIndex([root]).lookup(ckpt).sha256 == sha

    (root / "cache.json").unlink()
    write_sidecar(ckpt, sha, extra={"SizeKB": size / 1024 + 5})
    index = ForeignHashIndex()
    assert index.lookup(ckpt) is None and len(index.ignored) == 1
    write_sidecar(ckpt, sha, extra={"FileMetadata": {"SizeKB": size / 1024}})
    assert ForeignHashIndex().lookup(ckpt).sha256 == sha


# --------------------------------------------------------------------------- the scan


@pytest.mark.parametrize("same_size", [False, True], ids=["wrong-size", "right-size"])
def test_a_sidecar_never_makes_a_vae_official(
    tmp_path: Path, catalog: Catalog, same_size: bool
) -> None:
    registry, real = real_vae_registry(tmp_path)
    folder = tmp_path / "models"
    fake = small_vae(folder / real.filename, seed=2, ch=8 if same_size else 16)
    assert (fake.stat().st_size == real.size_bytes) is same_size
    write_sidecar(fake, real.sha256)
    counting = Counting()

    report = scanner(catalog, counting, registry).scan([folder])

    assert counting.calls["hash"] == 1, "the app hashes a VAE itself"
    entry = catalog.entry_for_path(fake)
    assert entry.sha256 == sha256_of(fake) != real.sha256
    assert entry.hash_source == "computed" and entry.to_json()["hash_source"] == "computed"
    assert (entry.validation, entry.official_id) == (STATUS_MISMATCH, None)
    why = "corrupt or modified" if same_size else "bytes instead of"
    assert why in entry.validation_message
    # A claim the registry's size refutes is reported; a same-size one cannot be, until hashed.
    assert report.foreign_ignored == (0 if same_size else 1)
    assert [p.code for p in report.problems] == ([] if same_size else ["foreign-hash-ignored"])


@pytest.mark.parametrize(
    "build", [build_a1111_cache_json_fake_sdxl, build_a1111_diskcache_fake_sdxl]
)
def test_forged_ui_cache_entries_through_the_windows_scan_then_hash(
    tmp_path: Path, catalog: Catalog, build
) -> None:
    """As the window does it: catalog first, hash in the background (with the UI's caches)."""
    root = build(tmp_path)
    counting = Counting()
    scan = scanner(catalog, counting, load_registry(), ui_roots=[root])
    scan.scan([root / "models"], hash_now=False)
    vae = root / "models" / "VAE" / SDXL_NAME
    assert catalog.entry_for_path(vae).validation == STATUS_PENDING

    report = scan.hash_pending()

    assert counting.calls["hash"] == 2 and report.foreign_ignored == 2
    ckpt = root / "models" / "Stable-diffusion" / "fake.safetensors"
    for path, verdict in ((vae, STATUS_MISMATCH), (ckpt, STATUS_UNKNOWN)):
        entry = catalog.entry_for_path(path)
        assert entry.sha256 == sha256_of(path) != SDXL_SHA
        assert (entry.validation, entry.hash_source) == (verdict, "computed")


def test_a_legit_sidecar_still_saves_hashing_a_checkpoint_and_shows_its_source(
    tmp_path: Path, catalog: Catalog
) -> None:
    folder = tmp_path / "models"
    ckpt = small_checkpoint(folder / "dreamy-mix.safetensors", seed=3)
    real = hash_file(ckpt)
    sidecar = write_sidecar(ckpt, real.sha256)
    counting = Counting()

    report = scanner(catalog, counting, load_registry()).scan([folder])

    assert counting.calls["hash"] == 0 and report.reused == 1 and report.foreign_ignored == 0
    entry = catalog.entry_for_path(ckpt)
    assert entry.sha256 == real.sha256 and not entry.self_hashed
    record = entry.to_json()
    assert record["hash_source"] == "stability-matrix"
    assert record["hash_source_file"] == str(sidecar)
    assert entry.validation == STATUS_UNKNOWN and entry.official_id is None
    assert "Stability Matrix" in entry.validation_message
    assert "not computed by VAE Manager" in entry.validation_message


def test_a_legit_a1111_cache_entry_saves_hashing_a_checkpoint(
    tmp_path: Path, catalog: Catalog
) -> None:
    root = webui_tree(tmp_path / "webui")
    ckpt = small_checkpoint(root / "models" / "Stable-diffusion" / "mix.safetensors", seed=4)
    write_cache_json(root, {"checkpoint/mix.safetensors": cache_entry(ckpt, sha256_of(ckpt))})
    counting = Counting()

    scanner(catalog, counting, load_registry(), ui_roots=[root]).scan([root / "models"])

    assert counting.calls["hash"] == 0
    entry = catalog.entry_for_path(ckpt)
    assert entry.to_json()["hash_source"] == "a1111"
    assert entry.hash_source_file == str(root / "cache.json")


def test_a_checkpoint_claiming_a_registry_hash_is_hashed_even_at_the_right_size(
    tmp_path: Path, catalog: Catalog
) -> None:
    folder = tmp_path / "models"
    ckpt = small_checkpoint(folder / "mix.safetensors", seed=5)
    claimed = "c1" * 32
    entry = KnownVae(
        id="x", display_name="X", family="sdxl", filename="x.safetensors", url=None,
        size_bytes=ckpt.stat().st_size, sha256=claimed, format="", verified=True, description="",
    )  # fmt: skip
    write_sidecar(ckpt, claimed)
    counting = Counting()

    scanner(catalog, counting, Registry([entry])).scan([folder])

    assert counting.calls["hash"] == 1
    got = catalog.entry_for_path(ckpt)
    assert (got.sha256, got.validation, got.hash_source) == (
        sha256_of(ckpt),
        STATUS_UNKNOWN,
        "computed",
    )


def test_the_apps_own_hash_takes_over_bytes_another_app_claimed(
    tmp_path: Path, catalog: Catalog
) -> None:
    """A sidecar forged with another checkpoint's hash: once that checkpoint is hashed for
    real, the claimant is hashed too, and each keeps its own bytes' verdict."""
    claimant = small_checkpoint(tmp_path / "a" / "claimant.safetensors", seed=6)
    genuine = small_checkpoint(tmp_path / "b" / "genuine.safetensors", seed=7)
    write_sidecar(claimant, sha256_of(genuine))
    counting = Counting()
    scan = scanner(catalog, counting, load_registry())
    scan.scan([tmp_path / "a"])
    assert catalog.entry_for_path(claimant).sha256 == sha256_of(genuine)  # believed, for now

    scan.scan([tmp_path / "b"])

    assert catalog.entry_for_path(genuine).hash_source == "computed"
    assert catalog.entry_for_path(claimant).sha256 is None  # waits to be hashed for real
    report = scan.scan([tmp_path / "a"])
    got = catalog.entry_for_path(claimant)
    assert (got.sha256, got.hash_source) == (sha256_of(claimant), "computed")
    assert report.reused == 0 and counting.calls["hash"] == 2


def test_import_never_takes_a_hash_another_app_recorded(tmp_path: Path, catalog: Catalog) -> None:
    folder = tmp_path / "models"
    ckpt = small_checkpoint(folder / "mix.safetensors", seed=8)
    write_sidecar(ckpt, sha256_of(ckpt))
    scanner(catalog, Counting(), load_registry()).scan([folder])
    st = ckpt.stat()

    assert catalog.entry_for_path(ckpt).sha256 == sha256_of(ckpt)
    assert catalog.cached_hashes_for(ckpt, st.st_size, st.st_mtime_ns) is None


def test_sidecar_nested_oversized_or_a_fifo_is_skipped(tmp_path: Path) -> None:
    from tests.core.hashing.hostile_sidecars import (
        build_sidecar_fifo,
        build_sidecar_nested_json,
        build_sidecar_oversized,
    )

    for build in (build_sidecar_nested_json, build_sidecar_oversized, build_sidecar_fifo):
        model = build(tmp_path) / SDXL_NAME
        assert ForeignHashIndex().lookup(model) is None, build.__name__


def test_oversized_diskcache_rows_are_not_even_read(tmp_path: Path) -> None:
    """The SQL itself leaves out rows no hash entry needs (their bytes never reach Python)."""
    from app.core.hashing.diskcache_store import MAX_KEY_BYTES, read_store
    from tests.core.hashing.diskcache_fixture import open_store, put
    from tests.core.hashing.hostile_sidecars import build_diskcache_huge_value

    root = build_diskcache_huge_value(tmp_path)  # one 64 MiB value
    con = open_store(root / "cache" / "hashes")
    entry = {"mtime": 1.0, "sha256": "5e" * 32}
    put(con, "vae/" + "x" * MAX_KEY_BYTES + ".safetensors", entry)  # plain data, absurd title
    put(con, "vae/other.safetensors", entry)
    con.close()

    assert read_store(root / "cache" / "hashes") == {"vae/other.safetensors": entry}


# --------------------------------------------------------------------------- old catalogs


def test_migration_takes_back_verdicts_that_rested_on_other_apps_hashes(tmp_path: Path) -> None:
    db = tmp_path / "catalog.sqlite3"
    vae = small_vae(tmp_path / "m" / SDXL_NAME, seed=9)
    ckpt = small_checkpoint(tmp_path / "m" / "mix.safetensors", seed=9)
    Catalog(db, migrations=MIGRATIONS[:1]).close()  # a catalog written by the old app
    con = sqlite3.connect(db)
    for n, (path, kind, sha) in enumerate(
        ((vae, "vae", SDXL_SHA), (ckpt, "checkpoint", "ab" * 32))
    ):
        st = path.stat()
        con.execute(
            "INSERT INTO files (id, sha256, hash_source, size, kind, family, validation, "
            "validation_message, official_id, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, ?, 'sdxl', 'official', 'matches SDXL', 'sdxl-vae', 0, 0)",
            (n + 1, sha, f"stability-matrix {path}.cm-info.json", st.st_size, kind),
        )
        con.execute(
            "INSERT INTO locations (path, weights_path, file_id, real_path, link_kind, st_dev, "
            "st_ino, nlink, size, mtime_ns, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, 'regular', ?, ?, 1, ?, ?, 0, 0)",
            (str(path), str(path), n + 1, str(path), st.st_dev, st.st_ino, st.st_size,
             st.st_mtime_ns),
        )  # fmt: skip
    con.commit()
    con.close()

    with Catalog(db) as catalog:
        assert catalog.backup_path is not None
        pending = catalog.entry_for_path(vae)
        assert (pending.sha256, pending.validation) == (None, STATUS_PENDING)
        kept = catalog.entry_for_path(ckpt)
        assert (kept.sha256, kept.validation, kept.official_id) == ("ab" * 32, STATUS_UNKNOWN, None)
        counting = Counting()
        scanner(catalog, counting, load_registry()).scan([vae.parent])
        assert counting.calls["hash"] == 1  # the VAE, now hashed by the app itself
        assert catalog.entry_for_path(vae).validation == STATUS_MISMATCH
