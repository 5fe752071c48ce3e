"""Files and folders dropped on the window: models are imported, UI folders become installs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from app.core.paths import app_paths
from tests.core.installs.trees import make_comfy
from tests.gui.conftest import wait_for, wait_idle, write_vae
from tests.model_files import checkpoint_state_dict, write_malicious_pickle, write_safetensors


def drop(window, paths: list[Path]) -> None:
    """Drag real files over a widget deep inside the window, then drop them there."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    target = window.nav.viewport()  # any child: drops bubble up to the window
    where = QPointF(target.width() / 2, target.height() / 2)
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)  # fmt: skip
    enter = QDragEnterEvent(where, *args)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    event = QDropEvent(where, *args)
    QApplication.sendEvent(target, event)
    assert event.isAccepted()


def _import(qtbot, window, paths: list[Path]):
    with qtbot.waitSignal(window.drops.import_dialog_opened, timeout=20_000) as opened:
        drop(window, paths)
    dialog = opened.args[0]
    with qtbot.waitSignal(dialog.imported, timeout=60_000) as done:
        dialog.import_button.click()
    return dialog, done.args[0]


def test_dropped_files_are_imported_once(started_window, qtbot, tmp_path: Path) -> None:
    window = started_window
    downloads = tmp_path / "Downloads"
    vae = write_vae(downloads / "dropped-vae.safetensors", seed=5)
    evil = write_malicious_pickle(downloads / "evil.ckpt", tmp_path / "pwned")
    checkpoint = write_safetensors(downloads / "model.safetensors", checkpoint_state_dict(ch=32))

    dialog, outcomes = _import(qtbot, window, [vae, evil, checkpoint])
    by_name = {o.path.name: o for o in outcomes}
    assert by_name["dropped-vae.safetensors"].action == "imported"
    assert by_name["evil.ckpt"].action == "refused" and by_name["evil.ckpt"].reason
    assert not (tmp_path / "pwned").exists()
    assert by_name["model.safetensors"].action == "imported"
    assert by_name["model.safetensors"].kind == "checkpoint"
    library = app_paths().library_dir
    assert (library / "VAE" / "dropped-vae.safetensors").read_bytes() == vae.read_bytes()
    assert vae.exists()  # copy is the default: the original stays
    assert (library / "checkpoints" / "model.safetensors").exists()
    assert dialog.table.item(1, 1).text()  # one result row per file
    dialog.close()
    wait_idle(qtbot, window)
    names = {r.name for r in window.state.snapshot.vae_rows() if r.entry.locations}
    assert "dropped-vae.safetensors" in names
    assert any(r.name == "model.safetensors" for r in window.state.snapshot.checkpoint_rows())

    again, outcomes = _import(qtbot, window, [vae])  # the same bytes are not stored twice
    assert [o.action for o in outcomes] == ["duplicate"]
    assert len(list((library / "VAE").glob("dropped-vae*"))) == 1
    again.close()


def test_dropped_install_folder_is_added(started_window, qtbot, tmp_path: Path) -> None:
    window = started_window
    comfy = make_comfy(tmp_path / "ComfyUI")
    drop(window, [comfy])
    wait_for(qtbot, lambda: any(i.root == comfy for i in window.state.installs))
    assert window.current_panel() == window.PANEL_INSTALLS
    assert window.installs.tree.topLevelItemCount() == 1


def test_drags_without_local_files_are_refused(started_window) -> None:
    from app.gui.main_window.drops import local_paths

    mime = QMimeData()
    mime.setText("just text")
    assert local_paths(mime) == []
    mime.setUrls([QUrl("https://example.com/vae.safetensors")])
    assert local_paths(mime) == []
