"""The one place that tells the user something went wrong.

A :class:`~app.core.errors.UserError` is shown as its own message: it was
written for people. Anything else is a bug: the traceback goes to the log file
and an error dialog shows a short apology with the details folded away.
A damaged or locked catalog, or link records file, gets its two ways out as
buttons (``recovery_chosen``; :mod:`app.gui.catalog_recovery` and
:mod:`app.gui.link_records_recovery` run them), and a message already on
screen is not opened a second time. Dialogs open
window-modal but never block the event loop (``open``, not ``exec``), so a
failing task can never freeze the window.
"""

from __future__ import annotations

import sys
import traceback
from enum import StrEnum
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.bug_log import LOG_NAME, log_file, record_bug, setup_file_logging
from app.core.errors import Cancelled, UserError
from app.gui.core_messages import error_text

if TYPE_CHECKING:
    from app.core.sqlite_errors import DatabaseProblem

__all__ = ["LOG_NAME", "ErrorPresenter", "Recovery", "log_file", "setup_file_logging"]


class Recovery(StrEnum):
    """The ways out of a damaged or locked database the presenter offers."""

    RESTORE = "restore"  # the catalog's newest backup
    REBUILD = "rebuild"  # the catalog set aside and rebuilt by a rescan
    LINKS_RESTORE = "links-restore"  # links.sqlite3's newest backup (`links restore`)
    LINKS_SET_ASIDE = "links-set-aside"  # links.sqlite3 set aside, started empty


def _recoverable(exc: BaseException) -> DatabaseProblem | None:
    """A damaged or locked app database, which its ways out can cure; None otherwise."""
    if not isinstance(exc, UserError):
        return None
    # Imported here, on the error path: the window starts without the SQLite modules.
    from app.core.sqlite_errors import RECOVERABLE, DatabaseProblem

    if isinstance(exc, DatabaseProblem) and exc.trouble in RECOVERABLE:
        return exc
    return None


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
        problem = _recoverable(exc)
        if problem is not None:
            from app.core.catalog.db import NAME as CATALOG
            from app.core.linking.records import NAME as LINK_RECORDS

            if problem.name == CATALOG:
                self._catalog_problem(problem)
                return
            if problem.name == LINK_RECORDS:
                self._links_problem(problem)
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
        advice = self.tr(
            "You can put back the newest backup of the catalog, or set it aside (nothing is "
            "deleted) and rebuild it by scanning your folders again.")  # fmt: skip
        choices = ((Recovery.RESTORE, self.tr("Restore backup"), "restoreButton"),
                   (Recovery.REBUILD, self.tr("Rebuild catalog"), "rebuildButton"))  # fmt: skip
        self._database_problem(exc, "catalogProblemBox", self.tr("The catalog cannot be used"),
                               advice, choices)  # fmt: skip

    def _links_problem(self, exc: DatabaseProblem) -> None:
        """Damaged or locked link records (``links.sqlite3``): the same, with their ways out."""
        advice = self.tr(
            "You can put back the newest backup of the link records, or set them aside "
            "(nothing is deleted) and start empty: the links made so far are then left alone "
            "as your own files.")  # fmt: skip
        choices = (
            (Recovery.LINKS_RESTORE, self.tr("Restore backup"), "linksRestoreButton"),
            (Recovery.LINKS_SET_ASIDE, self.tr("Set aside"), "linksSetAsideButton"),
        )
        title = self.tr("The link records cannot be used")
        self._database_problem(exc, "linksProblemBox", title, advice, choices)

    def _database_problem(
        self,
        exc: DatabaseProblem,
        object_name: str,
        title: str,
        advice: str,
        choices: tuple[tuple[Recovery, str, str], ...],
    ) -> None:
        """Say so once (several tasks fail on one file), with the ways out as buttons."""
        key = f"{exc.name}:{exc.path}"
        self._note("user", str(exc))
        if key in self.open_boxes:
            return
        text = "\n\n".join((error_text(exc.reason), advice))
        box = self._box(QMessageBox.Icon.Warning, title, text, show=False)
        box.setObjectName(object_name)
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        for choice, label, button_name in choices:
            button = box.addButton(label, QMessageBox.ButtonRole.AcceptRole)
            button.setObjectName(button_name)
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
