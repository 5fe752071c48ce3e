"""Open the main window, or explain clearly why it cannot be opened here."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

NO_DISPLAY_MESSAGE = (
    "VAE Manager needs a display to open its window, and none was found "
    "(DISPLAY and WAYLAND_DISPLAY are unset).\n"
    "Use the command-line interface instead, for example:\n"
    "  python main.py --help\n"
    "  python main.py scan ~/stable-diffusion-webui/models/VAE\n"
    "  python main.py inspect FILE.safetensors\n"
    "(or set QT_QPA_PLATFORM=offscreen to run the window without a screen)."
)


def display_available(environ: dict[str, str] | None = None, platform: str = sys.platform) -> bool:
    """Whether Qt can open a window: always on Windows/macOS, needs X11/Wayland on Linux."""
    env = os.environ if environ is None else environ
    if not platform.startswith("linux"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM"))


def create_application():
    """The QApplication with the app's names, translation and theme (created once)."""
    from PySide6.QtWidgets import QApplication

    from app import APP_NAME
    from app.gui.i18n import install_translator
    from app.gui.settings import KEY_THEME, get_str
    from app.gui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    if app.property("vaeManagerLanguage") is None:
        app.setProperty("vaeManagerLanguage", install_translator(app))
    apply_theme(get_str(KEY_THEME, "system"))
    return app


def window_blocker() -> str | None:
    """Why the window cannot open here (no display, missing system libraries), or None.

    Checked before the QApplication exists: Qt aborts the process when its
    display plugin cannot load, with a message that names no package.
    """
    if not display_available():
        return NO_DISPLAY_MESSAGE
    from app.gui.system_libraries import check_platform_libraries

    return check_platform_libraries()


def launch_gui(files: Sequence[str] = ()) -> int:
    """Run the Qt event loop until the window closes."""
    blocker = window_blocker()
    if blocker is not None:
        print(blocker, file=sys.stderr)
        return 2
    from app.gui.errors import setup_file_logging

    setup_file_logging()
    app = create_application()
    window = open_main_window(files)
    if window is None:  # the running window took the files
        return 0
    return app.exec()


def open_main_window(files: Sequence[str] = (), options=None):  # noqa: ANN001, ANN201 - Qt types
    """Show the window (importing ``files``), or hand them to the one already running.

    A second start passes its files to the running window and returns None, so
    "Open with VAE Manager" and files dropped on the app icon land in one window.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.gui.single_instance import bring_to_front, claim_or_forward

    app = QApplication.instance()
    app.setDesktopFileName("vae-manager")
    instance = claim_or_forward([os.path.abspath(f) for f in files])
    if instance is None:
        return None
    from app.gui.main_window import MainWindow

    window = MainWindow(options)
    window.presenter.install_excepthook()
    window.single_instance = instance
    instance.activation_requested.connect(lambda: bring_to_front(window))
    instance.files_received.connect(lambda paths: window.drops.handle([Path(p) for p in paths]))
    instance.install_file_open_handler(app)
    app.aboutToQuit.connect(instance.close)
    window.destroyed.connect(instance.close)
    window.show()
    if files:
        start_files = [Path(f).absolute() for f in files]
        QTimer.singleShot(0, lambda: window.drops.handle(start_files))
    return window


def launch_self_test(argv: list[str]) -> int:
    """``--self-test [--screenshot DIR]``: open, visit every panel, exit 0 when all went well."""
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="main.py --self-test")
    parser.add_argument("--self-test", action="store_true", required=True)
    parser.add_argument("--screenshot", type=Path, metavar="DIR", help="save one PNG per panel")
    parser.add_argument("--theme", choices=("system", "light", "dark"), default="system")
    parser.add_argument("--language", choices=("system", "en", "zh_CN"), default=None)
    args = parser.parse_args(argv)
    if not display_available():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.gui.system_libraries import check_platform_libraries

    if (missing := check_platform_libraries()) is not None:
        print(missing, file=sys.stderr)
        return 2
    from app.gui.self_test import run_self_test

    return run_self_test(args.screenshot, theme=args.theme, language=args.language)
