"""The window as a whole: opens fast and empty, remembers itself, shortcuts, dialogs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication

from app.gui.i18n import install_translator
from app.gui.launch import display_available
from app.gui.main_window import MainWindow, WindowOptions
from app.gui.settings import settings_path
from tests.gui.conftest import wait_for, wait_idle

ROOT = Path(__file__).resolve().parents[2]


def test_main_window_opens_offscreen(qtbot) -> None:
    window = MainWindow(WindowOptions(search_roots=[], auto_start=False))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == "VAE Manager"
    window.close()


def test_display_detection() -> None:
    assert not display_available({}, "linux")
    assert display_available({"DISPLAY": ":0"}, "linux")
    assert display_available({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert display_available({}, "win32")


def test_empty_states_explain_what_to_do(started_window) -> None:
    window = started_window
    assert window.library.stack.currentWidget() is window.library.empty_state
    assert "Drop VAE files" in window.library.empty_state.text.text()
    assert window.installs.stack.currentIndex() == 0
    assert window.checkpoints.stack.currentIndex() == 0


def test_shortcuts_switch_panels_and_focus_the_filter(started_window, qtbot) -> None:
    window = started_window
    window.activateWindow()
    for index in range(5):
        window.menu_actions[f"panel_{window.panel_specs()[index][0]}"].trigger()
        assert window.current_panel() == index
    assert window.menu_actions["panel_preview"].shortcut().toString() == "Ctrl+5"
    window.menu_actions["find"].trigger()
    assert window.current_panel() == window.PANEL_LIBRARY
    assert window.library.filter_edit.hasFocus() or not window.isActiveWindow()


def test_geometry_and_last_panel_are_remembered(make_window, qtbot) -> None:
    first = make_window(auto_start=False)
    first.resize(1100, 760)
    first.show_panel(first.PANEL_INSTALLS)
    first.close()
    assert settings_path().is_file()
    assert str(settings_path()).startswith(os.environ["VAE_MANAGER_HOME"])
    second = make_window(auto_start=False)
    assert second.current_panel() == second.PANEL_INSTALLS
    # the offscreen screen is 800 px wide, so Qt clamps the width; the height survives
    assert second.height() == 760


def test_about_and_guide_dialogs(started_window, qtbot) -> None:
    window = started_window
    about = window.about_action()
    assert about.windowTitle() == "About VAE Manager" and about.isVisible()
    about.close()
    guide = window.guide_action()
    text = guide.browser.toPlainText()
    assert "Which VAE should I use?" in text and "fp16-fix" in text
    assert "Every checkpoint already carries one" in text
    guide.close()


def test_chinese_translation_and_guide(qtbot) -> None:
    app = QApplication.instance()
    translator_code = install_translator(app, "zh_CN")
    try:
        assert translator_code == "zh_CN"
        assert QCoreApplication.translate("MainWindow", "Library") != "Library"
        from app.gui.dialogs.guide_text import guide_html

        assert "我该用哪个 VAE" in guide_html("zh_CN")
    finally:
        for translator in app.findChildren(QTranslator):
            app.removeTranslator(translator)
            translator.deleteLater()


def test_window_start_does_not_import_torch(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from app.gui.main_window import MainWindow, WindowOptions\n"
        "w = MainWindow(WindowOptions(search_roots=[]))\n"
        "w.show()\n"
        "for _ in range(50): app.processEvents()\n"
        "w.runner.wait_idle(30000)\n"
        "for _ in range(50): app.processEvents()\n"
        "bad = [m for m in ('torch', 'app.preview.service', 'requests') if m in sys.modules]\n"
        "print(bad)\n"
        "w.close()\n"
        "sys.exit(1 if bad else 0)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VAE_MANAGER_HOME=str(tmp_path / "home"))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_closing_with_work_in_flight_cancels_and_waits(make_window, qtbot) -> None:
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    ran = []

    def forever(progress, cancel):
        while True:
            cancel.raise_if_cancelled()
            ran.append(1)
            time.sleep(0.01)

    task = window.runner.submit("endless", forever)
    qtbot.waitUntil(lambda: bool(ran))
    window.close()  # cancels, then waits for the worker: nothing outlives the window
    assert task.token.cancelled
    count = len(ran)
    time.sleep(0.05)
    assert len(ran) == count
