"""Library folder, mirror and token settings, saved through the core and honoured."""

from __future__ import annotations

from pathlib import Path

from app.core.downloads.settings import stored_download_settings
from app.core.library.settings import library_root
from app.core.paths import app_paths
from app.gui.dialogs.download_settings import DownloadSettingsDialog
from tests.gui.conftest import wait_for, write_vae


def test_saving_moves_the_library_and_stores_mirror_and_token(
    started_window, qtbot, tmp_path: Path
) -> None:
    window = started_window
    old = write_vae(app_paths().library_dir / "VAE" / "kept.safetensors", seed=4)
    dialog = DownloadSettingsDialog(window.runner, window.presenter, window)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_for(qtbot, lambda: dialog.folder_edit.text() != "")
    assert Path(dialog.folder_edit.text()) == app_paths().library_dir
    new_library = tmp_path / "bigger-drive" / "VAE Library"
    dialog.folder_edit.setText(str(new_library))
    dialog.endpoint_edit.setText("https://hf-mirror.com")
    dialog.token_edit.setText("hf_abcdefghijklmnop")
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        dialog.save()
    assert library_root() == new_library
    assert (new_library / "VAE" / "kept.safetensors").exists() and not old.exists()
    stored = stored_download_settings()
    assert stored.endpoint == "https://hf-mirror.com" and stored.token == "hf_abcdefghijklmnop"


def test_a_bad_mirror_is_refused_with_a_message(started_window, qtbot) -> None:
    window = started_window
    dialog = DownloadSettingsDialog(window.runner, window.presenter, window)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_for(qtbot, lambda: dialog.folder_edit.text() != "")
    dialog.endpoint_edit.setText("ftp://not-a-mirror")
    dialog.save()
    wait_for(qtbot, lambda: bool(window.presenter.history))
    assert window.presenter.history[-1][0] == "user"
    assert dialog.isVisible()  # nothing saved, the dialog stays for a correction
    assert stored_download_settings().endpoint is None
