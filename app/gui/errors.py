"""The one place that tells the user something went wrong.

A :class:`~app.core.errors.UserError` is shown as its own message: it was
written for people. Anything else is a bug: the traceback goes to the log file
and an error dialog shows a short apology with the details folded away.
Dialogs open window-modal but never block the event loop (``open``, not
``exec``), so a failing task can never freeze the window.
"""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.errors import Cancelled, UserError
from app.core.paths import app_paths
from app.gui.core_messages import error_text

log = logging.getLogger(__name__)
LOG_NAME = "vae-manager.log"


def log_file() -> Path:
    """The app's log file (rotated; bugs write their traceback here)."""
    return app_paths().log_dir / LOG_NAME


def setup_file_logging() -> Path:
    """Send the app's log (info and up) to a rotating file in the log folder; idempotent."""
    path = log_file()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "vae_manager", False):
            if getattr(handler, "baseFilename", None) == str(path):
                return path
            root.removeHandler(handler)  # the app home changed (tests): follow it
            handler.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=1 << 20, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    handler.vae_manager = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    return path


class ErrorPresenter(QObject):
    """Shows messages for a window; ``shown`` reports each (tests and the self-test read it)."""

    shown = Signal(str, str)  # (kind: "user" | "bug" | "info", text)

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._parent = parent_widget
        self.history: list[tuple[str, str]] = []

    def show_error(self, exc: BaseException, context: str = "", trace: str = "") -> None:
        """UserError: its message; Cancelled: nothing; anything else: the bug dialog."""
        if isinstance(exc, Cancelled):
            return
        if isinstance(exc, UserError):
            text = error_text(str(exc))  # core's sentence in the window's language
            self._box(QMessageBox.Icon.Warning, context or self.tr("Cannot do that"), text)
            self._note("user", str(exc))
            return
        trace = trace or "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        setup_file_logging()
        log.error("unexpected error%s:\n%s", f" in {context}" if context else "", trace)
        text = self.tr(
            "Something went wrong inside VAE Manager{where}. This is a bug, not something "
            "you did.\n"
            "Your files were not changed by the failed step. The details were written to:\n{log}"
        ).format(where=f" ({context})" if context else "", log=log_file())
        box = self._box(QMessageBox.Icon.Critical, self.tr("Unexpected error"), text, show=False)
        box.setDetailedText(f"{type(exc).__name__}: {exc}\n\n{trace}")
        box.open()
        self._note("bug", f"{type(exc).__name__}: {exc}")

    def inform(self, title: str, text: str, details: str = "") -> None:
        """A plain notice (results of an action the user asked for)."""
        box = self._box(QMessageBox.Icon.Information, title, text, show=False)
        if details:
            box.setDetailedText(details)
        box.open()
        self._note("info", text)

    def install_excepthook(self) -> None:
        """Errors escaping a slot end up here instead of killing the app silently."""
        previous = sys.excepthook

        def hook(kind, value, tb):  # type: ignore[no-untyped-def]
            if issubclass(kind, KeyboardInterrupt):
                previous(kind, value, tb)
                return
            trace = "".join(traceback.format_exception(kind, value, tb))
            self.show_error(value, trace=trace)

        sys.excepthook = hook

    def _box(self, icon, title: str, text: str, *, show: bool = True) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self._parent)
        box.setObjectName("messageBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        if show:
            box.open()
        return box

    def _note(self, kind: str, text: str) -> None:
        self.history.append((kind, text))
        self.shown.emit(kind, text)
