"""Import, library move and pairing from the window record what the command line records.

Each test runs the CLI command on one fixture (its own app home) and the window's
action on an identical fixture (another home), then compares the two journal
operations: kind, summary and steps, with the fixture folders and inode numbers
taken out. Then the window's Edit → Undo (or the panel's buttons) act on them.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from app.cli import main
from app.core.operations.journal import Journal, OperationRecord
from app.core.paths import app_paths
from app.gui.dialogs.download_settings import DownloadSettingsDialog
from app.gui.panels.checkpoints import COL_PAIRED
from tests.core.installs.trees import make_a1111
from tests.gui.conftest import wait_for, wait_idle, write_vae
from tests.gui.test_drop import _import
from tests.model_files import checkpoint_state_dict, write_safetensors
from tests.trash_home import trash_home  # noqa: F401 (fixture)

# File identity and link-row numbers differ between two homes; everything else must match.
VOLATILE_KEYS = {"dev", "ino", "link_id"}
BACKUP_TIME = re.compile(r"vaem-bak-\d{8}-\d{6}")  # a config backup's name says when


def normalised(record: OperationRecord | None, root: Path) -> tuple:
    """(kind, summary, steps) with ``root`` as ``<root>``, volatile keys and times taken out."""
    assert record is not None

    def clean(value: object) -> object:
        if isinstance(value, str):
            return BACKUP_TIME.sub("vaem-bak-<time>", value.replace(str(root), "<root>"))
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in VOLATILE_KEYS}
        return value

    steps = [(s.kind, clean(dict(s.data))) for s in record.steps]
    return str(record.kind), clean(record.summary), steps


def use_home(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    monkeypatch.setenv("VAE_MANAGER_HOME", str(root / "home"))


def started(make_window, qtbot, **options):
    window = make_window(**options)
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    return window


def undo_from_the_menu(qtbot, window, operation_id: str):
    """Edit → Undo once it names ``operation_id`` (it follows the journal on a worker)."""
    action = window.menu_actions["undo"]
    latest = lambda: window.operations.latest  # noqa: E731 - read at each poll
    wait_for(qtbot, lambda: latest() is not None and latest().id == operation_id)
    wait_for(qtbot, action.isEnabled)
    with qtbot.waitSignal(window.operations.undone, timeout=60_000) as undone:
        action.trigger()
    return undone.args[0]


def _import_fixture(root: Path) -> list[Path]:
    downloads = root / "Downloads"
    vae = write_vae(downloads / "dropped-vae.safetensors", seed=5)
    checkpoint = write_safetensors(downloads / "model.safetensors", checkpoint_state_dict(ch=32))
    return [vae, checkpoint]


@pytest.mark.usefixtures("trash_home")
def test_drop_import_records_the_cli_import_and_edit_undo_takes_it_back(
    make_window, qtbot, tmp_path, monkeypatch
) -> None:
    cli_root, gui_root = tmp_path / "cli", tmp_path / "gui"
    use_home(monkeypatch, cli_root)
    # The dialog's defaults: copy, no extraction, pickled VAEs stored as safetensors.
    assert main(["import", *map(str, _import_fixture(cli_root)), "--to-safetensors"]) == 0
    cli = Journal().latest_undoable()

    use_home(monkeypatch, gui_root)
    window = started(make_window, qtbot)
    sources = _import_fixture(gui_root)
    outcomes = _import(qtbot, window, sources)
    assert [o.action for o in outcomes] == ["imported", "imported"]
    op_id = window.drops.imports.operation_id
    assert op_id is not None
    gui = Journal().get(op_id)
    assert normalised(gui, gui_root) == normalised(cli, cli_root)
    assert [s.kind for s in gui.steps] == ["file-added", "file-added"]

    copies = [o.dest for o in outcomes]
    assert all(p is not None and p.exists() for p in copies)
    result = undo_from_the_menu(qtbot, window, op_id)
    assert result.complete
    assert not any(os.path.lexists(p) for p in copies)  # the library copies went to the trash
    assert all(p.exists() for p in sources)  # the user's originals stayed
    assert Journal().get(op_id).undone_at is not None


def _library_fixture() -> Path:
    return write_vae(app_paths().library_dir / "VAE" / "kept.safetensors", seed=4)


def test_library_move_from_the_settings_dialog_records_the_cli_library_move(
    make_window, qtbot, tmp_path, monkeypatch
) -> None:
    cli_root, gui_root = tmp_path / "cli", tmp_path / "gui"
    use_home(monkeypatch, cli_root)
    _library_fixture()
    assert main(["library", "move", str(cli_root / "bigger-drive" / "VAE Library")]) == 0
    cli = Journal().latest_undoable()

    use_home(monkeypatch, gui_root)
    kept = _library_fixture()
    window = started(make_window, qtbot)
    dialog = DownloadSettingsDialog(window.runner, window.presenter, window)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_for(qtbot, lambda: dialog.folder_edit.text() != "")
    new_library = gui_root / "bigger-drive" / "VAE Library"
    dialog.folder_edit.setText(str(new_library))
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        dialog.save()
    assert (new_library / "VAE" / "kept.safetensors").exists() and not kept.exists()
    gui = Journal().latest_undoable()
    assert normalised(gui, gui_root) == normalised(cli, cli_root)
    assert str(gui.kind) == "library-move"

    wait_idle(qtbot, window)
    assert undo_from_the_menu(qtbot, window, gui.id).complete
    assert kept.exists() and not (new_library / "VAE" / "kept.safetensors").exists()


def _pair_fixture(root: Path) -> tuple[Path, Path, Path]:
    """An A1111 folder with one checkpoint, and a VAE in the library."""
    webui = make_a1111(root / "ui" / "stable-diffusion-webui")
    ckpt = write_safetensors(
        webui / "models" / "Stable-diffusion" / "dreamy.safetensors", checkpoint_state_dict(ch=32)
    )
    vae = write_vae(app_paths().library_dir / "VAE" / "sharp.safetensors", seed=3)
    return webui, ckpt, vae


def _checkpoints_panel(qtbot, window, ckpt: Path):
    """The Checkpoints panel with the row of ``ckpt`` selected once its pairing is read."""
    window.show_panel(window.PANEL_CHECKPOINTS)
    panel = window.checkpoints
    model = panel.model
    wait_for(qtbot, lambda: any(model.pairing_for(r) is not None for r in model.rows))
    row = next(i for i, r in enumerate(model.rows) if str(ckpt) in r.entry.locations)
    panel.table.selectRow(panel.proxy.mapFromSource(model.index(row, 0)).row())
    return panel, row


def _paired_text(panel, row: int) -> str:
    return panel.model.index(row, COL_PAIRED).data()


def test_pair_from_the_checkpoints_panel_records_the_cli_pair_and_is_shown(
    make_window, qtbot, tmp_path, monkeypatch
) -> None:
    cli_root, gui_root = tmp_path / "cli", tmp_path / "gui"
    use_home(monkeypatch, cli_root)
    _, cli_ckpt, cli_vae = _pair_fixture(cli_root)
    assert main(["pair", str(cli_vae), "--with", str(cli_ckpt)]) == 0
    cli = Journal().latest_undoable()

    use_home(monkeypatch, gui_root)
    webui, ckpt, vae = _pair_fixture(gui_root)
    window = started(make_window, qtbot, search_roots=[gui_root / "ui"])
    panel, row = _checkpoints_panel(qtbot, window, ckpt)
    assert "built-in VAE" in _paired_text(panel, row)  # nothing chosen yet
    assert panel.pair_button.isEnabled() and not panel.unpair_button.isEnabled()
    with qtbot.waitSignal(panel.pair_dialog_opened, timeout=5_000) as opened:
        panel.pair_button.click()
    dialog = opened.args[0]
    dialog.vae_combo.setCurrentIndex(dialog.vae_combo.findData(str(vae)))
    assert dialog.how_combo.currentData() == "sidecar"  # A1111's default, as on the CLI
    with qtbot.waitSignal(panel.pair_finished, timeout=30_000) as finished:
        dialog.ok_button.click()
    result = finished.args[0]
    gui = Journal().get(result.operation_id)
    assert normalised(gui, gui_root) == normalised(cli, cli_root)
    sidecar = ckpt.with_name("dreamy.vae.safetensors")
    assert os.path.samefile(sidecar, vae)

    wait_idle(qtbot, window)
    wait_for(qtbot, lambda: "beside it as dreamy.vae.safetensors" in _paired_text(panel, row))
    assert _paired_text(panel, row).startswith("dreamy.vae.safetensors")
    assert panel.unpair_button.isEnabled()
    assert "loads it with dreamy.vae.safetensors" in panel.explanation.text()


def _preferred_fixture(root: Path) -> tuple[Path, Path]:
    """A checkpoint whose user metadata names a VAE in the install's VAE folder."""
    webui, ckpt, _ = _pair_fixture(root)
    write_vae(webui / "models" / "VAE" / "soft.safetensors", seed=7)
    meta = ckpt.with_suffix(".json")
    meta.write_text(json.dumps({"description": "mine", "vae": "soft.safetensors"}) + "\n")
    return ckpt, meta


