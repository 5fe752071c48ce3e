from __future__ import annotations

import os
import shutil
from pathlib import Path

from app.core.catalog.records import LINK_HARDLINK, LINK_REGULAR, LINK_SYMLINK
from app.core.catalog.store import Catalog
from tests.core.catalog.helpers import Counting, tiny_vae


def link_kinds(catalog: Catalog) -> dict[str, str]:
    return {loc.path: loc.link_kind for loc in catalog.locations()}


def test_symlink_and_hardlink_are_one_physical_file(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    original = tiny_vae(models / "a.safetensors", seed=1)
    symlink = models / "VAE" / "a-link.safetensors"
    symlink.parent.mkdir()
    symlink.symlink_to(original)
    hardlink = models / "hard.safetensors"
    os.link(original, hardlink)

    report = counting.scanner(catalog).scan([models])

    assert counting.calls == {"inspect": 1, "hash": 1}  # one read for three paths
    assert report.added == 3 and report.reused == 2
    [entry] = catalog.entries()
    assert set(entry.locations) == {str(original), str(symlink), str(hardlink)}
    assert catalog.duplicates() == []
    kinds = link_kinds(catalog)
    assert kinds[str(symlink)] == LINK_SYMLINK
    assert kinds[str(hardlink)] == kinds[str(original)] == LINK_HARDLINK
    real = {loc.path: loc.real_path for loc in catalog.locations()}
    assert real[str(symlink)] == str(original)


def test_separate_copy_is_a_duplicate_with_wasted_bytes(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    original = tiny_vae(models / "a.safetensors", seed=1)
    copy = models / "copies" / "a-copy.safetensors"
    copy.parent.mkdir()
    shutil.copyfile(original, copy)
    os.link(copy, models / "copies" / "a-copy-hardlink.safetensors")
    (models / "a-symlink.safetensors").symlink_to(original)
    tiny_vae(models / "other.safetensors", seed=2)

    counting.scanner(catalog).scan([models])

    [group] = catalog.duplicates()
    size = original.stat().st_size
    assert group.copies == 2 and group.size == size and group.wasted_bytes == size
    assert len(group.paths) == 4 and str(copy) in group.paths
    assert group.to_json()["wasted_bytes"] == size
    assert counting.calls["hash"] == 3  # original, the copy, other: links reuse


def test_missing_copy_is_no_longer_a_duplicate(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    original = tiny_vae(models / "a.safetensors", seed=1)
    copy = shutil.copyfile(original, models / "b.safetensors")
    scanner = counting.scanner(catalog)
    scanner.scan([models])
    assert len(catalog.duplicates()) == 1
    Path(copy).unlink()

    scanner.scan([models])

    assert catalog.duplicates() == []


def test_directory_symlinks_are_followed_but_loops_are_not(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    vae = tiny_vae(models / "VAE" / "a.safetensors", seed=1)
    (models / "VAE" / "loop").symlink_to(models, target_is_directory=True)
    comfy = models / "comfy"
    comfy.mkdir()
    (comfy / "vae").symlink_to(models / "VAE", target_is_directory=True)

    report = counting.scanner(catalog).scan([models])

    paths = {loc.path for loc in catalog.locations()}
    # VAE/loop leads back up to models: never entered, so the walk ends.
    assert paths == {str(vae), str(comfy / "vae" / "a.safetensors")}
    assert counting.calls["hash"] == 1 and report.errors == 0
    assert link_kinds(catalog)[str(comfy / "vae" / "a.safetensors")] == LINK_SYMLINK
    assert link_kinds(catalog)[str(vae)] == LINK_REGULAR
    assert catalog.duplicates() == []


def test_retargeted_symlink_is_rehashed(
    catalog: Catalog, counting: Counting, models: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    first = tiny_vae(store / "one.safetensors", seed=1)
    second = tiny_vae(store / "two.safetensors", seed=2)
    link = models / "current.safetensors"
    link.symlink_to(first)
    scanner = counting.scanner(catalog)
    scanner.scan([models])
    sha_first = catalog.entry_for_path(link).sha256
    link.unlink()
    link.symlink_to(second)
    counting.reset()

    report = scanner.scan([models])

    assert report.updated == 1 and counting.hashed_paths == [str(link)]
    assert catalog.entry_for_path(link).sha256 != sha_first


def test_new_hardlink_to_a_known_file_updates_link_kind_without_reading(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    original = tiny_vae(models / "a.safetensors", seed=1)
    scanner = counting.scanner(catalog)
    scanner.scan([models])
    assert link_kinds(catalog)[str(original)] == LINK_REGULAR
    os.link(original, models / "b.safetensors")
    counting.reset()

    report = scanner.scan([models])

    assert counting.calls == {}
    assert report.added == 1 and report.reused == 1
    assert set(link_kinds(catalog).values()) == {LINK_HARDLINK}
