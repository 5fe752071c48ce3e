"""The real start-up path: a second start hands its files to the window already open.

The window claims in two steps (the lock before it is built, the socket right
after its first paint): a start in between waits for the listener.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

from app.gui import start_lock
from app.gui.launch import open_main_window
from app.gui.main_window import WindowOptions
from app.gui.single_instance import claim_or_forward, claim_start
from tests.gui.conftest import write_vae

ROOT = Path(__file__).resolve().parents[2]

# A first start as the window makes it, up to its first paint: what it loaded.
CLAIM_PROBE = r"""
import json, sys
from PySide6.QtCore import QCoreApplication
from app.gui.single_instance import claim_start
app = QCoreApplication([])
instance = claim_start([], sys.argv[1])
before = "PySide6.QtNetwork" in sys.modules
listening = instance.start_listening()
print(json.dumps({"before": before, "listening": listening,
                  "after": "PySide6.QtNetwork" in sys.modules}))
instance.close()
"""


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


def test_a_start_before_the_first_paint_waits_for_the_listener(qtbot, tmp_path, monkeypatch):
    name = f"vae-manager-test-{uuid.uuid4().hex[:12]}"
    first = claim_start([], name)  # as the window does before it is built
    assert first is not None and not first.is_listening
    waiting = threading.Event()
    real_wait = start_lock.wait_for_holder

    def wait() -> None:
        waiting.set()
        real_wait()

    monkeypatch.setattr(start_lock, "wait_for_holder", wait)
    vae = tmp_path / "early.safetensors"
    result: dict[str, object] = {}
    second = threading.Thread(
        target=lambda: result.setdefault("value", claim_or_forward([vae], name))
    )
    second.start()
    try:
        assert waiting.wait(60)  # it found the lock taken and waits (60 s: a hang guard)
        with qtbot.waitSignal(first.files_received, timeout=30_000) as received:
            assert first.start_listening()  # what the window runs right after its first paint
        second.join(30)
        assert result["value"] is None  # it handed its file over: it would exit
        assert received.args == [[str(vae)]]
    finally:
        first.close()
        second.join(30)
        Path(start_lock.StartLock(name).path).unlink(missing_ok=True)


def test_the_first_start_loads_qtnetwork_only_to_listen(tmp_path: Path) -> None:
    name = f"vae-manager-test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", CLAIM_PROBE, name], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=120,
        )  # fmt: skip
    finally:
        Path(start_lock.StartLock(name).path).unlink(missing_ok=True)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    expected_before = sys.platform.startswith("win")  # a pipe has no file to look for
    assert seen == {"before": expected_before, "listening": True, "after": True}