def test_the_panel_shows_a_preferred_vae_and_unpair_is_the_cli_unpair(
    make_window, qtbot, tmp_path, monkeypatch
) -> None:
    cli_root, gui_root = tmp_path / "cli", tmp_path / "gui"
    use_home(monkeypatch, cli_root)
    cli_ckpt, _ = _preferred_fixture(cli_root)
    assert main(["pair", "--unpair", "--with", str(cli_ckpt)]) == 0
    cli = Journal().latest_undoable()

    use_home(monkeypatch, gui_root)
    ckpt, meta = _preferred_fixture(gui_root)
    window = started(make_window, qtbot, search_roots=[gui_root / "ui"])
    panel, row = _checkpoints_panel(qtbot, window, ckpt)
    assert _paired_text(panel, row) == 'soft.safetensors ("Preferred VAE" in dreamy.json)'
    assert panel.unpair_button.isEnabled()

    with qtbot.waitSignal(panel.pair_finished, timeout=30_000) as finished:
        panel.unpair_button.click()
    gui = Journal().get(finished.args[0].operation_id)
    assert normalised(gui, gui_root) == normalised(cli, cli_root)
    assert json.loads(meta.read_text()) == {"description": "mine", "vae": "Automatic"}
    wait_idle(qtbot, window)
    wait_for(qtbot, lambda: "soft.safetensors" not in _paired_text(panel, row))
    assert "built-in VAE" in _paired_text(panel, row)
    assert not panel.unpair_button.isEnabled()
