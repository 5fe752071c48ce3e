from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.core.installs import Environment, Folder, recognize
from app.core.linking import FileOps, apply_plan, plan_links
from app.core.linking.digest import sha256_of
from tests.core.installs import trees


def actions(plan_or_result) -> list[tuple[str, str | None]]:
    items = getattr(plan_or_result, "entries", None) or plan_or_result.outcomes
    return [(e.action, e.mode) for e in items]


@pytest.mark.parametrize("mode", ["symlink", "hardlink", "copy"])
def test_each_mode_links_into_every_install(mode, library_file, a1111, comfy, store):
    plan = plan_links(library_file, [a1111, comfy], mode)
    assert actions(plan) == [("create", mode), ("create", mode)]
    assert plan.sha256 == sha256_of(library_file)
    result = apply_plan(plan, store=store)
    assert actions(result) == [("created", mode), ("created", mode)]
    for dest in (
        a1111.vae_dirs[0].path / library_file.name,
        comfy.vae_dirs[0].path / library_file.name,
    ):
        assert dest.read_bytes() == library_file.read_bytes()
        assert os.path.islink(dest) == (mode == "symlink")
        assert os.path.samefile(dest, library_file) == (mode != "copy")
    assert [r.mode for r in store.active_links()] == [mode, mode]
    assert not [p for p in a1111.vae_dirs[0].path.iterdir() if p.name.startswith(".")]


def test_auto_uses_symlink_where_allowed(library_file, a1111, store):
    plan = plan_links(library_file, [a1111])
    assert actions(plan) == [("create", "symlink")]
    assert actions(apply_plan(plan, store=store)) == [("created", "symlink")]


def _refused_symlink(src: str, dst: str) -> None:
    exc = OSError(errno.EPERM, "A required privilege is not held by the client")
    exc.winerror = 1314  # what Windows raises without Developer Mode
    raise exc


def _cross_device_link(src: str, dst: str) -> None:
    raise OSError(errno.EXDEV, "Invalid cross-device link")


def test_auto_falls_back_to_hardlink_then_copy_and_says_so(library_file, a1111, comfy, store):
    plan = plan_links(library_file, [a1111])
    result = apply_plan(plan, store=store, ops=FileOps(symlink=_refused_symlink))
    assert actions(result) == [("created", "hardlink")]
    plan = plan_links(library_file, [comfy])
    ops = FileOps(symlink=_refused_symlink, link=_cross_device_link)
    assert actions(apply_plan(plan, store=store, ops=ops)) == [("created", "copy")]
    assert [r.mode for r in store.active_links()] == ["hardlink", "copy"]


def test_explicit_symlink_mode_does_not_fall_back(library_file, a1111, store):
    result = apply_plan(plan_links(library_file, [a1111], "symlink"), store=store,
                        ops=FileOps(symlink=_refused_symlink))  # fmt: skip
    assert actions(result) == [("error", None)]
    assert "privilege" in result.outcomes[0].reason
    assert store.active_links() == []


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="needs a second file system")
def test_auto_copies_across_real_file_systems(library_file, tmp_path, store):
    other = Path("/dev/shm")
    if os.stat(other).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("/dev/shm is on the same device here")
    folder = other / f"vae-manager-test-{os.getpid()}"
    folder.mkdir()
    try:
        plan = plan_links(library_file, [Folder(folder, "chosen")])
        result = apply_plan(plan, store=store, ops=FileOps(symlink=_refused_symlink))
        assert actions(result) == [("created", "copy")]
        assert (folder / library_file.name).read_bytes() == library_file.read_bytes()
    finally:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


def test_conflict_is_reported_and_left_alone(library_file, a1111, comfy, store):
    theirs = a1111.vae_dirs[0].path / library_file.name
    theirs.write_bytes(b"the user's own file")
    plan = plan_links(library_file, [a1111, comfy])
    assert actions(plan) == [("conflict", None), ("create", "symlink")]
    assert "left alone" in plan.entries[0].reason
    apply_plan(plan, store=store)
    assert theirs.read_bytes() == b"the user's own file"
    assert not theirs.is_symlink()
    # A new name resolves it.
    renamed = plan_links(library_file, [a1111], target_name="sdxl_vae_fixed.safetensors")
    assert actions(apply_plan(renamed, store=store)) == [("created", "symlink")]
    assert theirs.read_bytes() == b"the user's own file"


