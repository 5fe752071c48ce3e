from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.catalog.scanner import scan
from app.core.errors import UserError
from app.core.hashing.hasher import hash_file
from app.core.library import ImportOptions, import_file, import_paths
from app.core.linking import LinkStore, apply_plan, plan_links
from tests.core.library.conftest import SMALL, small_vae
from tests.model_files import (
    checkpoint_state_dict,
    diffusers_vae_config,
    diffusers_vae_state_dict,
    embedding_state_dict,
    lora_state_dict,
    taesd_decoder_state_dict,
    truncate_copy,
    write_diffusers_folder,
    write_malicious_pickle,
    write_safetensors,
    write_torch_zip,
)


def _run(paths, catalog, registry, **options):
    return import_paths(
        [Path(p) for p in paths], ImportOptions(**options), catalog=catalog, registry=registry
    )


def _by_name(outcomes):
    return {o.path.name: o for o in outcomes}


def test_mixed_folder_files_each_model_or_says_why_not(tmp_path, src, library, catalog, registry):
    marker = tmp_path / "pwned"
    write_safetensors(src / "my_vae.safetensors", small_vae())
    write_safetensors(
        src / "deep" / "er" / "model.safetensors", checkpoint_state_dict(small_vae(3))
    )
    write_torch_zip(src / "old.vae.pt", {"state_dict": small_vae(4)})
    write_diffusers_folder(
        src / "pipeline" / "vae",
        diffusers_vae_state_dict(seed=5, **SMALL),
        diffusers_vae_config(**SMALL),
    )
    write_safetensors(src / "style.safetensors", lora_state_dict())
    write_torch_zip(src / "ti.pt", embedding_state_dict())
    write_safetensors(src / "taesd_decoder.safetensors", taesd_decoder_state_dict())
    write_malicious_pickle(src / "evil.ckpt", marker)
    write_malicious_pickle(src / "evil_legacy.pt", marker, zip=False)
    truncate_copy(src / "my_vae.safetensors", src / "cut.safetensors", 0.6)
    (src / "readme.txt").write_text("not a model")

    got = _by_name(_run([src], catalog, registry))

    assert {n: o.action for n, o in got.items()} == {
        "my_vae.safetensors": "imported",
        "model.safetensors": "imported",
        "old.vae.pt": "imported",
        "vae": "imported",
        "style.safetensors": "skipped",
        "ti.pt": "skipped",
        "taesd_decoder.safetensors": "skipped",
        "evil.ckpt": "refused",
        "evil_legacy.pt": "refused",
        "cut.safetensors": "refused",
    }
    assert not marker.exists(), "nothing from a pickle ever ran"
    assert "unsafe-pickle" in got["evil.ckpt"].reason and "os.system" in got["evil.ckpt"].reason
    assert got["cut.safetensors"].reason.startswith("truncated")
    assert got["model.safetensors"].dest == library / "checkpoints" / "model.safetensors"
    assert got["vae"].dest == library / "VAE" / "pipeline.safetensors"
    assert got["old.vae.pt"].dest == library / "VAE" / "old.vae.pt"
    for outcome in got.values():
        if outcome.action == "imported":
            assert hash_file(outcome.dest).sha256 == outcome.sha256
            assert catalog.entry_for_path(outcome.dest).sha256 == outcome.sha256
    assert (src / "my_vae.safetensors").exists(), "copy is the default"
    assert got["model.safetensors"].baked_in_vae == "unknown"
    assert got["my_vae.safetensors"].to_json()["baked_in_vae"] is None


def test_a_second_copy_is_a_duplicate_and_the_entry_gains_its_path(
    src, tmp_path, catalog, registry
):
    first = write_safetensors(src / "a.safetensors", small_vae())
    elsewhere = tmp_path / "downloads" / "renamed.safetensors"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(first.read_bytes())
    (stored,) = _run([first], catalog, registry)
    (again,) = _run([elsewhere], catalog, registry)
    assert again.action == "duplicate" and again.dest == stored.dest
    assert "not stored twice" in again.reason
    entry = catalog.entry_for_path(stored.dest)
    assert set(entry.locations) == {str(stored.dest), str(elsewhere)}
    assert sorted(p.name for p in stored.dest.parent.iterdir()) == ["a.safetensors"]


def test_importing_the_same_file_twice_is_a_duplicate_of_the_library_copy(src, catalog, registry):
    vae = write_safetensors(src / "a.safetensors", small_vae())
    (stored,) = _run([vae], catalog, registry)
    (again,) = _run([vae], catalog, registry)
    assert (again.action, again.dest) == ("duplicate", stored.dest)


