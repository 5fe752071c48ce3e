"""Every folder an install reads counts: already there anywhere, writable folders offered.

Real install trees with real redirects (``extra_model_paths.yaml``, ``--vae-dir``,
``--ckpt-dir``). Unwritable folders are made with ``chmod 0o555``; as root mode bits
do not stop writes (and ``os.access``, which the plan uses, says so), so there the
folder is also made immutable with ``chattr +i`` (ext4/xfs: writes fail with EPERM and
``os.access(W_OK)`` is False for root too); the test skips only when neither works.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.core.installs import Environment, recognize
from app.core.linking import apply_plan, plan_links
from app.core.linking.plan import WHY_NOT_WRITABLE
from app.core.linking.presence import MATCH_SAME_CONTENT, MATCH_SAME_FILE
from tests.core.installs import trees


def _one(root: Path, tmp_path: Path):
    return recognize(root, env=Environment.for_home(tmp_path / "home"))[0]


@pytest.fixture
def comfy_shared(tmp_path: Path):
    """ComfyUI whose extra_model_paths.yaml adds a shared VAE folder after the default."""
    root = trees.make_comfy(tmp_path / "ui" / "ComfyUI")
    shared = tmp_path / "shared" / "vae"
    shared.mkdir(parents=True)
    (root / "extra_model_paths.yaml").write_text(f"shared:\n    vae: {shared}\n")
    install = _one(root, tmp_path)
    assert [f.path for f in install.vae_dirs] == [root / "models" / "vae", shared]
    return install, root / "models" / "vae", shared


@pytest.fixture
def lock(tmp_path: Path):
    """Make a folder unwritable for this process, or skip when nothing here can."""
    locked: list[tuple[Path, bool]] = []

    def make_unwritable(folder: Path) -> None:
        folder.chmod(0o555)
        immutable = False
        if os.access(folder, os.W_OK) and shutil.which("chattr"):  # root ignores mode bits
            done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
            immutable = done.returncode == 0
        locked.append((folder, immutable))
        if os.access(folder, os.W_OK):
            pytest.skip("cannot make a folder unwritable here (root without chattr +i)")
        with pytest.raises(OSError):  # the folder really refuses writes, not just os.access
            (folder / "probe").write_bytes(b"")

    yield make_unwritable
    for folder, immutable in locked:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=False)
        folder.chmod(0o755)


def test_a_copy_in_an_extra_model_paths_folder_is_already_there(library_file, comfy_shared):
    install, default, shared = comfy_shared
    copy = shared / "renamed-copy.safetensors"
    copy.write_bytes(library_file.read_bytes())
    plan = plan_links(library_file, [install])
    entry = plan.entries[0]
    assert (entry.action, entry.found, entry.match) == ("already-linked", copy, MATCH_SAME_CONTENT)
    assert entry.dest == copy and entry.folder == shared
    assert not (default / library_file.name).exists()


def test_a_hardlink_in_a_nested_extra_folder_is_the_same_file(library_file, comfy_shared):
    install, _, shared = comfy_shared
    (shared / "sdxl").mkdir()
    os.link(library_file, shared / "sdxl" / "x.safetensors")
    entry = plan_links(library_file, [install]).entries[0]
    assert (entry.action, entry.match) == ("already-linked", MATCH_SAME_FILE)
    assert entry.found == shared / "sdxl" / "x.safetensors"


def test_read_only_default_folder_offers_the_writable_extra_one(library_file, comfy_shared, lock):
    install, default, shared = comfy_shared
    lock(default)
    entry = plan_links(library_file, [install]).entries[0]
    assert entry.action == "create"
    assert entry.folder == shared and entry.dest == shared / library_file.name
    assert [c.folder for c in entry.choices] == [shared]
    assert [(b.folder, b.why) for b in entry.blocked] == [(default, WHY_NOT_WRITABLE)]
    assert "cannot take it" in entry.reason
    plan = plan_links(library_file, [install])
    result = apply_plan(plan)
    assert [o.action for o in result.outcomes] == ["created"]
    assert os.path.samefile(shared / library_file.name, library_file)


def test_both_writable_folders_are_choices_default_first(library_file, comfy_shared):
    install, default, shared = comfy_shared
    entry = plan_links(library_file, [install]).entries[0]
    assert [c.folder for c in entry.choices] == [default, shared]
    assert entry.folder == default
    moved = entry.with_folder(shared)
    assert (moved.folder, moved.dest, moved.mode) == (shared, shared / library_file.name, "symlink")
    with pytest.raises(Exception, match="not a folder"):
        entry.with_folder(Path("/elsewhere"))


def test_no_writable_folder_says_why_for_each(library_file, comfy_shared, lock):
    install, default, shared = comfy_shared
    lock(default)
    lock(shared)
    entry = plan_links(library_file, [install]).entries[0]
    assert entry.action == "error" and entry.choices == ()
    assert [(b.folder, b.why) for b in entry.blocked] == [
        (default, WHY_NOT_WRITABLE),
        (shared, WHY_NOT_WRITABLE),
    ]
    assert "none of the 2 folders" in entry.reason
    assert str(default) in entry.reason and str(shared) in entry.reason


def test_a_name_taken_in_another_read_folder_is_a_conflict(library_file, comfy_shared):
    install, default, shared = comfy_shared
    (shared / library_file.name).write_bytes(b"another file, same name")
    entry = plan_links(library_file, [install]).entries[0]
    assert entry.action == "conflict" and entry.dest == shared / library_file.name
    assert not (default / library_file.name).exists()


def test_a1111_reads_vae_dir_models_vae_and_vae_files_among_checkpoints(library_file, tmp_path):
    root = trees.make_a1111(tmp_path / "webui")
    redirected = tmp_path / "my-vaes"
    redirected.mkdir()
    (root / "webui-user.sh").write_text(
        f'export COMMANDLINE_ARGS="--vae-dir {redirected} --ckpt-dir {tmp_path}/ckpts"\n'
    )
    (tmp_path / "ckpts").mkdir()
    install = _one(root, tmp_path)
    assert install.vae_dirs[0].path == redirected
    first = plan_links(library_file, [install]).entries[0]
    assert (first.action, first.folder) == ("create", redirected)

    # Listed by A1111 only as *.vae.*: a plain name among checkpoints does not count.
    shutil.copyfile(library_file, tmp_path / "ckpts" / "model.safetensors")
    assert plan_links(library_file, [install]).entries[0].action == "create"
    shutil.copyfile(library_file, tmp_path / "ckpts" / "model.vae.safetensors")
    entry = plan_links(library_file, [install]).entries[0]
    assert (entry.action, entry.found) == (
        "already-linked",
        tmp_path / "ckpts" / "model.vae.safetensors",
    )
    assert [c.folder for c in entry.choices] == []


def test_special_files_in_read_folders_are_never_opened(library_file, comfy_shared):
    install, _, shared = comfy_shared
    os.mkfifo(shared / "pipe.safetensors")  # opening it would block the plan forever
    entry = plan_links(library_file, [install]).entries[0]
    assert entry.action == "create"


def test_a_copy_in_stability_matrix_shared_models_is_there_for_every_package(
    library_file, tmp_path
):
    lib = trees.make_stability_matrix(tmp_path / "StabilityMatrix")
    installs = recognize(lib, env=Environment.for_home(tmp_path / "home"))
    shutil.copyfile(library_file, lib / "Models" / "VAE" / "shared-copy.safetensors")
    plan = plan_links(library_file, installs)
    assert [e.kind for e in plan.entries] == ["stability-matrix", "a1111", "comfyui"]
    # The library itself, its symlinked A1111 package and the ComfyUI package configured
    # through extra_model_paths.yaml all list the one shared copy.
    assert [e.action for e in plan.entries] == ["already-linked"] * 3
    assert {e.match for e in plan.entries} == {MATCH_SAME_CONTENT}
    assert [e.shared_with for e in plan.entries] == [None] * 3
