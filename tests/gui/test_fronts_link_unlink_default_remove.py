"""The window and the command line run the same operations: same journal, same files, one undo.

Each action runs once through the window (real widgets, real lanes: the dialog's
Apply, the library's buttons and menus, Edit → Undo) and once through
``app.cli.main`` on an identical fresh fixture (two data folders with the same
real files); the journal records and the files on disk must come out equal, after
the action and after its undo. Then each front undoes what the other one did.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.cli import main
from app.core.installs import add_install
from app.core.installs.a1111_config import BACKUP_INFIX
from app.core.operations.journal import Journal
from tests.core.installs.trees import make_a1111, make_comfy
from tests.gui.conftest import wait_for, wait_idle, write_vae

VAE_NAME = "nice-vae.safetensors"
# Values that differ between two runs of the same operation: inode numbers, clocks.
VOLATILE_KEYS = {"source_identity", "dev", "ino", "trashed_at", "mtime_ns"}
STAMP = re.compile(re.escape(BACKUP_INFIX) + r"[0-9-]+")


@dataclass(frozen=True)
class Side:
    """One fresh data folder with two UIs and one library VAE, all under ``root``."""

    root: Path
    home: Path
    webui: Path
    comfy: Path
    vae: Path

    @property
    def trash(self) -> Path:
        return self.root / "user" / ".local" / "share" / "Trash"

    def links(self) -> tuple[Path, Path]:
        return (
            self.webui / "models" / "VAE" / VAE_NAME,
            self.comfy / "models" / "vae" / VAE_NAME,
        )

    def enter(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Make this side the app's home, and its trash the one send2trash uses."""
        monkeypatch.setenv("VAE_MANAGER_HOME", str(self.home))
        monkeypatch.setenv("HOME", str(self.root / "user"))
        monkeypatch.setenv("XDG_DATA_HOME", str(self.root / "user" / ".local" / "share"))

    def journal(self) -> Journal:
        return Journal(self.home / "data" / "links.sqlite3")


def make_side(root: Path, monkeypatch: pytest.MonkeyPatch) -> Side:
    root = root.resolve()
    home = root / "home"
    side = Side(root, home, root / "ui" / "webui", root / "ui" / "ComfyUI",
                home / "data" / "library" / "VAE" / VAE_NAME)  # fmt: skip
    (root / "user" / ".local" / "share").mkdir(parents=True)
    side.enter(monkeypatch)
    make_a1111(side.webui)
    make_comfy(side.comfy)
    add_install(side.webui)
    add_install(side.comfy)
    write_vae(side.vae, seed=3)  # the same seed: the same bytes on both sides
    return side


# -- what is compared -------------------------------------------------------------------------
def _normal(value: object, root: Path) -> object:
    if isinstance(value, dict):
        return {k: "<varies>" if k in VOLATILE_KEYS else _normal(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v, root) for v in value]
    if isinstance(value, str):
        return STAMP.sub(BACKUP_INFIX + "<stamp>", value.replace(str(root), "<root>"))
    return value


def records(side: Side) -> list[dict[str, object]]:
    """Every journal record, newest first, with the side's root and clocks taken out."""
    out = []
    for record in side.journal().recent():
        data = record.to_json()
        data.pop("id")
        data.pop("created_at")
        data["undone_at"] = data["undone_at"] is not None
        out.append(_normal(data, side.root))
    return out


def files(side: Side) -> dict[str, str]:
    """The UI trees, the library and the trash's files: each name with its bytes or link."""
    found: dict[str, str] = {}
    for top in (side.root / "ui", side.vae.parent, side.trash / "files"):
        if not top.exists():
            continue
        for path in [top, *sorted(top.rglob("*"))]:
            name = str(_normal(os.fspath(path), side.root))
            if path.is_symlink():
                found[name] = "link -> " + str(_normal(os.readlink(path), side.root))
            elif path.is_dir():
                found[name] = "folder"
            else:
                found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def state(side: Side) -> tuple[list[dict[str, object]], dict[str, str]]:
    return records(side), files(side)


