"""The small things a user meets: where Import opens, Reveal without a file manager, cut text,
a 1024x640 window, a toolbar that stays put, MiB, no "empty library" flash."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QFileDialog

from app.gui.cut_text_tooltips import cut_text_at
from app.gui.dialogs.import_dialog import ImportDialog
from app.gui.formatting import human_size, human_speed
from app.gui.reveal import reveal
from tests.gui.conftest import OFFSCREEN_NOISE, wait_for, wait_idle, write_vae

LONG_REASON = "x" * 40


def _library_window(make_window, qtbot, tmp_path: Path):
    """A started window with two VAEs in its library: a short and a long verdict message."""
    from app.core.paths import app_paths

    vae_dir = app_paths().ensure().library_dir / "VAE"
    write_vae(vae_dir / "short.safetensors", seed=1)
    data = write_vae(tmp_path / "x.safetensors", seed=2).read_bytes()
    # Named like an official VAE, other bytes: the long "mismatch" explanation.
    (vae_dir / "vae-ft-mse-840000-ema-pruned.safetensors").write_bytes(data)
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    wait_for(qtbot, lambda: len(window.state.snapshot.vae_rows()) == 2)
    wait_idle(qtbot, window)
    return window


def test_import_opens_in_downloads_else_home(started_window, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    window = started_window
    window.import_files_action()
    dialog = window.findChildren(QFileDialog)[-1]
    assert Path(dialog.directory().absolutePath()) == tmp_path  # no Downloads folder: home
    dialog.close()
    (tmp_path / "Downloads").mkdir()
    window.import_files_action()
    dialog = window.findChildren(QFileDialog)[-1]
    assert Path(dialog.directory().absolutePath()) == tmp_path / "Downloads"
    dialog.close()


@pytest.mark.qt_log_ignore("does not support QPlatformServices", OFFSCREEN_NOISE)
def test_reveal_without_a_file_manager_says_so_and_copies_the_path(make_window, qtbot, tmp_path):
    window = _library_window(make_window, qtbot, tmp_path)
    window.library.select_where(lambda row: row.name == "short.safetensors")
    path = window.library.current_row().path
    window.library.buttons["reveal"].click()  # offscreen Qt has no file manager: a real failure
    assert QApplication.clipboard().text() == str(path)
    kind, text = window.presenter.history[-1]
    assert kind == "info" and str(path) in text and "No file manager" in text
    opened: list[Path] = []
    assert reveal(path, window.presenter, opener=lambda p: opened.append(p) or True)
    assert opened == [path] and window.presenter.history[-1] == (kind, text)  # no second notice


def test_cut_cells_offer_the_whole_text(started_window, tmp_path) -> None:
    window = started_window
    long_name = "a-very-long-file-name-" * 6 + ".safetensors"
    dialog = ImportDialog(
        [tmp_path / long_name, tmp_path / "s.pt"], window.runner, window.presenter, window
    )
    dialog.show()
    table = dialog.table
    assert cut_text_at(table, table.model().index(0, 0)) == long_name
    assert cut_text_at(table, table.model().index(1, 0)) is None  # it fits: no tooltip
    installs_tree = window.installs.tree
    assert type(installs_tree.itemDelegate()).__name__ == "CutTextTooltips"
    dialog.close()


def test_a_1024x640_window_keeps_the_verdict_and_a_steady_toolbar(make_window, qtbot, tmp_path):
    window = _library_window(make_window, qtbot, tmp_path)
    window.resize(1024, 640)
    qtbot.wait(100)
    assert window.width() <= 1024 and window.height() <= 640
    library = window.library
    assert library.columns.verdict_visible()
    tops = []
    for name in ("short.safetensors", "vae-ft-mse-840000-ema-pruned.safetensors"):
        library.select_where(lambda row, n=name: row.name == n)
        qtbot.wait(50)
        tops.append(library.buttons["verify"].mapTo(window, QPoint(0, 0)).y())
        for button in library.action_bar.buttons:  # whole buttons: never a clipped label
            assert button.width() >= button.sizeHint().width(), button.objectName()
    assert tops[0] == tops[1]  # the long "mismatch" message does not push the toolbar down
    assert not library.action_bar.labels_shown()  # too narrow for labels: icons, with tooltips
    assert all(button.toolTip() for button in library.action_bar.buttons)
    window.resize(1800, 900)
    qtbot.wait(100)
    assert library.action_bar.labels_shown()
    header = library.table.horizontalHeader()
    assert not any(header.isSectionHidden(c) for c in range(header.count()))


def test_sizes_are_labelled_in_binary_units() -> None:
    assert human_size(10 * 1024 * 1024) == "10.0 MiB"
    assert human_size(3 * 1024**3) == "3.0 GiB"
    assert human_size(2048) == "2.0 KiB"
    assert human_speed(5 * 1024 * 1024) == "5.0 MiB/s"


def test_the_empty_library_is_not_shown_before_the_catalog_was_read(make_window, qtbot) -> None:
    window = make_window(auto_start=False)
    library = window.library
    assert library.stack.currentWidget() is library.loading
    assert not library.empty_state.isVisible()
    window.state.start()
    wait_for(qtbot, lambda: library.stack.currentWidget() is not library.loading)
    assert library.stack.currentWidget() is library.empty_state  # read, and really empty
    wait_idle(qtbot, window)
