from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.core.errors import Cancelled, UserError
from app.core.installs import (
    Environment,
    SearchRoot,
    add_install,
    discover,
    discover_report,
    remove_install,
)
from app.core.installs.registry import make_context
from app.core.installs.walker import walk
from app.core.paths import app_paths
from app.core.tasks import CancelToken
from tests.core.installs import trees


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home with installs buried at various depths, and decoys that must not count."""
    home = tmp_path / "home"
    trees.make_a1111(home / "Documents" / "AI" / "stable-diffusion-webui")
    trees.make_comfy_portable(home / "Desktop" / "ComfyUI_windows_portable")
    trees.make_stability_matrix(home / "StabilityMatrix")
    trees.make_fooocus(home / "Downloads" / "Fooocus")
    # Decoys: inside pruned folders, or inside an install's own tree.
    trees.make_comfy(home / "code" / "app" / "node_modules" / "ComfyUI")
    trees.make_comfy(home / ".cache" / "ComfyUI")
    trees.make_comfy(home / "venv" / "ComfyUI")
    trees.make_comfy(home / "Documents" / "AI" / "stable-diffusion-webui" / "models" / "ComfyUI")
    trees.touch(home, "Pictures/a.png", "notes/todo.txt")
    return home


def roots_of(installs) -> list[tuple[str, Path]]:
    return sorted((i.kind, i.root) for i in installs)


def test_finds_buried_installs_and_skips_pruned_folders(home: Path):
    found = discover([home], env=Environment.for_home(home))
    assert roots_of(found) == sorted(
        [
            ("a1111", home / "Documents" / "AI" / "stable-diffusion-webui"),
            ("comfyui", home / "Desktop" / "ComfyUI_windows_portable" / "ComfyUI"),
            ("stability-matrix", home / "StabilityMatrix"),
            ("a1111", home / "StabilityMatrix" / "Packages" / "stable-diffusion-webui"),
            ("comfyui", home / "StabilityMatrix" / "Packages" / "ComfyUI"),
            ("fooocus", home / "Downloads" / "Fooocus"),
        ]
    )


def test_symlink_loops_end_and_linked_installs_count_once(home: Path, tmp_path: Path):
    outside = trees.make_forge2(tmp_path / "outside" / "forge")
    env = Environment.for_home(home)
    baseline = discover_report([home], env=env, max_depth=12).folders_listed
    os.symlink(home, home / "Documents" / "loop-to-home")
    os.symlink(home / "Documents", home / "Documents" / "AI" / "loop-to-parent")
    os.symlink(outside, home / "forge-link")
    os.symlink(outside, home / "Desktop" / "forge-link-again")
    report = discover_report([home], env=env, max_depth=12)
    assert not report.timed_out
    assert report.folders_listed == baseline + 1  # the forge link, once; loops not entered
    kinds = [i.kind for i in report.installs]
    assert kinds.count("forge") == 1
    assert kinds.count("a1111") == 2  # the webui and the Stability Matrix package


def test_unreadable_folder_is_skipped_and_reported(home: Path):
    blocked = home / "Documents"

    def list_dir(path: Path):
        if Path(path) == blocked:
            raise PermissionError(13, "Permission denied", str(path))
        return os.scandir(path)

    ctx = make_context(Environment.for_home(home))
    report = walk([SearchRoot(home, 5)], ctx, time_budget_s=30, list_dir=list_dir)
    assert "a1111" not in [i.kind for i in report.installs if i.root.parent.name == "AI"]
    assert (home / "Desktop" / "ComfyUI_windows_portable" / "ComfyUI") in [
        i.root for i in report.installs
    ]
    assert [p for p, _ in report.skipped] == [blocked]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read any folder")
def test_really_unreadable_folder(home: Path):
    blocked = home / "Documents"
    blocked.chmod(0)
    try:
        report = discover_report([home], env=Environment.for_home(home))
    finally:
        blocked.chmod(0o755)
    assert blocked in [p for p, _ in report.skipped]


def test_depth_is_bounded(home: Path):
    found = [i.root for i in discover([home], env=Environment.for_home(home), max_depth=2)]
    assert home / "Desktop" / "ComfyUI_windows_portable" / "ComfyUI" in found  # depth 2
    assert home / "Documents" / "AI" / "stable-diffusion-webui" not in found  # depth 3


def test_time_budget_and_cancel(home: Path):
    report = discover_report([home], env=Environment.for_home(home), time_budget_s=0)
    assert report.timed_out and report.installs == []
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        discover([home], env=Environment.for_home(home), cancel=token)


def test_default_roots_follow_the_apps_pointer_files(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    env = Environment.for_home(home)
    base = trees.make_comfy_desktop(tmp_path / "D" / "ComfyData", env.comfy_desktop_data[0])
    library = trees.make_stability_matrix(tmp_path / "E" / "SMLibrary")
    trees.touch(
        env.stability_matrix_data[0], "library.json", text=json.dumps({"LibraryPath": str(library)})
    )
    found = discover(env=env)
    assert ("comfyui-desktop", base) in roots_of(found)
    assert ("stability-matrix", library) in roots_of(found)


def test_remove_and_add_are_remembered(home: Path, tmp_path: Path):
    env = Environment.for_home(home)
    webui = home / "Documents" / "AI" / "stable-diffusion-webui"
    remove_install(webui, env=env)
    assert webui not in [i.root for i in discover([home], env=env)]
    saved = json.loads((app_paths().data_dir / "installs.json").read_text())
    assert saved["removed"] == [str(webui)] and saved["added"] == []

    add_install(webui, env=env)
    again = [i for i in discover([home], env=env) if i.root == webui]
    assert len(again) == 1 and again[0].source.startswith("added by you")

    elsewhere = trees.make_invokeai(tmp_path / "elsewhere" / "invokeai")
    add_install(elsewhere, env=env)
    assert elsewhere in [i.root for i in discover([home], env=env)]


def test_removing_a_wrapper_hides_its_inner_install(home: Path):
    env = Environment.for_home(home)
    wrapper = home / "Desktop" / "ComfyUI_windows_portable"
    remove_install(wrapper, env=env)
    assert wrapper / "ComfyUI" not in [i.root for i in discover([home], env=env)]


def test_adding_a_non_install_says_what_was_looked_for(tmp_path: Path):
    folder = trees.touch(tmp_path / "random", "readme.txt")
    with pytest.raises(UserError) as err:
        add_install(folder, env=Environment.for_home(tmp_path))
    message = str(err.value)
    assert "not a recognised" in message
    assert "modules/sd_vae.py" in message and "folder_paths.py" in message
    assert "invokeai.yaml" in message and "settings.json + Packages/ + Models/" in message
    assert not (app_paths().data_dir / "installs.json").exists()


def test_real_environment_is_described_without_scanning():
    env = Environment.from_os()
    assert env.home == Path.home()
    roots = env.default_roots(4)
    assert roots[0] == SearchRoot(Path.home(), 4)
    assert all(r.depth <= 4 for r in roots)


def test_re_adding_a_removed_wrapper_shows_its_install_again(home: Path):
    env = Environment.for_home(home)
    wrapper = home / "Desktop" / "ComfyUI_windows_portable"
    remove_install(wrapper, env=env)
    add_install(wrapper, env=env)
    found = [i for i in discover([home], env=env) if i.root == wrapper / "ComfyUI"]
    assert len(found) == 1 and found[0].source.startswith("added by you")
