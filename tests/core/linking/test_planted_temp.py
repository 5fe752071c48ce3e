"""Planted temp names: a copy never deletes, adopts or writes through a file it did not make.

``.NAME.vaem-tmp`` is only a name; whoever leaves a file (or a link) under it
must find it byte-identical afterwards, while the copy goes through another,
exclusively created temp name and still lands under the real name.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.installs import Environment, recognize
from app.core.installs.records import Folder
from app.core.linking import apply_plan, plan_links
from app.core.linking.plan import ACTION_CREATE, ACTION_ERROR
from app.core.publish import exclusive_temp, is_temp_name, sweep_abandoned, temp_path_for
from tests.core.installs import trees


def _names(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def test_copy_link_leaves_a_planted_temp_file_untouched(library_file, a1111, store):
    vae_dir = a1111.vae_dirs[0].path
    planted = temp_path_for(vae_dir / library_file.name)
    planted.write_bytes(b"someone else's half-written file")
    result = apply_plan(plan_links(library_file, [a1111], "copy"), store=store)
    assert [(o.action, o.mode) for o in result.outcomes] == [("created", "copy")]
    dest = vae_dir / library_file.name
    assert dest.read_bytes() == library_file.read_bytes()
    assert planted.read_bytes() == b"someone else's half-written file"
    assert _names(vae_dir) == sorted([dest.name, planted.name])  # no temp of ours left over


def test_copy_never_writes_through_a_planted_link(library_file, a1111, store, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    vae_dir = a1111.vae_dirs[0].path
    planted = temp_path_for(vae_dir / library_file.name)
    os.symlink(victim, planted)
    apply_plan(plan_links(library_file, [a1111], "copy"), store=store)
    assert victim.read_bytes() == b"precious"
    assert os.readlink(planted) == str(victim)
    assert (vae_dir / library_file.name).read_bytes() == library_file.read_bytes()


def test_a_foreign_temp_name_gets_another_exclusive_name(tmp_path):
    final = tmp_path / "vae.safetensors"
    planted = temp_path_for(final)
    planted.write_bytes(b"planted")
    with exclusive_temp(final) as temp:
        assert temp.path != planted and is_temp_name(temp.path.name)
        os.write(temp.fd, b"ours")
        temp.publish()
    assert final.read_bytes() == b"ours"
    assert planted.read_bytes() == b"planted"
    assert _names(tmp_path) == sorted([final.name, planted.name, "vae-manager-home"])


def test_a_long_name_beside_a_planted_temp_still_fits(tmp_path):
    final = tmp_path / ("v" * 240 + ".safetensors")
    temp_path_for(final).write_bytes(b"planted")
    with exclusive_temp(final) as temp:
        assert len(os.fsencode(temp.path.name)) <= 255
        assert temp.path != temp_path_for(final)


def test_unpublished_temp_is_removed_but_not_a_file_that_replaced_it(tmp_path):
    final = tmp_path / "vae.safetensors"
    with exclusive_temp(final) as temp:
        os.unlink(temp.path)
        temp.path.write_bytes(b"put there while we wrote")  # another file now holds the name
    assert temp.path.read_bytes() == b"put there while we wrote"


def test_sweep_removes_only_the_apps_own_abandoned_temps(tmp_path):
    crashed = exclusive_temp(tmp_path / "a.safetensors").__enter__()
    crashed.close()  # as if killed: unlocked, still on disk, still recorded
    planted = tmp_path / ".b.safetensors.vaem-tmp"
    planted.write_bytes(b"planted")
    assert sweep_abandoned(tmp_path) == 1
    assert not crashed.path.exists() and planted.read_bytes() == b"planted"


@pytest.mark.parametrize("override", ["/", "/usr", "/etc/sd"])
def test_stability_matrix_override_of_a_system_root_plans_no_write(
    tmp_path, library_file, store, override
):
    lib = trees.make_stability_matrix(tmp_path / "Data")
    (lib / "settings.json").write_text(f'{{"ModelDirectoryOverride": "{override}"}}')
    library = recognize(lib, env=Environment.for_home(tmp_path / "home"))[0]
    assert library.vae_dirs == () and "ModelDirectoryOverride" in library.source
    assert "refused" in library.source
    existed = os.path.lexists(os.path.join(override, "VAE"))
    plan = plan_links(library_file, [library], "copy")
    (entry,) = plan.entries
    assert entry.action == ACTION_ERROR and "refused" in entry.reason
    apply_plan(plan, store=store)
    assert os.path.lexists(os.path.join(override, "VAE")) == existed


@pytest.mark.parametrize("folder", ["/", "/usr/share", "/VAE"])
def test_explicit_folder_in_a_system_root_is_refused(library_file, store, folder):
    existed = os.path.lexists(folder)
    plan = plan_links(library_file, [Folder(Path(folder), "--to")], "copy")
    (entry,) = plan.entries
    assert entry.action == ACTION_ERROR and entry.reason.startswith("refused: it ")
    apply_plan(plan, store=store)
    assert os.path.lexists(folder) == existed
    assert not os.path.lexists(os.path.join(folder, library_file.name)) or existed


def test_a_link_to_the_root_is_refused_too(library_file, tmp_path):
    sneaky = tmp_path / "models"
    os.symlink("/", sneaky)
    (entry,) = plan_links(library_file, [Folder(sneaky, "--to")], "copy").entries
    assert entry.action == ACTION_ERROR and "root of the file system" in entry.reason


def test_an_ordinary_folder_is_still_planned(library_file, tmp_path):
    target = tmp_path / "ui" / "VAE"
    target.parent.mkdir()
    (entry,) = plan_links(library_file, [Folder(target, "--to")], "copy").entries
    assert entry.action == ACTION_CREATE
