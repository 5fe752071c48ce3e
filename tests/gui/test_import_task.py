"""The import dialog only chooses; the import runs in the task panel and the window stays usable."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt

from app.core.paths import app_paths
from app.gui.import_task import run_import
from app.gui.tasks import CANCELLED, DONE, RUNNING
from tests.gui.conftest import wait_idle, write_vae
from tests.gui.test_drop import drop
from tests.model_files import write_malicious_pickle

HANG_GUARD_S = 30


class HeldImport:
    """The real import, held at its start until released (or cancelled) by the test.

    Holding it is what makes "the window answers while the import runs" a fact
    the test can check without racing a clock.
    """

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, request, progress, cancel):
        progress.current(request.paths[0].name)
        progress(0, 100)
        self.started.set()
        while not self.release.wait(0.01) and not cancel.cancelled:
            pass
        return run_import(request, progress, cancel)  # a cancel raises at its first check


def _open_dialog(qtbot, window, paths: list[Path]):
    with qtbot.waitSignal(window.drops.import_dialog_opened, timeout=20_000) as opened:
        drop(window, paths)
    return opened.args[0]


def test_the_dialog_closes_at_once_and_the_sidebar_answers_during_the_import(
    started_window, qtbot, tmp_path
) -> None:
    window = started_window
    vae = write_vae(tmp_path / "Downloads" / "held-vae.safetensors", seed=11)
    evil = write_malicious_pickle(tmp_path / "Downloads" / "evil.ckpt", tmp_path / "pwned")
    held = HeldImport()
    window.drops.imports.work = held
    dialog = _open_dialog(qtbot, window, [vae, evil])
    with qtbot.waitSignal(window.drops.import_started, timeout=5_000) as started:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()  # closed at the click, before any byte was copied
    task = started.args[0]
    assert held.started.wait(HANG_GUARD_S) and task.state == RUNNING
    assert window.tasks_dock.isVisible()  # the import is where its progress and cancel are
    qtbot.waitUntil(lambda: window.task_indicator.label.text().startswith("Importing held-vae"))

    nav = window.nav
    target = window.PANEL_INSTALLS
    assert nav.currentRow() != target
    where = nav.visualItemRect(nav.item(target)).center()
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert nav.currentRow() == target and window.current_panel() == target
    assert task.state == RUNNING  # the click was handled while the import still runs

    with qtbot.waitSignal(window.drops.import_finished, timeout=60_000) as finished:
        held.release.set()
    outcomes = {o.path.name: o.action for o in finished.args[0]}
    assert outcomes == {"held-vae.safetensors": "imported", "evil.ckpt": "refused"}
    assert task.state == DONE
    row = next(r for r in window.task_panel.rows if r.task is task)
    assert "1 imported" in row.status.text() and "1 refused (evil.ckpt: " in row.status.text()
    assert "held-vae.safetensors: imported" in row.status.toolTip()
    assert "evil.ckpt: refused — " in row.status.toolTip()
    assert window.statusBar().currentMessage().startswith("Import done: 1 imported")
    assert (app_paths().library_dir / "VAE" / "held-vae.safetensors").exists()
    assert not (tmp_path / "pwned").exists()
    wait_idle(qtbot, window)
    window.task_panel.refresh()
    assert row in window.task_panel.rows and row.cancel_button.isEnabled()  # results stay
    row.cancel_button.click()  # until dismissed
    assert row not in window.task_panel.rows


def test_an_import_is_cancelled_from_its_task_row(started_window, qtbot, tmp_path) -> None:
    window = started_window
    vae = write_vae(tmp_path / "Downloads" / "never.safetensors", seed=12)
    held = HeldImport()
    window.drops.imports.work = held
    dialog = _open_dialog(qtbot, window, [vae])
    with qtbot.waitSignal(window.drops.import_started, timeout=5_000) as started:
        dialog.import_button.click()
    task = started.args[0]
    assert held.started.wait(HANG_GUARD_S)
    row = next(r for r in window.task_panel.rows if r.task is task)
    with qtbot.waitSignal(window.drops.import_finished, timeout=HANG_GUARD_S * 1000) as finished:
        row.cancel_button.click()
    assert finished.args[0] == [] and task.state == CANCELLED
    assert window.statusBar().currentMessage().startswith("Import cancelled")
    assert not (app_paths().library_dir / "VAE" / "never.safetensors").exists()
    assert vae.exists()
    wait_idle(qtbot, window)
