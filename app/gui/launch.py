"""Open the main window, or explain clearly why it cannot be opened here."""

from __future__ import annotations

import os
import sys

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


def launch_gui() -> int:
    """Run the Qt event loop until the window closes."""
    if not display_available():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    from app import APP_NAME
    from app.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    window = MainWindow()
    window.show()
    return app.exec()
