from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from app.core.catalog.scanner import scan
from app.core.errors import Cancelled, UserError
from app.core.library import ImportOptions, import_paths, library_info, library_root
from app.core.library.layout import MARKER, read_marker
from app.core.library.move import move_library
from app.core.linking import LinkStore, apply_plan, plan_links
from app.core.paths import app_paths
from app.core.tasks import CancelToken
from tests.core.library.conftest import small_vae
from tests.model_files import checkpoint_state_dict, write_safetensors


def _fill(src: Path, catalog, registry) -> list:
    write_safetensors(src / "a.safetensors", small_vae(seed=41))
    write_safetensors(src / "b.safetensors", small_vae(seed=42))
    write_safetensors(src / "m.safetensors", checkpoint_state_dict(small_vae(seed=43)))
    return import_paths([src], ImportOptions(), catalog=catalog, registry=registry)


def _relative_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_moving_the_library_moves_files_catalog_and_links(
    tmp_path, src, library, catalog, registry, a1111
):
    outcomes = _fill(src, catalog, registry)
    settings = app_paths().settings_file
    settings.write_text(json.dumps({"downloads": {"max_parallel": 2}}))
    store = LinkStore()
    a_vae = library / "VAE" / "a.safetensors"
    apply_plan(plan_links(a_vae, [a1111], "symlink"), store=store)
    linked = a1111.vae_dirs[0].path / "a.safetensors"
    scan(catalog, [library / "VAE"], registry=registry)
    new = tmp_path / "big-drive" / "library"

    report = move_library(new, catalog=catalog, links=store)

    assert report.moved == 3 and report.left == () and report.links_repointed == 1
    assert _relative_files(new) == sorted(
        [MARKER, "VAE/a.safetensors", "VAE/b.safetensors", "checkpoints/m.safetensors"]
    )
    assert not library.exists(), "the old folder is gone once empty"
    assert library_root() == new
    assert json.loads(settings.read_text())["downloads"] == {"max_parallel": 2}
    assert read_marker(new).moving_from is None
    for outcome in outcomes:
        assert catalog.entry_for_path(outcome.dest) is None
        moved = new / outcome.dest.relative_to(library)
        assert catalog.entry_for_path(moved).sha256 == outcome.sha256
    assert os.readlink(linked) == str(new / "VAE" / "a.safetensors")
    (record,) = store.active_links()
    assert record.source == new / "VAE" / "a.safetensors"
    assert record.link_target == os.readlink(linked)
    rescan = scan(catalog, [new / "VAE"], registry=registry)
    assert rescan.hashed == 0, "the catalog follows the files: nothing is hashed again"


def test_a_non_empty_folder_that_is_no_library_is_refused(tmp_path, src, catalog, registry):
    _fill(src, catalog, registry)
    target = tmp_path / "photos"
    target.mkdir()
    (target / "cat.jpg").write_bytes(b"meow")
    with pytest.raises(UserError, match="not a VAE Manager library"):
        move_library(target, catalog=catalog)
    with pytest.raises(UserError, match="inside"):
        move_library(library_root() / "VAE" / "sub", catalog=catalog)
    assert library_root() == app_paths().library_dir
    assert sorted(p.name for p in target.iterdir()) == ["cat.jpg"]


def test_an_interrupted_move_is_finished_by_running_it_again(
    tmp_path, src, library, catalog, registry
):
    outcomes = _fill(src, catalog, registry)
    new = tmp_path / "new"
    token = CancelToken()
    started: list[Path] = []

    def on_file(path: Path) -> None:
        started.append(path)
        if len(started) == 2:
            token.cancel()

    with pytest.raises(Cancelled):
        move_library(new, catalog=catalog, on_file=on_file, cancel=token)
    assert library_root() == new
    info = library_info()
    assert info.moving_from == library and info.vae_files + info.checkpoint_files == 2
    for outcome in outcomes:  # every catalog path is a complete file, old or new
        entry = catalog.entry_for_path(outcome.dest) or catalog.entry_for_path(
            new / outcome.dest.relative_to(library)
        )
        assert all(Path(p).is_file() for p in entry.locations)

    report = move_library(new, catalog=catalog)
    assert report.moved == 1
    assert library_info().moving_from is None and not library.exists()
    assert _relative_files(new).count(MARKER) == 1 and len(_relative_files(new)) == 4


def test_moving_to_another_drive_copies_verifies_and_removes(
    tmp_path, src, library, catalog, registry
):
    if not os.path.isdir("/dev/shm") or os.stat("/dev/shm").st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs a second file system (/dev/shm)")
    outcomes = _fill(src, catalog, registry)
    other = Path(tempfile.mkdtemp(dir="/dev/shm"))
    try:
        report = move_library(other / "lib", catalog=catalog)
        assert report.moved == 3 and not library.exists()
        for outcome in outcomes:
            moved = other / "lib" / outcome.dest.relative_to(library)
            assert catalog.entry_for_path(moved).sha256 == outcome.sha256
            assert os.stat(moved).st_dev != os.stat(tmp_path).st_dev
    finally:
        shutil.rmtree(other)
