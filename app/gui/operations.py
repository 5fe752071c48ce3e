"""The one place the window runs a user operation, and the one refresh policy after it.

Every user action (link, unlink, set default, reset, remove, undo) is one core
function in :mod:`app.core.operations`, the same one the command line calls; the
window only picks the lane and presents the result. :meth:`GuiOperations.submit`
runs it on the user lane and, still on the worker, reads back from the journal
what the operation touched. Then, on the GUI thread, one policy for every action:
the snapshot is reloaded (link chips, defaults), and the folders where links or
files appeared or went are rescanned so the catalog's locations follow (a library
move or an unknown step: everything). Call sites no longer choose.

The Undo menu follows the journal: it is re-read on a worker after every task
ends and when the window gets focus, since the command line can record (or undo)
operations while the window is open.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from app.gui.tasks import Lane, Task, TaskProgress, TaskRunner

if TYPE_CHECKING:
    from app.core.operations.journal import OperationRecord
    from app.core.operations.undo import UndoResult
    from app.core.tasks import CancelToken
    from app.gui.state import AppState

# Step kinds whose data names a file that appeared or went, and the keys holding it.
_PATH_KEYS: dict[str, tuple[str, ...]] = {
    "link-created": ("dest",),
    "link-removed": ("dest",),
    "file-trashed": ("original",),
    "file-added": ("path",),  # the library copy; its source's folder may be no scan root
    "config-value": (),  # a settings file: the snapshot reload shows it
}


def touched_folders(record: OperationRecord | None) -> tuple[Path, ...] | None:
    """Folders whose files an operation changed (None: rescan everything, e.g. a library move)."""
    if record is None:
        return ()
    folders: list[Path] = []
    for step in record.steps:
        keys = _PATH_KEYS.get(step.kind)
        if keys is None:
            return None
        for key in keys:
            value = step.data.get(key)
            if isinstance(value, str) and value:
                folders.append(Path(os.path.dirname(value)))
    return tuple(dict.fromkeys(folders))


def operation_id_of(result: object) -> str | None:
    """The journal id every core operation result carries (None: nothing was recorded)."""
    value = getattr(result, "operation_id", None)
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Finished:
    """A worker's answer: the core result and what the journal says the operation touched."""

    result: Any
    folders: tuple[Path, ...] | None
    latest: OperationRecord | None  # the newest undoable operation now (the Undo menu)


def _latest_undoable() -> OperationRecord | None:
    from app.core.operations.journal import Journal

    return Journal().latest_undoable()


def _finish(result: object) -> Finished:
    """Worker: look the operation up in the journal once it is done."""
    from app.core.operations.journal import Journal

    journal = Journal()
    op_id = operation_id_of(result)
    record = journal.get(op_id) if op_id else None
    folders = touched_folders(record)
    if folders is not None:  # a folder that went with its last file has nothing to rescan
        folders = tuple(f for f in folders if f.is_dir())
    return Finished(result, folders, journal.latest_undoable())


class GuiOperations(QObject):
    """Runs core operations on the user lane, refreshes after them, keeps Undo current.

    ``undo_changed`` carries the newest undoable :class:`OperationRecord` (or None)
    whenever it may have changed; ``undone`` carries each :class:`UndoResult`.
    """

    undo_changed = Signal(object)
    undone = Signal(object)

    def __init__(self, runner: TaskRunner, state: AppState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.state = state
        self.latest: OperationRecord | None = None
        self._reading: Task | None = None
        self._read_again = False
        self._in_flight = 0  # operations submitted, not ended: each sets the menu when done
        runner.task_ended.connect(self._on_runner_task_ended)

    # -- operations -----------------------------------------------------------------------
    def submit(
        self,
        title: str,
        work: Callable[[TaskProgress, CancelToken], object],
        *,
        on_done: Callable[[Any], object] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Task:
        """Run ``work(progress, cancel)`` (one core operation) on the user lane, then refresh.

        ``on_done`` gets the core result. A failed or cancelled operation may have
        done some steps (they stay recorded and undoable), so it refreshes too.
        """

        def run(progress: TaskProgress, cancel: CancelToken) -> Finished:
            return _finish(work(progress, cancel))

        def done(finished: Finished) -> None:
            self._after(finished.folders)
            self._set_latest(finished.latest)
            if on_done is not None:
                on_done(finished.result)

        task = self.runner.submit(title, run, lane=Lane.USER, on_done=done, on_error=on_error)
        self._in_flight += 1
        task.ended.connect(self._on_operation_ended)
        # What a failed or cancelled one got through is recorded but not known here:
        # the links and defaults it changed show after a reload; the menu follows on ended.
        task.failed.connect(lambda _exc: self.state.reload())
        task.cancelled.connect(self.state.reload)
        return task

    def undo(self, operation_id: str | None = None) -> Task:
        """Undo one operation (the latest undoable when None) from the window."""

        def work(progress: TaskProgress, cancel: CancelToken) -> UndoResult:
            from app.core.operations.undo import undo

            return undo(operation_id, progress=progress, cancel=cancel)

        from app.gui.core_messages import render

        shown = render(self.latest.summary) if self.latest is not None else ""
        title = self.tr("Undoing {what}").format(what=shown) if shown else self.tr("Undoing")
        task = self.submit(title, work, on_done=self.undone.emit)
        self._set_latest(None)  # a second Ctrl+Z meanwhile must not queue the same undo again
        return task

    # -- the Undo menu --------------------------------------------------------------------
    def refresh_undo(self) -> None:
        """Re-read the newest undoable operation on a worker (coalesced while one reads)."""
        if self._reading is not None:
            self._read_again = True
            return
        self._reading = self.runner.submit(
            self.tr("Reading the undo history"), lambda p, c: _latest_undoable(),
            on_done=self._on_read, on_error=lambda _exc: None, quiet=True,
        )  # fmt: skip
        self._reading.ended.connect(self._on_reading_ended)

    def _set_latest(self, record: OperationRecord | None) -> None:
        self.latest = record
        self.undo_changed.emit(record)

    def _on_read(self, record: OperationRecord | None) -> None:
        if not self._in_flight:  # else it may predate them; their end reads again
            self._set_latest(record)

    def _on_operation_ended(self) -> None:
        self._in_flight -= 1

    def _on_reading_ended(self) -> None:
        self._reading = None
        if self._read_again:
            self._read_again = False
            self.refresh_undo()

    def _on_runner_task_ended(self, task: Task) -> None:
        # Quiet tasks (this read, the download queue's bookkeeping) record no operation;
        # skipping them also keeps this read from re-arming itself.
        if not task.quiet:
            self.refresh_undo()

    # -- the one refresh policy -----------------------------------------------------------
    def _after(self, folders: tuple[Path, ...] | None) -> None:
        """Reload the snapshot; rescan the folders whose files changed (None: all)."""
        self.state.reload()
        if folders is None:
            self.state.rescan()
        elif folders:
            self.state.rescan(list(folders))
