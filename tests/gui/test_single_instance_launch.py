"""The real start-up path: a second start hands its files to the window already open."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.gui.launch import open_main_window
from app.gui.main_window import WindowOptions
from tests.gui.conftest import write_vae

ROOT = Path(__file__).resolve().parents[2]


def test_a_second_start_sends_its_files_to_the_open_window(qtbot, tmp_path: Path) -> None:
    window = open_main_window([], WindowOptions(search_roots=[]))
    assert window is not None
    qtbot.addWidget(window)
    vae = write_vae(tmp_path / "dropped.safetensors", seed=3)
    opened = []
    window.drops.import_dialog_opened.connect(opened.append)

    # A real second start, exactly as a user's "Open with VAE Manager" runs it.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    second = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), str(vae)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    qtbot.waitUntil(lambda: second.poll() is not None, timeout=60_000)
    assert second.returncode == 0, second.stderr.read()

    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    assert [Path(p) for p in opened[0].paths] == [vae]
    opened[0].reject()
    window.single_instance.close()


def test_files_given_at_start_are_offered_for_import(qtbot, tmp_path: Path) -> None:
    vae = write_vae(tmp_path / "started-with.safetensors", seed=4)
    window = open_main_window([str(vae)], WindowOptions(search_roots=[]))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.drops.import_dialog_opened, timeout=20_000) as blocker:
        pass
    dialog = blocker.args[0]
    assert [Path(p) for p in dialog.paths] == [vae]
    dialog.reject()
    window.single_instance.close()
