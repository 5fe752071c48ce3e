"""Files and folders dropped on the window: models are imported, UI folders become installs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from app.core.paths import app_paths
from tests.core.installs.trees import make_comfy
from tests.gui.conftest import wait_for, wait_idle, write_vae
from tests.model_files import checkpoint_state_dict, write_malicious_pickle, write_safetensors

Act = Qt.DropAction


@dataclass(frozen=True)
class Drag:
    """What the window answered (the events themselves die with their mime data)."""

    entered: bool
    entered_as: Qt.DropAction
    dropped: bool
    dropped_as: Qt.DropAction
    proposed: Qt.DropAction


def send_drag(target, paths: list[Path], possible=Act.CopyAction,
              modifiers=Qt.KeyboardModifier.NoModifier) -> Drag:  # fmt: skip
    """Drag real files over ``target``, then drop them there (as a file manager offers them)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    mime.setText("\n".join(str(p) for p in paths))  # file managers add text/plain too
    where = QPointF(target.width() / 2, target.height() / 2)
    args = (possible, mime, Qt.MouseButton.LeftButton, modifiers)
    enter = QDragEnterEvent(where.toPoint(), *args)  # QPoint in every PySide6 6.x
    QApplication.sendEvent(target, enter)
    event = QDropEvent(where, *args)
    QApplication.sendEvent(target, event)
    return Drag(enter.isAccepted(), enter.dropAction(), event.isAccepted(), event.dropAction(),
                event.proposedAction())  # fmt: skip


def drop(window, paths: list[Path]) -> None:
    """Drop real files on a widget deep inside the window (drops bubble up to the window)."""
    drag = send_drag(window.nav.viewport(), paths)
    assert drag.entered and drag.dropped


def _import(qtbot, window, paths: list[Path]):
    with qtbot.waitSignal(window.drops.import_dialog_opened, timeout=20_000) as opened:
        drop(window, paths)
    dialog = opened.args[0]
    with qtbot.waitSignal(window.drops.import_finished, timeout=60_000) as done:
        dialog.import_button.click()
        assert not dialog.isVisible()  # it only chose: the import runs as a task
    return done.args[0]


def test_dropped_files_are_imported_once(started_window, qtbot, tmp_path: Path) -> None:
    window = started_window
    downloads = tmp_path / "Downloads"
    vae = write_vae(downloads / "dropped-vae.safetensors", seed=5)
    evil = write_malicious_pickle(downloads / "evil.ckpt", tmp_path / "pwned")
    checkpoint = write_safetensors(downloads / "model.safetensors", checkpoint_state_dict(ch=32))

    outcomes = _import(qtbot, window, [vae, evil, checkpoint])
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
    row = next(r for r in window.task_panel.rows if r.task.title.startswith("Importing"))
    assert "evil.ckpt: refused" in row.status.toolTip()  # one result line per file
    assert "2 imported" in row.status.text() and "1 refused" in row.status.text()
    wait_idle(qtbot, window)
    names = {r.name for r in window.state.snapshot.vae_rows() if r.entry.locations}
    assert "dropped-vae.safetensors" in names
    assert any(r.name == "model.safetensors" for r in window.state.snapshot.checkpoint_rows())

    outcomes = _import(qtbot, window, [vae])  # the same bytes are not stored twice
    assert [o.action for o in outcomes] == ["duplicate"]
    assert len(list((library / "VAE").glob("dropped-vae*"))) == 1


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


def test_a_drop_proposed_as_move_is_accepted_as_copy(started_window, qtbot, tmp_path) -> None:
    """A file manager told "moved" may delete the originals: every file drop is a copy."""
    window = started_window
    vae = write_vae(tmp_path / "Downloads" / "keep-me.safetensors", seed=6)
    everything = Act.CopyAction | Act.MoveAction | Act.LinkAction
    # The URL box takes a dragged file as text and would accept the proposed move itself.
    for target in (window.nav.viewport(), window.get_vaes.url_edit, window.library.filter_edit):
        with qtbot.waitSignal(window.drops.import_dialog_opened, timeout=20_000) as opened:
            drag = send_drag(target, [vae], everything, Qt.KeyboardModifier.ShiftModifier)
        assert drag.proposed == Act.MoveAction  # what the source asked for
        assert drag.entered and drag.entered_as == Act.CopyAction
        assert drag.dropped and drag.dropped_as == Act.CopyAction
        assert opened.args[0].mode() == "copy"
        opened.args[0].close()
    assert window.get_vaes.url_edit.text() == "" and window.library.filter_edit.text() == ""
    assert vae.exists()


def test_a_drag_that_can_only_move_is_refused(started_window, qtbot, tmp_path) -> None:
    window = started_window
    vae = write_vae(tmp_path / "only-move.safetensors", seed=7)
    drag = send_drag(window.nav.viewport(), [vae], Act.MoveAction)
    assert not drag.entered and not drag.dropped
    with qtbot.waitSignal(window.drops.import_dialog_opened, timeout=20_000) as opened:
        drag = send_drag(window.nav.viewport(), [vae], Act.MoveAction | Act.LinkAction)
    assert drag.dropped and drag.dropped_as == Act.LinkAction
    opened.args[0].close()


def test_a_closed_import_dialog_is_deleted_not_left_listening(
    started_window, qtbot, tmp_path: Path
) -> None:
    window = started_window
    vae = write_vae(tmp_path / "Downloads" / "kept-open.safetensors", seed=6)
    for close in ("reject", "import"):
        with qtbot.waitSignal(window.drops.import_dialog_opened, timeout=20_000) as opened:
            drop(window, [vae])
        dialog = opened.args[0]
        with qtbot.waitSignal(dialog.destroyed, timeout=5_000):  # WA_DeleteOnClose
            dialog.reject() if close == "reject" else dialog.import_button.click()
        wait_idle(qtbot, window)