def test_a_copy_of_a_file_already_linked_into_an_install_is_a_duplicate(
    src, tmp_path, a1111, catalog, registry
):
    vae = write_safetensors(src / "a.safetensors", small_vae())
    (stored,) = _run([vae], catalog, registry)
    result = apply_plan(plan_links(stored.dest, [a1111], "symlink"), store=LinkStore())
    linked = result.created[0].dest
    assert os.path.islink(linked)
    scan(catalog, [a1111.vae_dirs[0].path], registry=registry)
    another = tmp_path / "another.safetensors"
    another.write_bytes(vae.read_bytes())
    (again,) = _run([another], catalog, registry)
    assert again.action == "duplicate"
    assert again.dest == stored.dest, "the library copy is named first"
    assert str(linked) in catalog.entry_for_path(stored.dest).locations


def test_a_file_only_in_an_install_is_still_a_duplicate(src, a1111, catalog, registry):
    in_ui = write_safetensors(a1111.vae_dirs[0].path / "ui_vae.safetensors", small_vae(9))
    scan(catalog, [a1111.vae_dirs[0].path], registry=registry)
    copy = src / "copy.safetensors"
    copy.write_bytes(in_ui.read_bytes())
    (again,) = _run([copy], catalog, registry)
    assert (again.action, again.dest) == ("duplicate", in_ui)


def test_an_install_file_is_no_duplicate_of_itself(a1111, library, catalog, registry):
    in_ui = write_safetensors(a1111.vae_dirs[0].path / "ui_vae.safetensors", small_vae(9))
    scan(catalog, [a1111.vae_dirs[0].path], registry=registry)
    (outcome,) = _run([in_ui], catalog, registry)
    assert (outcome.action, outcome.dest) == ("imported", library / "VAE" / "ui_vae.safetensors")


def test_a_name_clash_with_other_bytes_gets_a_new_name(src, tmp_path, library, catalog, registry):
    first = write_safetensors(src / "vae.safetensors", small_vae(1))
    second = write_safetensors(tmp_path / "other" / "vae.safetensors", small_vae(2))
    third = write_safetensors(tmp_path / "third" / "vae.safetensors", small_vae(3))
    outcomes = _run([first, second, third], catalog, registry)
    assert [o.dest.name for o in outcomes] == [
        "vae.safetensors",
        "vae-2.safetensors",
        "vae-3.safetensors",
    ]
    assert (library / "VAE" / "vae.safetensors").read_bytes() == first.read_bytes()


def test_an_uncataloged_same_named_library_file_with_same_bytes_is_a_duplicate(
    src, library, catalog, registry
):
    vae = write_safetensors(src / "vae.safetensors", small_vae())
    placed = library / "VAE" / "vae.safetensors"
    placed.parent.mkdir(parents=True)
    placed.write_bytes(vae.read_bytes())
    (outcome,) = _run([vae], catalog, registry)
    assert (outcome.action, outcome.dest) == ("duplicate", placed)
    assert catalog.entry_for_path(placed) is not None, "the library file got cataloged"


def test_move_takes_the_file_and_the_catalog_forgets_the_old_path(src, catalog, registry):
    vae = write_safetensors(src / "a.safetensors", small_vae())
    scan(catalog, [src], registry=registry)
    (outcome,) = _run([vae], catalog, registry, mode="move")
    assert outcome.action == "imported" and outcome.reason == "moved"
    assert not vae.exists() and outcome.dest.exists()
    assert catalog.entry_for_path(vae) is None
    assert catalog.entry_for_path(outcome.dest).locations == (str(outcome.dest),)


def test_hardlink_gives_the_same_inode(src, catalog, registry):
    vae = write_safetensors(src / "a.safetensors", small_vae())
    (outcome,) = _run([vae], catalog, registry, mode="hardlink")
    assert outcome.reason == "hard-linked"
    assert os.path.samefile(vae, outcome.dest)


def test_import_file_reports_a_missing_path_and_bad_options(tmp_path, catalog, registry):
    (outcome,) = import_file(
        tmp_path / "nope.safetensors", ImportOptions(), catalog=catalog, registry=registry
    )
    assert outcome.action == "refused"
    (outcome,) = _run([tmp_path / "nope"], catalog, registry)
    assert (outcome.action, outcome.reason) == ("refused", "no such file or folder")
    with pytest.raises(UserError):
        ImportOptions(mode="teleport")


def test_an_unwritable_library_refuses_each_file_and_writes_nothing(
    src, library, catalog, registry
):
    """Tests run as root, so chmod cannot stop a write: a file stands where the folder goes."""
    library.mkdir(parents=True)
    (library / "checkpoints").write_text("in the way")
    ckpt = write_safetensors(src / "model.safetensors", checkpoint_state_dict(small_vae()))
    (outcome,) = _run([ckpt], catalog, registry)
    assert outcome.action == "refused"
    assert "cannot write to the library" in outcome.reason
    assert catalog.entries() == []
    assert (library / "checkpoints").read_text() == "in the way"
