"""One-click linking and the other library actions, on real install trees."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.core.installs import add_install
from app.core.linking.records import LinkStore
from app.core.paths import app_paths
from tests.core.installs.trees import make_a1111, make_comfy
from tests.gui.conftest import wait_for, wait_idle, write_vae


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    webui = make_a1111(tmp_path / "webui")
    comfy = make_comfy(tmp_path / "ComfyUI")
    add_install(webui)
    add_install(comfy)
    vae = write_vae(app_paths().library_dir / "VAE" / "nice-vae.safetensors", seed=3)
    return {"webui": webui, "comfy": comfy, "vae": vae}


def _row(window, name: str):
    return next(r for r in window.state.snapshot.vae_rows() if r.name == name)


def test_link_dialog_links_and_unlinks(world, started_window, qtbot) -> None:
    window = started_window
    assert len(window.state.installs) == 2
    dialog = window.open_link_dialog(_row(window, "nice-vae.safetensors"))
    wait_for(qtbot, lambda: dialog.plan is not None)
    assert [dialog.checked(i) for i in range(2)] == [False, False]
    assert all(s.entry.action == "create" and s.entry.mode for s in dialog.states)
    assert dialog.table.item(0, 2).text() in ("symlink", "hardlink", "copy")  # mode per row
    dialog.set_checked(world["webui"], True)
    dialog.set_checked(world["comfy"], True)
    dialog.apply_button.click()
    wait_for(qtbot, lambda: "Linked into 2" in dialog.status.text())
    a1111_link = world["webui"] / "models" / "VAE" / "nice-vae.safetensors"
    comfy_link = world["comfy"] / "models" / "vae" / "nice-vae.safetensors"
    assert a1111_link.exists() and comfy_link.exists()
    assert os.path.samefile(a1111_link, world["vae"])
    wait_for(qtbot, lambda: all(s.ours is not None for s in dialog.states))

    dialog.set_checked(world["comfy"], False)  # unticking removes the app's own link
    dialog.apply_button.click()
    wait_for(qtbot, lambda: "removed from 1" in dialog.status.text())
    assert a1111_link.exists() and not os.path.lexists(comfy_link)
    assert world["vae"].exists()
    dialog.close()
    wait_idle(qtbot, window)
    chips = _row(window, "nice-vae.safetensors").chips
    assert [c.kind for c in chips] == ["a1111"]


def test_conflicts_are_shown_and_left_alone(world, started_window, qtbot) -> None:
    window = started_window
    other = world["comfy"] / "models" / "vae" / "nice-vae.safetensors"
    other.write_bytes(b"someone else's file with the same name")
    dialog = window.open_link_dialog(_row(window, "nice-vae.safetensors"))
    wait_for(qtbot, lambda: dialog.plan is not None)
    comfy_row = next(i for i, s in enumerate(dialog.states) if s.install.root == world["comfy"])
    assert dialog.states[comfy_row].entry.action == "conflict"
    assert not dialog.table.item(comfy_row, 0).flags() & Qt.ItemFlag.ItemIsEnabled
    assert "conflict" in dialog.table.item(comfy_row, 1).text()
    dialog.set_checked(world["comfy"], True)  # a disabled row cannot be applied anyway
    dialog.set_checked(world["webui"], True)
    dialog.apply_button.click()
    wait_for(qtbot, lambda: "Linked into 1" in dialog.status.text())
    assert other.read_bytes() == b"someone else's file with the same name"
    dialog.close()


def test_set_as_default_links_then_edits_config(world, started_window, qtbot) -> None:
    window = started_window
    install = next(i for i in window.state.installs if i.kind == "a1111")
    task = window.actions_.set_default(_row(window, "nice-vae.safetensors"), install)
    wait_for(qtbot, lambda: not task.active)
    assert task.state == "done", task.error
    config = json.loads((world["webui"] / "config.json").read_text())
    assert config["sd_vae"] == "nice-vae.safetensors"
    assert (world["webui"] / "models" / "VAE" / "nice-vae.safetensors").exists()
    assert window.presenter.history[-1][0] == "info"
    for box in window.findChildren(QMessageBox):
        box.close()


def test_reset_to_automatic_from_the_default_menu(world, started_window, qtbot) -> None:
    """The Set-default menu also offers each install's reset, which writes "Automatic"."""
    window = started_window
    install = next(i for i in window.state.installs if i.kind == "a1111")
    task = window.actions_.set_default(_row(window, "nice-vae.safetensors"), install)
    wait_for(qtbot, lambda: not task.active)
    window.library._fill_default_menu()
    reset = next(
        a
        for a in window.library.default_menu.actions()
        if a.objectName() == f"resetDefault:{install.root}"
    )
    reset.trigger()
    config = world["webui"] / "config.json"
    wait_for(qtbot, lambda: json.loads(config.read_text())["sd_vae"] == "Automatic")
    wait_idle(qtbot, window)
    assert window.presenter.history[-1][0] == "info"
    from app.core.installs.a1111_config import BACKUP_INFIX

    assert list(config.parent.glob(f"config.json{BACKUP_INFIX}*")), "previous settings backed up"
    for box in window.findChildren(QMessageBox):
        box.close()


def test_remove_sends_files_to_the_trash(world, started_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    (tmp_path / "xdg").mkdir()
    window = started_window
    link_dialog = window.open_link_dialog(_row(window, "nice-vae.safetensors"))
    wait_for(qtbot, lambda: link_dialog.plan is not None)
    link_dialog.set_checked(world["webui"], True)
    link_dialog.apply_button.click()
    wait_for(qtbot, lambda: "Linked into 1" in link_dialog.status.text())
    link_dialog.close()
    wait_idle(qtbot, window)
    window.library.select_where(lambda r: r.name == "nice-vae.safetensors")
    window.menu_actions["remove"].trigger()  # Delete: asks first
    box = window.findChild(QMessageBox, "confirmRemove")
    assert box is not None and "nice-vae.safetensors" in box.text()
    ended = []
    window.runner.task_ended.connect(ended.append)
    box.button(QMessageBox.StandardButton.Yes).click()
    wait_for(qtbot, lambda: any(t.title.startswith("Moving") for t in ended))
    task = next(t for t in ended if t.title.startswith("Moving"))
    assert task.state == "done", task.error
    assert not world["vae"].exists()
    assert not os.path.lexists(world["webui"] / "models" / "VAE" / "nice-vae.safetensors")
    trashed = list((tmp_path / "xdg").rglob("nice-vae*.safetensors"))
    assert len(trashed) == 1 and trashed[0].stat().st_size > 0  # in the trash, not deleted
    assert LinkStore().active_links() == []
    wait_idle(qtbot, window)
    assert all(r.name != "nice-vae.safetensors" for r in window.library.model.rows()
               if r.entry.locations)  # fmt: skip
