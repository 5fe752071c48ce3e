"""Opening at once: the first frame is only the window's frame; the rest follows it.

The window draws its frame, menus and sidebar first; the shared services, the
panel on screen and the task dock come right after that paint, and the catalog
load waits for it. Other panels are built when first used. These tests hold the
order, not a time (``benchmarks/startup.py`` measures that).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from app.gui.main_window import MainWindow, WindowOptions
from tests.gui.conftest import wait_for, wait_idle, write_vae

ROOT = Path(__file__).resolve().parents[2]

# The real start (main.py's path), stopped at the window's first Paint event: what
# had been imported and built by then, and what had after the loop went idle twice.
FIRST_FRAME_PROBE = r"""
import json, sys
import PySide6.QtCore as core
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
import app.gui.launch as launch
from app.gui.main_window import WindowOptions

lazy_qt = "Qt" not in core.__dict__  # PySide builds its types on first use here
seen = {}

def modules():
    names = ("app.gui.state", "app.gui.errors", "app.gui.panels.library", "app.gui.tasks",
             "app.gui.panels.task_panel", "app.core.catalog.store", "numpy", "torch",
             "PySide6.QtNetwork", "subprocess", "hashlib")
    return sorted(m for m in names if m in sys.modules)

def report(window):
    return {"modules": modules(), "services": window._services_ is not None,
            "panels": window.built_panels(),
            "started": window._services_ is not None and window.state.installs_known,
            "snapshot": window._snapshot is not None,
            "listening": window.single_instance.is_listening,
            "qt_namespace": lazy_qt and "Qt" in core.__dict__}

class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "paint" not in seen:
            seen["paint"] = report(obj)
            QTimer.singleShot(0, lambda: done(obj))
        return False

def done(window):
    # Wait for what the assertions are about, not for a time: the install search
    # and the first catalog read finish in either order, and each result reaches
    # the window only through this (GUI) thread's event loop.
    started = window._services_ is not None and window.state.installs_known
    if not (started and window._snapshot is not None):
        QTimer.singleShot(20, lambda: done(window))  # the subprocess timeout guards a hang
        return
    window.runner.wait_idle(30000)  # the rescan and hashing: what they import counts too
    seen["after"] = report(window)
    print(json.dumps(seen))
    QApplication.instance().quit()

app = launch.create_application()
window = launch.open_main_window([], WindowOptions(search_roots=[]))
watch = Watch()
window.installEventFilter(watch)
app.exec()
window.close()
"""


def test_the_first_frame_is_drawn_before_services_panels_and_the_catalog(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VAE_MANAGER_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_PROBE], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    first = seen["paint"]
    assert first["modules"] == [], first  # nothing but the frame's own modules
    assert not first["services"] and first["panels"] == []
    assert not first["started"] and not first["snapshot"]
    assert not first["listening"]  # the single-instance socket comes right after the paint
    assert not first["qt_namespace"], "Qt's namespace enums (12 ms) were built before it"
    after = seen["after"]
    assert after["services"] and after["panels"] == [MainWindow.PANEL_LIBRARY]
    assert after["started"] and after["snapshot"]  # installs searched, catalog read: after it
    assert after["listening"] and "PySide6.QtNetwork" in after["modules"]
    assert "numpy" not in after["modules"] and "torch" not in after["modules"]


def test_the_catalog_load_starts_only_after_the_first_paint(qtbot) -> None:
    window = MainWindow(WindowOptions(search_roots=[]))
    qtbot.addWidget(window)
    assert window._services_ is None  # constructed: nothing submitted, nothing imported
    window.show()
    wait_for(qtbot, lambda: window._services_ is not None and window.state.installs_known)
    wait_idle(qtbot, window)
    assert window.library.stack.currentWidget() is window.library.empty_state
    window.close()


def test_panels_are_built_on_first_use_and_get_the_latest_snapshot(make_window, qtbot, tmp_path):
    vae = write_vae(tmp_path / "vaes" / "late.safetensors")
    window = make_window(extra_scan_roots=[vae.parent])
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    wait_for(qtbot, lambda: len(window.state.snapshot.rows) == 1)
    assert window.built_panels() == [window.PANEL_LIBRARY]
    window.show_panel(window.PANEL_PREVIEW)  # built now, after the snapshot arrived
    assert window.built_panels() == [window.PANEL_LIBRARY, window.PANEL_PREVIEW]
    assert window.current_panel() == window.PANEL_PREVIEW
    assert window.stack.currentWidget() is window.preview
    assert window.preview.objectName() == "panel_preview"
    combo = window.preview.vae_combos[0]
    names = [combo.itemText(i) for i in range(combo.count())]
    assert any("late.safetensors" in name for name in names), names


def test_tasks_submitted_before_the_dock_exists_are_listed_in_it(qtbot) -> None:
    window = MainWindow(WindowOptions(search_roots=[], auto_start=False))
    qtbot.addWidget(window)
    release = threading.Event()
    task = window.runner.submit("held", lambda progress, cancel: release.wait(30))
    assert window._tasks is None  # not shown yet: no dock
    assert [row.task for row in window.task_panel.rows] == [task]
    release.set()
    qtbot.waitUntil(lambda: not task.active, timeout=30_000)
    window.close()


def test_a_window_never_painted_still_loads_its_catalog(qtbot) -> None:
    window = MainWindow(WindowOptions(search_roots=[]))  # never shown
    qtbot.addWidget(window)
    wait_for(qtbot, lambda: window._services_ is not None and window.state.installs_known)
    wait_idle(qtbot, window)
    window.close()


def test_a_shown_window_still_waiting_for_its_paint_is_not_filled_in_early(qtbot) -> None:
    from app.gui.main_window import window as window_module

    window = MainWindow(WindowOptions(search_roots=[], auto_start=False))
    qtbot.addWidget(window)
    window.show()  # mapped and painted only once the event loop runs
    window._on_unpainted_timeout()  # the fallback's first check, as on a loaded machine
    assert window._services_ is None and not window._painted  # it waits for the paint
    window._on_unpainted_timeout(window_module.START_UNPAINTED_WAIT_MS)  # never painted
    assert window._painted
    wait_for(qtbot, lambda: window._services_ is not None)
    window.close()


def test_a_minimized_window_is_filled_in_at_the_first_check(qtbot) -> None:
    window = MainWindow(WindowOptions(search_roots=[], auto_start=False))
    qtbot.addWidget(window)
    window.showMinimized()
    window._on_unpainted_timeout()
    assert window._painted  # minimized: no paint is coming
    wait_for(qtbot, lambda: window._services_ is not None)
    window.close()
