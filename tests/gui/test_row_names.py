"""Rows keep one name as copies come and go; installs of one kind read apart (issue 13 item 8)."""

from __future__ import annotations

import shutil

from PySide6.QtWidgets import QMessageBox

from app.core.installs import add_install
from app.core.paths import app_paths
from app.gui.snapshot import NAMED_BY_FILE, NAMED_BY_LIBRARY, NAMED_BY_USER
from tests.core.installs.trees import make_comfy
from tests.gui.conftest import wait_for, wait_idle, write_vae


def _rows(window):
    return [r for r in window.state.snapshot.vae_rows() if r.entry.locations]


def _rescan(window, qtbot) -> None:
    window.state.rescan()
    wait_idle(qtbot, window)


def test_name_is_stable_when_a_copy_appears_and_the_library_copy_wins(
    tmp_path, make_window, qtbot
) -> None:
    comfy = make_comfy(tmp_path / "ComfyUI")
    add_install(comfy)
    first = write_vae(comfy / "models" / "vae" / "zz-mine.safetensors", seed=5)
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    [row] = _rows(window)
    assert (row.name, row.named_by) == ("zz-mine.safetensors", NAMED_BY_FILE)

    shutil.copyfile(first, comfy / "models" / "vae" / "aa-copy.safetensors")  # sorts first
    _rescan(window, qtbot)
    [row] = _rows(window)
    assert len(row.entry.locations) == 2
    assert row.name == "zz-mine.safetensors"  # not renamed after the copy
    model = window.library.model
    tooltip = model.data(model.index(0, 0), 3)  # Qt.ToolTipRole: every location listed
    assert "aa-copy.safetensors" in tooltip and "zz-mine.safetensors" in tooltip

    library_copy = app_paths().library_dir / "VAE" / "kept.safetensors"
    library_copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(first, library_copy)
    _rescan(window, qtbot)
    [row] = _rows(window)
    assert (row.name, row.named_by) == ("kept.safetensors", NAMED_BY_LIBRARY)
    window.library.select_where(lambda r: r.name == "kept.safetensors")
    window.library.rename_selected()  # a library row is named after its file: refused, said why
    assert "library" in window.presenter.history[-1][-1]
    for box in window.findChildren(QMessageBox):
        box.close()


def test_rename_is_stored_in_the_catalog_and_survives_a_restart(
    tmp_path, make_window, qtbot
) -> None:
    comfy = make_comfy(tmp_path / "ComfyUI")
    add_install(comfy)
    write_vae(comfy / "models" / "vae" / "vae-from-somewhere.safetensors", seed=6)
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    assert window.library.select_where(lambda r: r.name == "vae-from-somewhere.safetensors")
    dialog = window.library.rename_selected()
    assert dialog is not None and dialog.textValue() == "vae-from-somewhere.safetensors"
    dialog.setTextValue("Anime soft (from Civitai)")
    dialog.accept()
    wait_for(qtbot, lambda: any(r.name == "Anime soft (from Civitai)" for r in _rows(window)))
    wait_idle(qtbot, window)
    [row] = _rows(window)
    assert row.named_by == NAMED_BY_USER
    window.close()

    again = make_window()  # a new window reads the same catalog
    wait_for(qtbot, lambda: again.state.installs_known)
    wait_idle(qtbot, again)
    assert [r.name for r in _rows(again)] == ["Anime soft (from Civitai)"]


def test_two_comfyui_installs_are_told_apart_by_folder(tmp_path, make_window, qtbot) -> None:
    one = make_comfy(tmp_path / "AI" / "ComfyUI")
    two = make_comfy(tmp_path / "ComfyUI_portable" / "ComfyUI")
    add_install(one)
    add_install(two)
    write_vae(app_paths().library_dir / "VAE" / "nice-vae.safetensors", seed=3)
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    [row] = _rows(window)
    dialog = window.open_link_dialog(row)
    wait_for(qtbot, lambda: dialog.plan is not None)
    names = sorted(dialog.table.item(i, 0).text() for i in range(dialog.table.rowCount()))
    assert names == ["ComfyUI · …/AI/ComfyUI", "ComfyUI · …/ComfyUI_portable/ComfyUI"]
    dialog.close()