def test_already_linked_by_link_or_by_same_content(library_file, a1111, comfy, store):
    os.symlink(library_file, a1111.vae_dirs[0].path / library_file.name)
    (comfy.vae_dirs[0].path / library_file.name).write_bytes(library_file.read_bytes())
    plan = plan_links(library_file, [a1111, comfy])
    assert actions(plan) == [("already-linked", None), ("already-linked", None)]
    assert "symlink" in plan.entries[0].reason and "SHA-256" in plan.entries[1].reason
    result = apply_plan(plan, store=store)
    assert result.operation_id is None and store.active_links() == []


def test_a_name_that_appears_after_planning_is_not_overwritten(library_file, a1111, store):
    plan = plan_links(library_file, [a1111], "copy")
    late = a1111.vae_dirs[0].path / library_file.name
    late.write_bytes(b"arrived late")
    result = apply_plan(plan, store=store)
    assert actions(result) == [("conflict", None)]
    assert late.read_bytes() == b"arrived late"
    assert sorted(p.name for p in late.parent.iterdir()) == [library_file.name]


def test_shared_stability_matrix_folder_is_linked_once(library_file, tmp_path, store):
    lib = trees.make_stability_matrix(tmp_path / "StabilityMatrix")
    installs = recognize(lib, env=Environment.for_home(tmp_path / "home"))
    plan = plan_links(library_file, installs[:2])  # the library and its symlinked A1111
    assert [e.action for e in plan.entries] == ["create", "already-linked"]
    assert plan.entries[1].reason.startswith("same folder as Stability Matrix")
    apply_plan(plan, store=store)
    assert len(store.active_links()) == 1


def test_errors_and_warnings_per_install(library_file, tmp_path, store):
    env = Environment.for_home(tmp_path / "home")
    invoke = recognize(trees.make_invokeai(tmp_path / "invokeai"), env=env)[0]
    sdnext = recognize(trees.make_sdnext(tmp_path / "sdnext"), env=env)[0]
    gone = Folder(tmp_path / "no" / "such" / "folder", "chosen")
    pt = library_file.with_name("old.pt")
    pt.write_bytes(b"pt")
    plan = plan_links(pt, [invoke, sdnext, gone])
    assert [e.action for e in plan.entries] == ["error", "create", "error"]
    assert "Model Manager" in plan.entries[0].reason
    assert "warning: this UI lists only .safetensors" in plan.entries[1].reason
    assert plan.entries[2].reason == "the folder does not exist"


def test_missing_vae_folder_is_created_when_its_parent_exists(library_file, a1111, store):
    a1111.vae_dirs[0].path.rmdir()
    plan = plan_links(library_file, [a1111])
    assert plan.entries[0].action == "create" and "creates VAE/" in plan.entries[0].reason
    apply_plan(plan, store=store)
    assert (a1111.vae_dirs[0].path / library_file.name).exists()


def test_bad_inputs_are_user_errors(library_file, a1111, store):
    for name in ("../escape.safetensors", "sub/dir.safetensors", ".."):
        with pytest.raises(UserError):
            plan_links(library_file, [a1111], target_name=name)
    with pytest.raises(UserError):
        plan_links(library_file, [a1111], "junction")
    with pytest.raises(UserError):
        plan_links(library_file.parent, [a1111])
    plan = plan_links(library_file, [a1111])
    library_file.write_bytes(b"changed since")
    with pytest.raises(UserError, match="changed since the plan"):
        apply_plan(plan, store=store)
    assert store.operations() == []


def test_json_shapes(library_file, a1111, store):
    plan = plan_links(library_file, [a1111])
    assert plan.to_json()["entries"][0]["action"] == "create"
    result = apply_plan(plan, store=store).to_json()
    assert result["outcomes"][0]["action"] == "created" and result["operation_id"]
