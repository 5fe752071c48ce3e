"""The one presenter: user errors as such, a bug with its log, a damaged database with a way out."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from app.core.catalog.store import Catalog
from app.core.errors import Doing, UserError, from_os_error
from app.core.paths import app_paths
from app.core.sqlite_db import DatabaseProblem
from app.gui.errors import ErrorPresenter, log_file
from tests.gui.conftest import wait_for, wait_idle, write_vae


def _boxes(parent: QWidget) -> list[QMessageBox]:
    return [b for b in parent.findChildren(QMessageBox) if b.isVisible()]


def _window_with_its_one_box(make_window, qtbot):
    """A started window once its start-up tasks are done, and the one message box it shows."""
    window = make_window()
    wait_for(qtbot, lambda: bool(window.presenter.open_boxes), timeout=60)
    wait_idle(qtbot, window)
    [box] = _boxes(window)
    return window, box


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_a_user_error_is_shown_as_its_sentence_once(parent: QWidget, tmp_path: Path) -> None:
    presenter = ErrorPresenter(parent)
    try:
        (tmp_path / "gone.safetensors").open("rb")
    except OSError as exc:
        problem = from_os_error(exc, Doing.READ)
    presenter.show_error(problem, "Import")
    presenter.show_error(problem, "Import")  # the same message again: no second box
    [box] = _boxes(parent)
    assert box.icon() == QMessageBox.Icon.Warning and box.windowTitle() == "Import"
    assert box.text() == str(problem) and "it is not there" in box.text()
    assert [kind for kind, _ in presenter.history] == ["user", "user"]
    assert not log_file().exists()  # nothing for the bug log
    box.done(0)
    presenter.show_error(problem, "Import")  # closed: shown again
    assert len(_boxes(parent)) == 1


def test_a_bug_is_a_bug_with_the_traceback_in_the_log(parent: QWidget) -> None:
    presenter = ErrorPresenter(parent)
    try:
        {}["missing key"]
    except KeyError as exc:
        presenter.show_error(exc, "Scanning")
    [box] = _boxes(parent)
    assert box.icon() == QMessageBox.Icon.Critical
    assert "This is a bug, not something you did" in box.text() and str(log_file()) in box.text()
    assert presenter.history == [("bug", "KeyError: 'missing key'")]
    text = log_file().read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "in Scanning" in text


def test_a_damaged_catalog_offers_restore_and_rebuild(parent: QWidget, qtbot) -> None:
    path = app_paths().ensure().catalog_db
    path.write_bytes(b"garbage" * 100)
    with pytest.raises(DatabaseProblem) as caught:
        Catalog(path)
    presenter = ErrorPresenter(parent)
    presenter.show_error(caught.value, "Reading the catalog")
    presenter.show_error(caught.value, "Scanning model folders")  # both first tasks fail
    [box] = _boxes(parent)
    assert box.objectName() == "catalogProblemBox"
    assert "is damaged (file is not a database)" in box.text()
    assert "`vae-manager" not in box.text()  # buttons here, not commands
    with qtbot.waitSignal(presenter.recovery_chosen) as chosen:
        box.findChild(QPushButton, "restoreButton").click()
    assert chosen.args == ["restore"]
    assert box.findChild(QPushButton, "rebuildButton") is not None
    assert not log_file().exists()


def test_the_window_rebuilds_a_damaged_catalog_from_the_presenter(make_window, qtbot) -> None:
    write_vae(app_paths().library_dir / "VAE" / "kept.safetensors", seed=5)
    path = app_paths().ensure().catalog_db
    path.write_bytes(b"SQLite format 3\0" + b"\xff" * 300)
    window, box = _window_with_its_one_box(make_window, qtbot)
    assert box.objectName() == "catalogProblemBox"
    assert all(kind == "user" for kind, _ in window.presenter.history)  # never "a bug"
    box.findChild(QPushButton, "rebuildButton").click()
    wait_for(qtbot, lambda: len(window.state.snapshot.vae_rows()) == 1, timeout=60)
    wait_idle(qtbot, window)
    [aside] = [p for p in path.parent.iterdir() if ".broken-" in p.name]
    assert aside.read_bytes() == b"SQLite format 3\0" + b"\xff" * 300
    assert window.presenter.history[-1][0] == "info"  # "Catalog set aside", no error after


def test_preview_errors_go_through_the_presenter(make_window, qtbot, monkeypatch) -> None:
    from app.gui.panels import preview as preview_panel

    damaged = app_paths().library_dir / "VAE" / "damaged.safetensors"
    damaged.parent.mkdir(parents=True, exist_ok=True)
    damaged.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}")
    window = make_window()
    wait_idle(qtbot, window)
    window.show_panel(window.PANEL_PREVIEW)
    panel = window.preview
    panel.device_combo.setCurrentIndex(panel.device_combo.findData("cpu"))
    panel.vae_combos[0].addItem("damaged", str(damaged))
    panel.vae_combos[0].setCurrentIndex(panel.vae_combos[0].count() - 1)
    with qtbot.waitSignal(panel.decode_finished, timeout=120_000):
        panel.decode_button.click()
    assert panel.tasks[0].state == "failed" and isinstance(panel.tasks[0].error, UserError)
    user = [text for kind, text in window.presenter.history if kind == "user"]
    assert user and user[-1] == str(panel.tasks[0].error)
    caption = panel.tiles[0].caption.text()
    assert caption.startswith("⚠ ") and len(caption) <= 2 + preview_panel.CAPTION_CHARS + 40

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug in the decode")

    monkeypatch.setattr(preview_panel, "decode", broken)
    for box in _boxes(window):
        box.done(0)
    with qtbot.waitSignal(panel.decode_finished, timeout=120_000):
        panel.decode_button.click()
    assert window.presenter.history[-1] == ("bug", "ZeroDivisionError: a bug in the decode")
    assert "internal error (a bug)" in panel.tiles[0].caption.text()
    assert "a bug in the decode" in log_file().read_text(encoding="utf-8")


def test_restore_without_a_backup_is_a_user_error_in_the_window(make_window, qtbot) -> None:
    path = app_paths().ensure().catalog_db
    path.write_bytes(b"garbage" * 50)
    window, box = _window_with_its_one_box(make_window, qtbot)
    box.findChild(QPushButton, "restoreButton").click()
    wait_for(qtbot, lambda: "no usable backup" in window.presenter.history[-1][1], timeout=60)
    assert window.presenter.history[-1][0] == "user"
    assert path.read_bytes() == b"garbage" * 50  # untouched


def _damaged_link_records() -> Path:
    path = app_paths().ensure().data_dir / "links.sqlite3"
    path.write_bytes(b"SQLite format 3\0" + b"\xee" * 300)
    return path


def test_damaged_link_records_offer_restore_and_set_aside(parent: QWidget, qtbot) -> None:
    from app.core.linking.records import LinkStore

    _damaged_link_records()
    with pytest.raises(DatabaseProblem) as caught:
        LinkStore().active_links()
    presenter = ErrorPresenter(parent)
    presenter.show_error(caught.value, "Reading the catalog")
    presenter.show_error(caught.value, "Linking")  # one box for one file
    [box] = _boxes(parent)
    assert box.objectName() == "linksProblemBox"
    assert "left alone as your own files" in box.text() and "`vae-manager" not in box.text()
    with qtbot.waitSignal(presenter.recovery_chosen) as chosen:
        box.findChild(QPushButton, "linksSetAsideButton").click()
    assert chosen.args == ["links-set-aside"]
    assert box.findChild(QPushButton, "linksRestoreButton") is not None
    assert box.findChild(QPushButton, "rebuildButton") is None  # not the catalog's ways out
    assert not log_file().exists()


def test_the_window_sets_damaged_link_records_aside_from_the_presenter(make_window, qtbot) -> None:
    """What `links set-aside` does, from the button: the file is kept, the window reads on."""
    write_vae(app_paths().library_dir / "VAE" / "kept.safetensors", seed=6)
    path = _damaged_link_records()
    damaged = path.read_bytes()
    window, box = _window_with_its_one_box(make_window, qtbot)
    assert box.objectName() == "linksProblemBox"
    assert all(kind == "user" for kind, _ in window.presenter.history)  # never "a bug"
    # The catalog shows meanwhile, only its "linked in" chips wait for the records.
    wait_for(qtbot, lambda: len(window.state.snapshot.vae_rows()) == 1, timeout=60)
    box.findChild(QPushButton, "linksSetAsideButton").click()
    wait_for(qtbot, lambda: window.presenter.history[-1][0] == "info", timeout=60)
    wait_idle(qtbot, window)
    [aside] = [p for p in path.parent.iterdir() if p.name.startswith("links.sqlite3.broken-")]
    assert aside.read_bytes() == damaged
    assert window.presenter.history[-1][0] == "info"  # "Link records set aside", no error after


def test_restoring_link_records_without_a_backup_is_a_user_error(make_window, qtbot) -> None:
    path = _damaged_link_records()
    damaged = path.read_bytes()
    window, box = _window_with_its_one_box(make_window, qtbot)
    box.findChild(QPushButton, "linksRestoreButton").click()
    wait_for(qtbot, lambda: "backup" in window.presenter.history[-1][1], timeout=60)
    assert window.presenter.history[-1][0] == "user"
    assert path.read_bytes() == damaged  # untouched
