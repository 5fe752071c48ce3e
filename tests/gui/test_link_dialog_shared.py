"""The link dialog knows every folder an install reads (issue 13 item 7)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from app.core.installs import add_install
from app.core.paths import app_paths
from tests.core.installs.trees import make_comfy
from tests.gui.conftest import wait_for, wait_idle, write_vae


@pytest.fixture
def shared_world(tmp_path: Path) -> dict[str, Path]:
    comfy = make_comfy(tmp_path / "ComfyUI")
    shared = tmp_path / "shared" / "vae"
    shared.mkdir(parents=True)
    (comfy / "extra_model_paths.yaml").write_text(f"shared:\n    vae: {shared}\n")
    add_install(comfy)
    vae = write_vae(app_paths().library_dir / "VAE" / "nice-vae.safetensors", seed=3)
    return {"comfy": comfy, "default": comfy / "models" / "vae", "shared": shared, "vae": vae}


def _open(window, qtbot):
    wait_idle(qtbot, window)
    row = next(r for r in window.state.snapshot.vae_rows() if r.name == "nice-vae.safetensors")
    dialog = window.open_link_dialog(row)
    wait_for(qtbot, lambda: dialog.plan is not None)
    return dialog


def test_a_copy_in_the_yaml_folder_reads_already_there(shared_world, make_window, qtbot):
    shutil.copyfile(shared_world["vae"], shared_world["shared"] / "my-copy.safetensors")
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    dialog = _open(window, qtbot)
    status = dialog.table.item(0, 1).text()
    assert "already there" in status and "my-copy.safetensors" in status
    assert "not there" not in status
    assert dialog.table.item(0, 3).text() == str(shared_world["shared"])
    assert "extra_model_paths.yaml" in dialog.table.item(0, 3).toolTip()  # why it is read
    assert dialog.checked(0)
    assert not dialog.table.item(0, 0).flags() & Qt.ItemFlag.ItemIsEnabled  # not ours to untick
    dialog.close()


def test_both_folders_writable_the_user_picks_the_yaml_one(shared_world, make_window, qtbot):
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    dialog = _open(window, qtbot)
    assert dialog.folder_choices(shared_world["comfy"]) == [
        shared_world["default"],
        shared_world["shared"],
    ]
    combo = dialog.table.cellWidget(0, 3)
    assert isinstance(combo, QComboBox) and combo.count() == 2
    assert "pick one" in dialog.table.item(0, 1).text()
    combo.setCurrentIndex(1)
    assert dialog.states[0].entry.dest == shared_world["shared"] / "nice-vae.safetensors"
    dialog.set_checked(shared_world["comfy"], True)
    dialog.apply_button.click()
    wait_for(qtbot, lambda: "Linked into 1" in dialog.status.text())
    assert os.path.samefile(shared_world["shared"] / "nice-vae.safetensors", shared_world["vae"])
    assert not (shared_world["default"] / "nice-vae.safetensors").exists()
    wait_for(qtbot, lambda: dialog.states and dialog.states[0].ours is not None)
    assert "linked by VAE Manager" in dialog.table.item(0, 1).text()
    dialog.close()


def test_read_only_default_offers_the_writable_folder(shared_world, make_window, qtbot):
    default = shared_world["default"]
    default.chmod(0o555)
    immutable = False
    if os.access(default, os.W_OK) and shutil.which("chattr"):  # root ignores mode bits
        immutable = subprocess.run(["chattr", "+i", str(default)]).returncode == 0
    try:
        if os.access(default, os.W_OK):
            pytest.skip("cannot make a folder unwritable here")
        window = make_window()
        wait_for(qtbot, lambda: window.state.installs_known)
        dialog = _open(window, qtbot)
        assert dialog.folder_choices(shared_world["comfy"]) == [shared_world["shared"]]
        status = dialog.table.item(0, 1).text()
        assert "cannot be written" in status and str(shared_world["shared"]) in status
        assert dialog.table.item(0, 3).text() == str(shared_world["shared"])
        assert "is not writable" in dialog.table.item(0, 3).toolTip()
        dialog.set_checked(shared_world["comfy"], True)
        dialog.apply_button.click()
        wait_for(qtbot, lambda: "Linked into 1" in dialog.status.text())
        assert (shared_world["shared"] / "nice-vae.safetensors").exists()
        dialog.close()
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(default)], check=False)
        default.chmod(0o755)