def assert_same(got: tuple[list, dict], expected: tuple[list, dict]) -> None:
    """Equal journals and trees; a difference is listed name by name."""
    assert got[0] == expected[0]
    names = sorted(set(got[1]) | set(expected[1]))
    differ = [(n, got[1].get(n), expected[1].get(n)) for n in names
              if got[1].get(n) != expected[1].get(n)]  # fmt: skip
    assert not differ, differ


# -- the window's side ------------------------------------------------------------------------
def _row(window):
    return next(r for r in window.state.snapshot.vae_rows() if r.name == VAE_NAME)


def _select(window) -> None:
    window.show_panel(window.PANEL_LIBRARY)
    window.library.select_where(lambda r: r.name == VAE_NAME)
    assert window.library.current_row() is not None


def _close_boxes(window) -> None:
    for box in window.findChildren(QMessageBox):
        box.close()


def gui_link(window, side: Side, qtbot) -> None:
    dialog = window.open_link_dialog(_row(window))
    wait_for(qtbot, lambda: dialog.plan is not None)
    dialog.set_checked(side.webui, True)
    dialog.set_checked(side.comfy, True)
    dialog.apply_button.click()
    wait_for(qtbot, lambda: "Linked into 2" in dialog.status.text())
    dialog.close()


def gui_unlink(window, side: Side, qtbot) -> None:
    _select(window)
    window.library.buttons["unlink"].click()


def _default_actions(window):
    _select(window)
    window.library._fill_default_menu()
    return window.library.default_menu.actions()


def gui_set_default(window, side: Side, qtbot) -> None:
    action = next(
        a
        for a in _default_actions(window)
        if str(side.webui) in a.text() and not a.objectName().startswith("resetDefault")
    )
    action.trigger()


def gui_reset(window, side: Side, qtbot) -> None:
    name = f"resetDefault:{side.webui}"
    next(a for a in _default_actions(window) if a.objectName() == name).trigger()


def gui_remove(window, side: Side, qtbot) -> None:
    _select(window)
    window.menu_actions["remove"].trigger()  # Delete: asks first
    box = window.findChild(QMessageBox, "confirmRemove")
    box.button(QMessageBox.StandardButton.Yes).click()


def gui_undo(window, qtbot) -> str:
    """Edit → Undo as the user sees it: names the operation, then reverses it."""
    undo = window.menu_actions["undo"]
    wait_for(qtbot, lambda: undo.isEnabled())
    text = undo.text()
    undo.trigger()
    return text


# -- the command line's side ------------------------------------------------------------------
def cli(*args: object) -> int:
    return main([os.fspath(a) if isinstance(a, Path) else str(a) for a in args])


