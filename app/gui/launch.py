"""Open the main window, or explain clearly why it cannot be opened here."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    import threading

    from PySide6.QtWidgets import QApplication

    from app.gui.main_window import MainWindow, WindowOptions

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


def create_application() -> QApplication:
    """The QApplication with the app's names, translation and theme (created once)."""
    from PySide6.QtWidgets import QApplication

    from app import APP_NAME
    from app.gui.i18n import install_translator
    from app.gui.settings import KEY_THEME, get_str
    from app.gui.theme import apply_theme

    first = QApplication.instance() is None
    # instance() is typed QCoreApplication | None: here it is a QApplication (made below once)
    app = cast("QApplication", QApplication.instance() or QApplication(sys.argv[:1]))
    if first:
        load_fonts_meanwhile()
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    if app.property("vaeManagerLanguage") is None:
        app.setProperty("vaeManagerLanguage", install_translator(app))
    theme = get_str(KEY_THEME, "system")
    # Asking the OS about high contrast needs Qt's namespace enums (12 ms): the window
    # asks right after its first frame (MainWindow.when_painted) and re-applies if so.
    apply_theme(theme, high_contrast=False if theme == "system" else None)
    return app


_font_loader: threading.Thread | None = None  # started by load_fonts_meanwhile


def load_fonts_meanwhile() -> None:
    """Have the font database read the system's fonts on another core while the window is built.

    The first widget that measures text (the status bar, before the first frame)
    waits for fontconfig to list every font: 3-10 ms here. QFontDatabase is
    thread-safe (Qt's class documentation) and PySide lets go of the interpreter
    lock while it works, so this thread overlaps the translation, theme,
    single-instance claim and layout; a widget that needs fonts sooner waits on
    the database's own lock, as it would have waited anyway.
    """
    import threading

    from PySide6.QtGui import QFontDatabase

    global _font_loader
    _font_loader = threading.Thread(target=QFontDatabase.families, name="fonts", daemon=True)
    _font_loader.start()


def wait_for_fonts() -> None:
    """Join the font thread: a start that exits at once must not leave Qt with it running."""
    if _font_loader is not None:
        _font_loader.join(10)


def window_blocker(ldd: Callable[[Path], str | None] | None = None) -> str | None:
    """Why the window cannot open here (no display, missing system libraries), or None.

    Checked before the QApplication exists: Qt aborts the process when its
    display plugin cannot load, with a message that names no package.
    """
    if not display_available():
        return NO_DISPLAY_MESSAGE
    from app.gui.system_libraries import check_platform_libraries, run_ldd

    return check_platform_libraries(ldd=ldd or run_ldd)


class EarlyLdd:
    """``ldd`` of the display plugin Qt will try first, started before the window's imports.

    The check costs a process start (``ldd`` is a shell script running the
    loader) on every launch; run on the other core while this one imports the
    window's modules, it is ready when the QApplication is about to be made.
    Its answer is the one :func:`check_platform_libraries` would get itself.
    Spawned with ``os.posix_spawnp`` and read from a pipe: the ``subprocess``
    module alone costs 4-8 ms to import before the first frame. A check that
    found every library is kept (:mod:`app.gui.ldd_memo`, by :meth:`remember`)
    and, while nothing it depends on changed, answers the next start instead.
    """

    def __init__(self) -> None:
        from app.gui.ldd_memo import recall
        from app.gui.system_libraries import platform_candidates, qt_plugin_dir

        names = platform_candidates(os.environ)
        self.binary = qt_plugin_dir() / "platforms" / f"libq{names[0]}.so" if names else None
        self._child: _Child | None = None
        self.recalled: str | None = None  # the kept answer, when it still holds
        self._fresh: str | None = None  # what this start's own ldd printed
        if self.binary is not None and self.binary.is_file():
            self.recalled = recall(self.binary)
            if self.recalled is None:
                self._child = _Child.spawn(["ldd", str(self.binary)])

    def __call__(self, binary: Path) -> str | None:
        """What ``ldd binary`` prints: the kept or early answer for its plugin, else a new run."""
        from app.gui.system_libraries import LDD_TIMEOUT_S, run_ldd

        if binary == self.binary and self.recalled is not None:
            return self.recalled
        child, self._child = self._child, None
        if child is None or binary != self.binary:
            if child is not None:
                child.kill()
            return run_ldd(binary)
        self._fresh = child.output(LDD_TIMEOUT_S)
        return self._fresh

    def remember(self) -> None:
        """Keep this start's answer for the next one (after the first paint: it writes a file)."""
        from app.gui.ldd_memo import remember

        if self.binary is not None and self._fresh is not None:
            remember(self.binary, self._fresh)


