"""Run core calls off the GUI thread and hear back on it.

Every long call (scan, hash, link, download bookkeeping, decode) goes through
:meth:`TaskRunner.submit`. The call runs on a named lane, a thread pool sized
for what it touches, and its outcome comes back as a signal on the GUI thread:
``succeeded(result)``, ``failed(exception)`` or ``cancelled()``, always exactly
one, then ``ended``. Nothing raised in a worker is lost or reaches Qt.

Workers never touch widgets. They report progress by storing a number in the
task; the runner's timer announces ``ticked`` a few times a second and views
repaint from what the tasks hold (a per-chunk signal would flood the loop).
"""

from __future__ import annotations

import enum
import logging
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot

from app.core.errors import Cancelled
from app.core.tasks import CancelToken, ProgressCallback

log = logging.getLogger(__name__)

TICK_MS = 200
Work = Callable[[ProgressCallback, CancelToken], Any]


class Lane(enum.Enum):
    """Where a task runs; the sizes are the point, see :class:`TaskRunner`."""

    IO = "io"
    WRITER = "writer"
    GPU = "gpu"


# File reads overlap well two at a time on one disk; more only thrash it.
# One writer keeps catalog transactions and link/copy operations in order.
# One GPU lane: two decodes at once would double the memory a VAE needs.
LANE_SIZES = {Lane.IO: 2, Lane.WRITER: 1, Lane.GPU: 1}

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"


class Task(QObject):
    """One submitted call: its state, progress and outcome signals (GUI thread)."""

    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    ended = Signal()
    _finished_in_worker = Signal(str, object)

    def __init__(
        self, title: str, work: Work, lane: Lane, *, visible: bool = True, parent=None
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.lane = lane
        self.visible = visible
        self.token = CancelToken()
        self.state = QUEUED
        self.detail = ""
        self.error: BaseException | None = None
        self.error_trace = ""
        self.result: Any = None
        self.started_at: float | None = None
        self._work = work
        self._progress: tuple[int, int | None] = (0, None)
        self._finished_in_worker.connect(self._on_worker_finished, Qt.QueuedConnection)

    # -- read by views ---------------------------------------------------------------------
    @property
    def progress(self) -> tuple[int, int | None]:
        """(done, total or None); written by the worker, read on each tick."""
        return self._progress

    @property
    def active(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    def cancel(self) -> None:
        """Ask the work to stop at its next check; it ends as ``cancelled``."""
        self.token.cancel()

    # -- worker side ---------------------------------------------------------------------
    def report(self, done: int, total: int | None) -> None:
        """The ``progress`` callback handed to core calls (any thread)."""
        self._progress = (done, total)

    def run_in_worker(self) -> None:
        """Run the work and post the outcome to the GUI thread; never raises."""
        self.state, self.started_at = RUNNING, time.monotonic()
        try:
            self.token.raise_if_cancelled()
            outcome: tuple[str, object] = (DONE, self._work(self.report, self.token))
        except Cancelled as exc:
            outcome = (CANCELLED, exc)
        except BaseException as exc:  # noqa: BLE001 - the point: nothing escapes a worker
            self.error_trace = traceback.format_exc()
            outcome = (FAILED, exc)
        try:
            self._finished_in_worker.emit(*outcome)
        except RuntimeError:  # the window is gone (app shutting down): nobody to tell
            log.debug("task %r ended after its window closed", self.title)

    @Slot(str, object)
    def _on_worker_finished(self, state: str, value: object) -> None:
        self.state = state
        if state == DONE:
            self.result = value
            self.succeeded.emit(value)
        elif state == CANCELLED:
            self.cancelled.emit()
        else:
            self.error = value  # type: ignore[assignment]
            self.failed.emit(value)
        self.ended.emit()


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task = task

    def run(self) -> None:
        self._task.run_in_worker()


class TaskRunner(QObject):
    """Owns the lanes, the tasks in flight and the progress timer.

    ``task_added`` lets the task panel list new work; ``ticked`` fires every
    ``TICK_MS`` while anything runs; ``task_failed`` carries unhandled errors
    to the one place that shows them.
    """

    task_added = Signal(object)
    task_ended = Signal(object)
    task_failed = Signal(object, object)
    ticked = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools = {}
        for lane, size in LANE_SIZES.items():
            pool = QThreadPool(self)
            pool.setMaxThreadCount(size)
            pool.setObjectName(f"lane-{lane.value}")
            self._pools[lane] = pool
        self.tasks: list[Task] = []
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def submit(
        self,
        title: str,
        work: Work,
        *,
        lane: Lane = Lane.IO,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        visible: bool = True,
    ) -> Task:
        """Queue ``work(progress, cancel)`` on ``lane``.

        ``on_done`` gets the result on the GUI thread. Errors go to ``on_error``
        if given, else out through ``task_failed``; cancellation is silent.
        """
        # A child of the runner while it runs: if the window goes first, the task goes
        # with it and its late outcome is dropped instead of reaching dead widgets.
        task = Task(title, work, lane, visible=visible, parent=self)
        if on_done is not None:
            task.succeeded.connect(on_done)
        if on_error is not None:
            task.failed.connect(on_error)
        else:
            task.failed.connect(lambda exc, t=task: self.task_failed.emit(t, exc))
        task.ended.connect(lambda t=task: self._on_task_ended(t))
        self.tasks.append(task)
        self.task_added.emit(task)
        self._pools[lane].start(_Runnable(task))
        if not self._timer.isActive():
            self._timer.start()
        return task

    def active_tasks(self) -> list[Task]:
        return [t for t in self.tasks if t.active]

    def cancel_all(self) -> None:
        for task in self.active_tasks():
            task.cancel()

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Block until every lane is empty (for shutdown and scripted runs)."""
        deadline = time.monotonic() + timeout_ms / 1000
        for pool in self._pools.values():
            left = max(0, int((deadline - time.monotonic()) * 1000))
            if not pool.waitForDone(left):
                return False
        return True

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel everything and wait for the workers, so none outlives the window."""
        self.cancel_all()
        self._timer.stop()
        return self.wait_idle(timeout_ms)

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.ticked.emit()
        if not self.active_tasks():
            self._timer.stop()

    def _on_task_ended(self, task: Task) -> None:
        if task in self.tasks:
            self.tasks.remove(task)
        task.setParent(None)  # from now on it lives as long as someone refers to it
        self.task_ended.emit(task)
        self.ticked.emit()