def cli_undo_description(capsys) -> str:
    assert main(["undo", "--list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    return next(r["undo"] for r in listed if r["undoable"])


# -- preconditions, the same core call on both sides ------------------------------------------
def link_both(side: Side) -> None:
    from app.core.installs import install_at
    from app.core.operations.link import link_into

    link_into(side.vae, [install_at(side.webui), install_at(side.comfy)])


def link_webui(side: Side) -> None:
    from app.core.installs import install_at
    from app.core.operations.link import link_into

    link_into(side.vae, [install_at(side.webui)])


def default_webui(side: Side) -> None:
    from app.core.operations.set_default import set_default

    set_default(side.vae, side.webui)


@dataclass(frozen=True)
class Case:
    before: Callable[[Side], None] | None
    gui: Callable[..., None]
    cli: Callable[[Side], list[object]]


CASES = {
    "link": Case(None, gui_link, lambda s: ["link", s.vae, "--into", s.webui, s.comfy]),
    "unlink": Case(link_both, gui_unlink, lambda s: ["unlink", *s.links()]),
    "set-default": Case(
        None, gui_set_default, lambda s: ["set-default", s.vae, "--install", s.webui]
    ),
    "reset": Case(
        default_webui, gui_reset, lambda s: ["set-default", "--reset", "--install", s.webui]
    ),  # fmt: skip
    "remove": Case(link_webui, gui_remove, lambda s: ["remove", s.vae]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_window_and_command_line_record_the_same_operation(
    name, tmp_path, monkeypatch, make_window, qtbot, capsys
) -> None:
    case = CASES[name]
    # The command line first, on its own data folder...
    by_cli = make_side(tmp_path / "b", monkeypatch)
    if case.before:
        case.before(by_cli)
    before = state(by_cli)
    assert cli(*case.cli(by_cli)) == 0
    capsys.readouterr()
    cli_done = state(by_cli)
    assert cli_done[0][0]["steps"] and not cli_done[0][0]["undone_at"]  # recorded, undoable
    cli_text = str(_normal(cli_undo_description(capsys), by_cli.root))
    assert cli("undo") == 0
    capsys.readouterr()
    cli_undone = state(by_cli)

    # ...then the window on an identical one (its workers read the environment).
    by_gui = make_side(tmp_path / "a", monkeypatch)
    if case.before:
        case.before(by_gui)
    assert_same(state(by_gui), before)
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    case.gui(window, by_gui, qtbot)
    wait_idle(qtbot, window)
    assert not [t for t in window.presenter.history if t[0] in ("user", "bug")]
    assert_same(state(by_gui), cli_done)
    assert cli_done != before  # the action did something
    gui_text = gui_undo(window, qtbot)
    assert str(_normal(gui_text, by_gui.root)) == cli_text
    wait_idle(qtbot, window)
    assert_same(state(by_gui), cli_undone)
    assert window.menu_actions["undo"].text() != gui_text  # that one is done with
    _close_boxes(window)
    window.close()


def test_ctrl_z_in_the_window_undoes_what_the_command_line_did(
    tmp_path, monkeypatch, make_window, qtbot, capsys
) -> None:
    side = make_side(tmp_path / "a", monkeypatch)
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    undo = window.menu_actions["undo"]
    assert not undo.isEnabled() and undo.text() == "Nothing to undo"
    assert undo.shortcut().matches(Qt.Modifier.CTRL | Qt.Key.Key_Z).name == "ExactMatch"

    assert cli("link", side.vae, "--into", side.webui) == 0
    capsys.readouterr()
    assert not undo.isEnabled()  # nothing told the window yet
    window.activateWindow()
    QApplication.sendEvent(window, QEvent(QEvent.Type.ActivationChange))  # focus comes back
    wait_for(qtbot, lambda: undo.isEnabled())
    assert undo.text() == "Undo link nice-vae.safetensors into AUTOMATIC1111 WebUI"

    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    # The release above leaves Qt believing Ctrl is held (later clicks would toggle): let go.
    qtbot.keyRelease(window, Qt.Key.Key_Control, Qt.KeyboardModifier.NoModifier)
    wait_for(qtbot, lambda: not undo.isEnabled())
    wait_idle(qtbot, window)
    assert not os.path.lexists(side.links()[0])
    assert side.journal().recent()[0].undone_at is not None
    shown = window.statusBar().currentMessage()
    assert shown == "Undone: link nice-vae.safetensors into AUTOMATIC1111 WebUI"
    window.close()


def test_undo_on_the_command_line_undoes_one_apply_of_the_dialog(
    tmp_path, monkeypatch, make_window, qtbot, capsys
) -> None:
    """Tick one install and untick another, Apply: one operation; `undo` reverses both."""
    side = make_side(tmp_path / "a", monkeypatch)
    from app.core.installs import install_at
    from app.core.operations.link import link_into

    link_into(side.vae, [install_at(side.comfy)])
    webui_link, comfy_link = side.links()
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    dialog = window.open_link_dialog(_row(window))
    wait_for(qtbot, lambda: dialog.plan is not None and any(s.ours for s in dialog.states))
    dialog.set_checked(side.webui, True)
    dialog.set_checked(side.comfy, False)
    dialog.apply_button.click()
    wait_for(qtbot, lambda: "Linked into 1 install(s), removed from 1" in dialog.status.text())
    wait_idle(qtbot, window)
    assert os.path.lexists(webui_link) and not os.path.lexists(comfy_link)
    [latest, first] = side.journal().recent()
    assert latest.kind == "link" and [s.kind for s in latest.steps] == [
        "link-created",
        "link-removed",
    ]
    summary = "link nice-vae.safetensors into AUTOMATIC1111 WebUI; unlink it from ComfyUI"
    assert latest.summary == summary
    assert window.menu_actions["undo"].text() == f"Undo {summary}"

    assert cli("undo") == 0
    out = capsys.readouterr().out
    assert f"done: remove the link {webui_link}" in out
    assert f"done: put back the link {comfy_link}" in out
    assert not os.path.lexists(webui_link) and comfy_link.is_symlink()
    dialog.close()
    window.activateWindow()
    QApplication.sendEvent(window, QEvent(QEvent.Type.ActivationChange))  # focus comes back
    undo = window.menu_actions["undo"]
    wait_for(qtbot, lambda: undo.text() == f"Undo {first.summary}")
    window.close()


def test_a_refused_undo_is_shown_and_can_be_retried(
    tmp_path, monkeypatch, make_window, qtbot
) -> None:
    """A step that cannot be reversed is named with its reason; the menu keeps offering it."""
    side = make_side(tmp_path / "a", monkeypatch)
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    gui_link(window, side, qtbot)
    wait_idle(qtbot, window)
    webui_link = side.links()[0]
    webui_link.unlink()
    webui_link.write_bytes(b"the user's own file now")  # not what the app made: left alone
    text = gui_undo(window, qtbot)
    wait_idle(qtbot, window)
    kind, message = window.presenter.history[-1]
    assert kind == "info" and message.startswith("Partly undone: link nice-vae.safetensors")
    assert str(webui_link) in message
    assert webui_link.read_bytes() == b"the user's own file now"
    assert not os.path.lexists(side.links()[1])  # the other step was reversed
    assert window.menu_actions["undo"].text() == text  # still offered, to retry once fixed
    _close_boxes(window)
    window.close()


def test_after_each_operation_the_touched_folders_are_rescanned(
    tmp_path, monkeypatch, make_window, qtbot
) -> None:
    """One refresh policy: the catalog's locations follow links made and removed, at once."""
    side = make_side(tmp_path / "a", monkeypatch)
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    webui_link, comfy_link = map(str, side.links())
    assert _row(window).entry.locations == (str(side.vae),)
    gui_link(window, side, qtbot)
    wait_idle(qtbot, window)
    assert set(_row(window).entry.locations) == {str(side.vae), webui_link, comfy_link}
    assert {c.kind for c in _row(window).chips} == {"a1111", "comfyui"}
    gui_unlink(window, side, qtbot)
    wait_idle(qtbot, window)
    assert _row(window).entry.locations == (str(side.vae),)
    assert _row(window).chips == ()
    _close_boxes(window)
    window.close()


def test_touched_folders_come_from_the_journal_steps() -> None:
    from app.core.operations.journal import OperationKind, OperationRecord, Step
    from app.gui.operations import touched_folders

    def record(*steps: Step) -> OperationRecord:
        return OperationRecord("op", OperationKind.LINK, "s", 0.0, None, steps)

    linked = record(
        Step("link-created", {"link_id": 1, "dest": "/ui/a/models/VAE/x.safetensors"}),
        Step("link-removed", {"link_id": 2, "dest": "/ui/b/models/vae/x.safetensors"}),
        Step("config-value", {"file": "/ui/a/config.json", "key": "sd_vae"}),
    )
    assert touched_folders(linked) == (Path("/ui/a/models/VAE"), Path("/ui/b/models/vae"))
    assert touched_folders(record(Step("config-value", {"file": "/ui/a/config.json"}))) == ()
    assert touched_folders(record(Step("library-moved", {"old": "/a", "new": "/b"}))) is None
    assert touched_folders(None) == ()


def test_undo_of_an_operation_the_command_line_undid_meanwhile_says_so(
    tmp_path, monkeypatch, make_window, qtbot, capsys
) -> None:
    """The menu may be stale (no focus yet): the undo refuses plainly, then the menu follows."""
    side = make_side(tmp_path / "a", monkeypatch)
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    gui_link(window, side, qtbot)
    wait_idle(qtbot, window)
    undo = window.menu_actions["undo"]
    assert undo.isEnabled()
    assert cli("undo") == 0  # behind the window's back
    capsys.readouterr()
    undo.trigger()
    wait_idle(qtbot, window)
    kind, message = window.presenter.history[-1]
    assert kind == "user" and "was already undone" in message
    assert not undo.isEnabled() and undo.text() == "Nothing to undo"
    assert not any(os.path.lexists(p) for p in side.links())
    _close_boxes(window)
    window.close()
