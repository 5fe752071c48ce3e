from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from app.core.catalog.store import Catalog
from app.core.hashing.hasher import hash_file
from app.core.inspection.records import KIND_VAE, PROBLEM_TRUNCATED
from app.core.registry import (
    STATUS_INVALID,
    STATUS_OFFICIAL,
    STATUS_PENDING,
    STATUS_UNKNOWN,
    KnownVae,
    Registry,
)
from tests.core.catalog.helpers import Counting, bump_mtime, tiny_vae
from tests.model_files import diffusers_vae_state_dict, truncate_copy, write_diffusers_folder


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def small_library(models: Path) -> dict[str, Path]:
    files = {
        "a": tiny_vae(models / "VAE" / "a.safetensors", seed=1),
        "b": tiny_vae(models / "VAE" / "nested" / "b.safetensors", seed=2),
        "diffusers": write_diffusers_folder(
            models / "diffusers" / "vae",
            diffusers_vae_state_dict(ch=8, ch_mult=(1, 2), num_res_blocks=1, seed=3),
        ),
    }
    (models / "VAE" / "notes.txt").write_text("not a model")
    return files


def test_first_scan_catalogs_every_model_once(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    files = small_library(models)
    report = counting.scanner(catalog).scan([models])

    assert (report.added, report.updated, report.unchanged, report.errors) == (3, 0, 0, 0)
    assert report.hashed == 3 and counting.calls == {"inspect": 3, "hash": 3}
    by_path = {loc: e for e in catalog.entries() for loc in e.locations}
    assert set(by_path) == {str(files["a"]), str(files["b"]), str(files["diffusers"])}
    weights = files["diffusers"] / "diffusion_pytorch_model.safetensors"
    assert by_path[str(files["diffusers"])].sha256 == sha256_of(weights)
    assert by_path[str(files["diffusers"])].size == weights.stat().st_size
    entry = by_path[str(files["a"])]
    assert entry.sha256 == sha256_of(files["a"])
    assert entry.autov2 == entry.sha256[:10]
    assert entry.blake3 == hash_file(files["a"]).blake3
    assert entry.kind == KIND_VAE and entry.layout == "ldm"
    assert entry.validation == STATUS_UNKNOWN and entry.hash_source == "computed"
    assert entry.missing_locations == ()


def test_rescan_of_unchanged_tree_reads_nothing(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    small_library(models)
    scanner = counting.scanner(catalog)
    scanner.scan([models])
    before = catalog.entries()
    counting.reset()

    report = scanner.scan([models])

    assert counting.calls == {}  # neither inspected nor hashed
    assert (report.added, report.updated, report.unchanged, report.hashed) == (0, 0, 3, 0)
    assert [e.sha256 for e in catalog.entries()] == [e.sha256 for e in before]


def test_changed_mtime_rehashes_only_that_file(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    files = small_library(models)
    scanner = counting.scanner(catalog)
    scanner.scan([models])
    counting.reset()
    bump_mtime(files["a"])

    report = scanner.scan([models])

    assert counting.hashed_paths == [str(files["a"])]
    assert (report.updated, report.unchanged, report.hashed) == (1, 2, 1)


def test_changed_content_replaces_the_old_entry(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    files = small_library(models)
    scanner = counting.scanner(catalog)
    scanner.scan([models])
    old_sha = catalog.entry_for_path(files["a"]).sha256
    tiny_vae(files["a"], seed=99)

    scanner.scan([models])

    entry = catalog.entry_for_path(files["a"])
    assert entry.sha256 == sha256_of(files["a"]) != old_sha
    assert old_sha not in {e.sha256 for e in catalog.entries()}


def test_gone_file_is_marked_missing_then_found_again(
    catalog: Catalog, counting: Counting, models: Path, tmp_path: Path
) -> None:
    files = small_library(models)
    scanner = counting.scanner(catalog)
    scanner.scan([models])
    sha = catalog.entry_for_path(files["b"]).sha256
    parked = tmp_path / "parked.safetensors"
    shutil.move(files["b"], parked)

    report = scanner.scan([models])

    assert report.missing == 1
    assert [loc.path for loc in catalog.locations_missing()] == [str(files["b"])]
    entry = next(e for e in catalog.entries() if e.sha256 == sha)
    assert entry.locations == () and entry.missing_locations == (str(files["b"]),)

    shutil.move(parked, files["b"])
    counting.reset()
    report = scanner.scan([models])

    assert report.reappeared == 1 and report.missing == 0
    assert catalog.locations_missing() == []
    assert catalog.entry_for_path(files["b"]).locations == (str(files["b"]),)
    assert counting.calls == {}  # same inode, size and mtime: still not re-read


def test_only_locations_under_the_scanned_roots_can_go_missing(
    catalog: Catalog, counting: Counting, tmp_path: Path
) -> None:
    a = tiny_vae(tmp_path / "one" / "a.safetensors", seed=1)
    b = tiny_vae(tmp_path / "two" / "b.safetensors", seed=2)
    scanner = counting.scanner(catalog)
    scanner.scan([tmp_path / "one", tmp_path / "two"])
    b.unlink()
    a.unlink()

    report = scanner.scan([tmp_path / "one"])

    assert report.missing == 1
    assert [loc.path for loc in catalog.locations_missing()] == [str(a)]


def test_forget_missing_deletes_them_and_their_orphan_entries(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    files = small_library(models)
    scanner = counting.scanner(catalog)
    scanner.scan([models])
    files["a"].unlink()
    scanner.scan([models])

    assert catalog.forget_missing() == 1

    assert catalog.locations_missing() == []
    assert len(catalog.entries()) == 2
    assert catalog.entry_for_path(files["a"]) is None


def test_catalog_now_hash_later(catalog: Catalog, counting: Counting, models: Path) -> None:
    files = small_library(models)
    scanner = counting.scanner(catalog)

    report = scanner.scan([models], hash_now=False)

    assert report.hashed == 0 and counting.calls == {"inspect": 3}
    entries = catalog.entries()
    assert [e.sha256 for e in entries] == [None] * 3
    assert {e.kind for e in entries} == {KIND_VAE}
    assert {e.validation for e in entries} == {STATUS_PENDING}
    assert [p.path for p in catalog.pending_hashes()] == sorted(
        (str(p) for p in files.values()),
        key=lambda p: (_weights(Path(p)).stat().st_size, p),
    )
    counting.reset()

    assert scanner.scan([models], hash_now=False).unchanged == 3
    assert counting.calls == {}

    report = scanner.hash_pending()

    assert report.hashed == 3 and counting.calls == {"hash": 3}
    assert catalog.pending_hashes() == []
    assert {e.sha256 for e in catalog.entries()} == {sha256_of(_weights(p)) for p in files.values()}


def test_pending_hashes_puts_newest_first_then_smallest(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    big = tiny_vae(models / "big.safetensors", seed=1)
    small = models / "small.safetensors"
    from tests.core.catalog.helpers import tiny_tensor_file

    tiny_tensor_file(small)
    scanner = counting.scanner(catalog)
    scanner.scan([models], hash_now=False)
    newer = tiny_vae(models / "later" / "newer.safetensors", seed=2)
    scanner.scan([models], hash_now=False)

    order = [p.path for p in catalog.pending_hashes()]

    assert order == [str(newer), str(small), str(big)]
    assert [p.path for p in catalog.pending_hashes(limit=1)] == [str(newer)]


def test_hash_now_after_a_catalog_only_scan_reuses_the_inspection(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    small_library(models)
    scanner = counting.scanner(catalog)
    scanner.scan([models], hash_now=False)
    counting.reset()

    report = scanner.scan([models])

    assert counting.calls == {"hash": 3}
    assert report.updated == 3 and catalog.pending_hashes() == []


def test_broken_file_is_reported_and_judged_invalid(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    good = tiny_vae(models / "good.safetensors", seed=1)
    bad = truncate_copy(good, models / "bad.safetensors", keep_fraction=0.5)

    report = counting.scanner(catalog).scan([models])

    assert report.errors == 0
    assert (str(bad), PROBLEM_TRUNCATED) in {(p.path, p.code) for p in report.problems}
    entry = catalog.entry_for_path(bad)
    assert entry.validation == STATUS_INVALID
    assert PROBLEM_TRUNCATED in {p.code for p in entry.problems}
    assert catalog.entry_for_path(good).problems == ()


def test_registry_verdict_is_stored(catalog: Catalog, counting: Counting, models: Path) -> None:
    vae = tiny_vae(models / "official.safetensors", seed=5)
    known = KnownVae(
        id="test-vae", display_name="Test VAE", family="sdxl", filename="official.safetensors",
        url=None, size_bytes=vae.stat().st_size, sha256=sha256_of(vae), format="safetensors",
        verified=True, description="",
    )  # fmt: skip

    counting.scanner(catalog, registry=Registry([known])).scan([models])

    entry = catalog.entry_for_path(vae)
    assert (entry.validation, entry.official_id) == (STATUS_OFFICIAL, "test-vae")
    assert entry.family == "sdxl"  # shapes say sd1-or-sdxl; the official hash says which


def test_cached_hashes_for_needs_the_same_size_and_mtime(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    files = small_library(models)
    counting.scanner(catalog).scan([models])
    st = files["a"].stat()

    cached = catalog.cached_hashes_for(files["a"], st.st_size, st.st_mtime_ns)

    assert cached == hash_file(files["a"])
    assert catalog.cached_hashes_for(files["a"], st.st_size, st.st_mtime_ns + 1) is None
    assert catalog.cached_hashes_for(models / "nope.safetensors", st.st_size, 0) is None
    weights = _weights(files["diffusers"])
    wst = weights.stat()
    assert catalog.cached_hashes_for(weights, wst.st_size, wst.st_mtime_ns).sha256 == sha256_of(
        weights
    )


def test_stability_matrix_sidecar_hash_is_reused(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    """For a checkpoint only: a VAE's verdict needs the app's own hash (test_hash_provenance)."""
    from tests.model_files import checkpoint_state_dict, write_safetensors

    sd = checkpoint_state_dict(ch=8, ch_mult=(1, 2), num_res_blocks=1)
    ckpt = write_safetensors(models / "sm.safetensors", sd)
    real = hash_file(ckpt)
    sidecar = models / "sm.cm-info.json"
    sidecar.write_text(json.dumps({"Hashes": {"SHA256": real.sha256.upper()}}))
    os.utime(sidecar, ns=(ckpt.stat().st_mtime_ns + 10**9,) * 2)

    report = counting.scanner(catalog).scan([models])

    assert counting.calls["hash"] == 0 and report.reused == 1
    entry = catalog.entry_for_path(ckpt)
    assert entry.sha256 == real.sha256 and entry.autov1 == real.autov1
    assert entry.hash_source.startswith("stability-matrix")
    assert entry.validation == STATUS_UNKNOWN


def test_missing_root_is_an_error_and_keeps_its_locations(
    catalog: Catalog, counting: Counting, tmp_path: Path
) -> None:
    root = tmp_path / "drive"
    tiny_vae(root / "a.safetensors")
    scanner = counting.scanner(catalog)
    scanner.scan([root])
    shutil.rmtree(root)

    report = scanner.scan([root])

    assert report.errors == 1 and report.problems[0].code == "folder-not-found"
    assert catalog.locations_missing() == []


def test_report_json_has_counts_and_problems(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    small_library(models)
    record = counting.scanner(catalog).scan([models]).to_json()
    assert record["added"] == 3 and record["roots"] == [str(models)]
    json.dumps(record)
    json.dumps([e.to_json() for e in catalog.entries()])


def _weights(path: Path) -> Path:
    return path / "diffusion_pytorch_model.safetensors" if path.is_dir() else path