class _Child:
    """A spawned process whose stdout is read to the end (stderr discarded)."""

    def __init__(self, pid: int, stdout: int) -> None:
        self.pid = pid
        self.stdout = stdout

    @classmethod
    def spawn(cls, argv: list[str]) -> _Child | None:
        """Start ``argv`` (looked up on PATH); None where it cannot start or spawn is missing."""
        if not hasattr(os, "posix_spawnp"):
            return None
        read, write = os.pipe()  # both close-on-exec: the child keeps only its dup2 copies
        devnull = os.open(os.devnull, os.O_WRONLY | os.O_CLOEXEC)
        actions = [(os.POSIX_SPAWN_DUP2, write, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
        try:
            pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
        except OSError:
            os.close(read)
            return None
        finally:
            os.close(write)
            os.close(devnull)
        return cls(pid, read)

    def output(self, timeout_s: float) -> str | None:
        """Everything it wrote to stdout once it exits; None when it outlives ``timeout_s``."""
        import select
        import time

        chunks: list[bytes] = []
        deadline = time.monotonic() + timeout_s
        try:
            while (left := deadline - time.monotonic()) > 0:
                if select.select([self.stdout], [], [], left)[0]:
                    chunk = os.read(self.stdout, 65536)
                    if not chunk:  # end of file: it has exited or is exiting
                        os.waitpid(self.pid, 0)
                        self.close()
                        return b"".join(chunks).decode(errors="replace")
                    chunks.append(chunk)
        except OSError:
            pass
        self.kill()
        return None

    def kill(self) -> None:
        """Stop it and reap it (no zombie), closing the pipe."""
        import signal

        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.stdout)


def launch_gui(files: Sequence[str] = ()) -> int:
    """Run the Qt event loop until the window closes."""
    if not display_available():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 2
    ldd = EarlyLdd()
    import app.gui.main_window
    import app.gui.single_instance  # noqa: F401 - both imported while ldd runs

    blocker = window_blocker(ldd)
    if blocker is not None:
        print(blocker, file=sys.stderr)
        return 2
    qt_app = create_application()
    window = open_main_window(files)
    if window is None:  # the running window took the files
        return 0
    from app.core.bug_log import setup_file_logging

    window.when_painted(setup_file_logging)  # the log file is not needed to draw the window
    window.when_painted(ldd.remember)
    return qt_app.exec()


def open_main_window(
    files: Sequence[str] = (), options: WindowOptions | None = None
) -> MainWindow | None:
    """Show the window (importing ``files``), or hand them to the one already running.

    A second start passes its files to the running window and returns None, so
    "Open with VAE Manager" and files dropped on the app icon land in one window.
    This one listens for such starts right after its first paint (QtNetwork and
    the socket are not needed to draw it); the start-up lock it holds until then
    makes a second start wait for the listener instead of missing it.
    """
    from PySide6.QtWidgets import QApplication

    from app.gui.single_instance import bring_to_front, claim_start

    # instance() is typed QCoreApplication | None; create_application() made the QApplication.
    app = cast("QApplication", QApplication.instance())
    app.setDesktopFileName("vae-manager")
    instance = claim_start([os.path.abspath(f) for f in files])
    if instance is None:
        wait_for_fonts()
        return None
    from app.gui.main_window import MainWindow

    window = MainWindow(options)
    window.when_painted(instance.start_listening, first=True)  # before the services
    window.when_painted(lambda: window.presenter.install_excepthook())
    window.single_instance = instance
    instance.activation_requested.connect(lambda: bring_to_front(window))
    instance.files_received.connect(lambda paths: window.drops.handle([Path(p) for p in paths]))
    if sys.platform == "darwin":  # Finder's QFileOpenEvent: no other system sends one
        # An application-wide filter sees every event of every object in Python: where
        # no FileOpen can come, it only costs (and built ~100 Qt classes before the paint).
        instance.install_file_open_handler(app)
    app.aboutToQuit.connect(instance.close)
    window.destroyed.connect(instance.close)
    window.show()
    if files:  # offered once the window is on screen
        start_files = [Path(f).absolute() for f in files]
        window.when_painted(lambda: window.drops.handle(start_files))
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
