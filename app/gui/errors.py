"""The one place that tells the user something went wrong.

A :class:`~app.core.errors.UserError` is shown as its own message: it was
written for people. Anything else is a bug: the traceback goes to the log file
and an error dialog shows a short apology with the details folded away.
A damaged or locked catalog gets its two ways out as buttons
(``recovery_chosen``; :mod:`app.gui.catalog_recovery` runs them), and a
message already on screen is not opened a second time. Dialogs open
window-modal but never block the event loop (``open``, not ``exec``), so a
failing task can never freeze the window.
"""

from __future__ import annotations

import sys
import traceback
from enum import StrEnum
from types import TracebackType
from typing import TYPE_CHECKING, TypeGuard

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.bug_log import LOG_NAME, log_file, record_bug, setup_file_logging
from app.core.errors import Cancelled, UserError
from app.gui.core_messages import error_text

if TYPE_CHECKING:
    from app.core.sqlite_errors import DatabaseProblem

__all__ = ["LOG_NAME", "ErrorPresenter", "Recovery", "log_file", "setup_file_logging"]


class Recovery(StrEnum):
    """The ways out of a damaged or locked catalog the presenter offers."""

    RESTORE = "restore"
    REBUILD = "rebuild"


def _catalog_can_recover(exc: BaseException) -> TypeGuard[DatabaseProblem]:
    """A damaged or locked catalog, which restore or rebuild can cure."""
    if not isinstance(exc, UserError):
        return False
    # Imported here, on the error path: the window starts without the SQLite modules.
    from app.core.catalog.db import NAME
    from app.core.sqlite_errors import RECOVERABLE, DatabaseProblem

    return isinstance(exc, DatabaseProblem) and exc.name == NAME and exc.trouble in RECOVERABLE


class ErrorPresenter(QObject):
    """Shows messages for a window; ``shown`` reports each (tests and the self-test read it)."""

    shown = Signal(str, str)  # (kind: "user" | "bug" | "info", text)
    recovery_chosen = Signal(str)  # a Recovery: the user picked a way out of a catalog problem

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._parent = parent_widget
        self.history: list[tuple[str, str]] = []
        self.open_boxes: dict[str, QMessageBox] = {}  # a message still on screen is not repeated

    def show_error(self, exc: BaseException, context: str = "", trace: str = "") -> None:
        """UserError: its message; Cancelled: nothing; anything else: the bug dialog."""
        if isinstance(exc, Cancelled):
            return
        if _catalog_can_recover(exc):
            self._catalog_problem(exc)
            return
        if isinstance(exc, UserError):
            text = error_text(str(exc))  # core's sentence in the window's language
            if text not in self.open_boxes:
                box = self._box(QMessageBox.Icon.Warning, context or self.tr("Cannot do that"),
                                text)  # fmt: skip
                self._track(text, box)
            self._note("user", str(exc))
            return
        trace = trace or "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        written = record_bug(exc, context, trace)
        text = self.tr(
            "Something went wrong inside VAE Manager{where}. This is a bug, not something "
            "you did.\n"
            "Your files were not changed by the failed step. The details were written to:\n{log}"
        ).format(where=f" ({context})" if context else "", log=written or log_file())
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

    def _catalog_problem(self, exc: DatabaseProblem) -> None:
        """A damaged or locked catalog: say so once, with its two ways out as buttons."""
        key = f"catalog:{exc.path}"
        self._note("user", str(exc))
        if key in self.open_boxes:
            return
        text = "\n\n".join((error_text(exc.reason), self.tr(
            "You can put back the newest backup of the catalog, or set it aside (nothing is "
            "deleted) and rebuild it by scanning your folders again.")))  # fmt: skip
        box = self._box(QMessageBox.Icon.Warning, self.tr("The catalog cannot be used"), text,
                        show=False)  # fmt: skip
        box.setObjectName("catalogProblemBox")
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        for choice, label in ((Recovery.RESTORE, self.tr("Restore backup")),
                              (Recovery.REBUILD, self.tr("Rebuild catalog"))):  # fmt: skip
            button = box.addButton(label, QMessageBox.ButtonRole.AcceptRole)
            button.setObjectName(f"{choice}Button")
            button.clicked.connect(lambda _=False, c=choice: self.recovery_chosen.emit(c))
        self._track(key, box)
        box.open()

    def _track(self, key: str, box: QMessageBox) -> None:
        self.open_boxes[key] = box
        box.finished.connect(lambda _=0, k=key: self.open_boxes.pop(k, None))

    def install_excepthook(self) -> None:
        """Errors escaping a slot end up here instead of killing the app silently."""
        previous = sys.excepthook

        def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
            if issubclass(kind, KeyboardInterrupt):
                previous(kind, value, tb)
                return
            trace = "".join(traceback.format_exception(kind, value, tb))
            self.show_error(value, trace=trace)

        sys.excepthook = hook

    def _box(
        self, icon: QMessageBox.Icon, title: str, text: str, *, show: bool = True
    ) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self._parent)
        box.setObjectName("messageBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        if show:
            box.open()
        return box

    def _note(self, kind: str, text: str) -> None:
        self.history.append((kind, text))
        self.shown.emit(kind, text)
