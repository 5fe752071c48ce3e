"""Imports as background tasks: the dialog picks options, the task panel shows the rest.

An import of a 3 GiB file takes seconds; run from a modal dialog it froze the
window's sidebar until the dialog closed. Here it is one task on the user
lane (never behind bulk hashing), counted in bytes, with a cancel button in the
task panel. The work is the core operation :func:`app.core.operations.import_files.
import_files`, the same one the command line's ``import`` runs, so it is recorded
in the journal and Edit → Undo takes it back. When it ends, its row keeps the
results (what was imported, what was refused and why) until dismissed, and a
notice says it in one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal

from app.gui.core_messages import error_text
from app.gui.errors import ErrorPresenter
from app.gui.tasks import UNIT_BYTES, Lane, Task, TaskRunner

if TYPE_CHECKING:  # the library and operations packages load in the worker
    from app.core.library.records import ImportOutcome
    from app.core.operations.import_files import ImportResult
    from app.core.tasks import CancelToken, ProgressCallback

ADDED_ACTIONS = ("imported", "extracted", "converted")
REFUSED_ACTIONS = ("refused",)


@dataclass(frozen=True)
class ImportRequest:
    """What the user chose in the import dialog."""

    paths: tuple[Path, ...]
    mode: str = "copy"
    extract_vae: bool = False
    to_safetensors: bool = True


def run_import(
    request: ImportRequest, progress: ProgressCallback, cancel: CancelToken | None
) -> ImportResult:
    """Worker: the core import operation, the one ``import`` on the command line runs.

    Returns its :class:`~app.core.operations.import_files.ImportResult` (outcomes and
    the journal operation Edit → Undo reverses); ``progress.current`` names the file.
    """
    from app.core.library import ImportOptions
    from app.core.operations.import_files import import_files
    from app.core.registry import app_registry
    from app.gui.state import open_catalog

    options = ImportOptions(mode=request.mode, extract_vae=request.extract_vae,
                            to_safetensors=request.to_safetensors)  # fmt: skip
    name_file = getattr(progress, "current", None)

    def on_file(path: Path) -> None:
        if name_file is not None:
            name_file(path.name)

    with open_catalog() as catalog:
        return import_files(list(request.paths), options, catalog=catalog,
                            registry=app_registry(), progress=progress, on_file=on_file,
                            cancel=cancel)  # fmt: skip


def action_word(action: str) -> str:
    """An outcome's action as the window says it."""
    words = {
        "imported": QCoreApplication.translate("Import", "imported"),
        "duplicate": QCoreApplication.translate("Import", "already in the library"),
        "skipped": QCoreApplication.translate("Import", "skipped"),
        "refused": QCoreApplication.translate("Import", "refused"),
        "extracted": QCoreApplication.translate("Import", "VAE extracted"),
        "converted": QCoreApplication.translate("Import", "converted to .safetensors"),
    }
    return words.get(action, action)


def outcome_line(outcome: ImportOutcome) -> str:
    """``name: refused — why`` (or ``name: imported → where``) for one file."""
    line = f"{outcome.path.name}: {action_word(outcome.action)}"
    if outcome.reason:
        line += f" — {error_text(outcome.reason)}"
    elif outcome.dest:
        line += f" → {outcome.dest}"
    if outcome.baked_in_vae:
        vae = QCoreApplication.translate("Import", "baked-in VAE: {vae}")
        line += " · " + vae.format(vae=outcome.baked_in_vae)
    return line


def summary(outcomes: list[ImportOutcome]) -> str:
    """One line for the row and the notice: counts, and the first refusal's reason."""
    added = sum(o.action in ADDED_ACTIONS for o in outcomes)
    refused = [o for o in outcomes if o.action in REFUSED_ACTIONS]
    others = len(outcomes) - added - len(refused)
    text = QCoreApplication.translate("Import", "{added} imported").format(added=added)
    if others:
        there = QCoreApplication.translate("Import", "{n} already there or skipped")
        text += ", " + there.format(n=others)
    if refused:
        text += ", " + QCoreApplication.translate("Import", "{n} refused ({name}: {why})").format(
            n=len(refused), name=refused[0].path.name, why=error_text(refused[0].reason)
        )
    return text


class ImportTasks(QObject):
    """Starts imports on the runner and tells the window how each ended."""

    finished = Signal(object, object)  # (Task, list[ImportOutcome]); [] when it failed
    notice = Signal(str)  # one line for the status bar

    def __init__(self, runner: TaskRunner, presenter: ErrorPresenter,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.runner, self.presenter = runner, presenter
        # the worker; a test may wrap it to hold it mid-way
        self.work: Callable[[ImportRequest, ProgressCallback, CancelToken], ImportResult]
        self.work = run_import
        self.operation_id: str | None = None  # the latest import's journal operation

    def start(self, request: ImportRequest) -> Task:
        n = len(request.paths)
        title = self.tr("Importing {n} item(s)").format(n=n)
        work = self.work
        task = self.runner.submit(
            title, lambda p, c: work(request, p, c), lane=Lane.USER, unit=UNIT_BYTES,
            current_title=self.tr("Importing {name}"),
            on_error=lambda exc: None,  # shown once, below, with the task's trace
        )  # fmt: skip
        task.succeeded.connect(lambda result, t=task: self._on_task_succeeded(t, result))
        task.failed.connect(lambda exc, t=task: self._on_task_failed(t, exc))
        task.cancelled.connect(lambda t=task: self._on_task_cancelled(t))
        return task

    def _on_task_succeeded(self, task: Task, result: ImportResult) -> None:
        outcomes = list(result.outcomes)
        self.operation_id = result.operation_id
        task.detail = summary(outcomes)
        task.details = "\n".join(outcome_line(o) for o in outcomes)
        task.sticky = True  # the results stay listed until read and dismissed
        self.notice.emit(self.tr("Import done: {summary}").format(summary=task.detail))
        self.finished.emit(task, outcomes)

    def _on_task_failed(self, task: Task, exc: BaseException) -> None:
        task.detail = error_text(str(exc))
        self.presenter.show_error(exc, self.tr("Import"), task.error_trace)
        self.finished.emit(task, [])

    def _on_task_cancelled(self, task: Task) -> None:
        self.notice.emit(self.tr("Import cancelled; the files imported before it stay."))
        self.finished.emit(task, [])
