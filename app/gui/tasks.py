"""Run core calls off the GUI thread and hear back on it.

Every long call (scan, hash, link, each download and the queue's bookkeeping,
decode) goes through :meth:`TaskRunner.submit`: this is the one owner of
background work in the window. The call runs on a named lane, a thread pool
sized for what it touches (user actions never wait behind bulk work), and its
outcome comes back as a signal on the GUI thread: ``succeeded(result)``,
``failed(exception)`` or ``cancelled()``, always exactly one, then ``ended``.
Nothing raised in a worker is lost or reaches Qt.

Workers never touch widgets. They report progress by storing a number in the
task (and, through ``progress.current(name)``, the file in hand); the runner's
timer announces ``ticked`` a few times a second, samples each running task's
speed, and views repaint from what the tasks hold (a per-chunk signal would
flood the loop).
"""

from __future__ import annotations

import enum
import logging
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot

from app.core.errors import Cancelled
from app.core.tasks import CancelToken

if TYPE_CHECKING:
    from app.gui.panels.task_panel import TaskLike

log = logging.getLogger(__name__)

TICK_MS = 200
# Work gets a TaskProgress: a core ProgressCallback that can also name the file in hand.
Work = Callable[["TaskProgress", CancelToken], Any]


class Lane(enum.Enum):
    """Where a task runs; the sizes are the point, see :data:`LANE_SIZES`."""

    USER = "user"
    IO = "io"
    BULK = "bulk"
    NET = "net"
    GPU = "gpu"
    WRITER = "user"  # the old name: an alias of USER (what ran there were user actions)


# Picard's ``_init_threads`` (picard/tagger.py): all pools in one place, and a small
# priority lane for what the user waits on, so no click queues behind bulk work.
LANE_SIZES = {
    # Actions the user is waiting on (link, unlink, set default, import, remove, rename,
    # settings save, the download queue's bookkeeping): one at a time keeps file and
    # link operations in the order they were asked for, and nothing bulk ever runs here.
    Lane.USER: 1,
    # Catalog reads, discovery, inspections: reads overlap well two at a time on one
    # disk; more only thrash it.
    Lane.IO: 2,
    # Scans and background hashing: one pass at a time (a second hash pass would read
    # the same pending files again; the hash scheduler already runs one reader per
    # disk inside it). Its catalog writes are short transactions that SQLite's write
    # lock (BEGIN IMMEDIATE, WAL) serializes with the user lane's, never held across
    # a hash, so a link waits at most one batch commit.
    Lane.BULK: 1,
    # Download jobs: network-bound, minutes long; sized to the queue's own limit when
    # it opens (:meth:`TaskRunner.resize_lane`), so a job marked running really runs.
    Lane.NET: 2,
    # One GPU lane: two decodes at once would double the memory a VAE needs.
    Lane.GPU: 1,
}


class TaskState(enum.StrEnum):
    """Where a task is in its life; equal to the old strings ("queued", "done", ...)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


# The old module constants, kept so existing callers read the same.
QUEUED, RUNNING, DONE, FAILED, CANCELLED = (
    TaskState.QUEUED,
    TaskState.RUNNING,
    TaskState.DONE,
    TaskState.FAILED,
    TaskState.CANCELLED,
)
FINISHED_STATES = (TaskState.DONE, TaskState.FAILED, TaskState.CANCELLED)
UNIT_ITEMS, UNIT_BYTES = "items", "bytes"

# Weight of the newest speed sample: about the last two seconds count at 200 ms ticks.
RATE_SMOOTHING = 0.3


class ProgressRate:
    """Speed and time left from ``(done, total)`` samples taken on the GUI's tick.

    A smoothed average of the recent rate, so one slow block does not make the
    estimate jump; progress that goes back (the next file of a batch) starts over.
    """

    def __init__(self) -> None:
        self._last: tuple[int, float] | None = None
        self.speed: float | None = None  # units per second

    def sample(self, done: int, now: float) -> None:
        last, self._last = self._last, (done, now)
        if last is None or done < last[0]:
            self.speed = None
            return
        elapsed = now - last[1]
        if elapsed <= 0:
            return
        rate = (done - last[0]) / elapsed
        self.speed = rate if self.speed is None else (
            RATE_SMOOTHING * rate + (1 - RATE_SMOOTHING) * self.speed
        )  # fmt: skip

    def seconds_left(self, done: int, total: int | None) -> float | None:
        if not total or not self.speed:
            return None
        return max(0.0, (total - done) / self.speed)


class TaskProgress:
    """The ``progress`` callable handed to a task's work (any thread).

    Called as ``progress(done, total)``; ``progress.current(name)`` names the
    file in hand, for views that say what runs ("Hashing vae.safetensors").
    """

    def __init__(self, task: Task) -> None:
        self._task = task

    def __call__(self, done: int, total: int | None) -> None:
        self._task.report(done, total)

    def current(self, name: str) -> None:
        self._task.current = name


class Task(QObject):
    """One submitted call: its state, progress and outcome signals (GUI thread)."""

    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    ended = Signal()
    _finished_in_worker = Signal(str, object)

    def __init__(
        self,
        title: str,
        work: Work,
        lane: Lane,
        *,
        visible: bool = True,
        unit: str = UNIT_ITEMS,
        current_title: str = "",
        shown_as: TaskLike | None = None,
        quiet: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.lane = lane
        self.visible = visible
        # Bookkeeping of a few milliseconds (the download queue's file): not listed and
        # not counted as work in the status bar either, where it would only flicker.
        self.quiet = quiet
        # The panel row that stands for this task when it is not its own row: a
        # download keeps one item across the tasks its pauses and resumes run as.
        self.shown_as = shown_as
        self.unit = unit
        self.current_title = current_title  # "Hashing {name}": the title once a file is named
        self.current = ""  # written by the worker through TaskProgress.current
        self.rate = ProgressRate()
        self.sticky = False  # a finished row stays listed until dismissed (results to read)
        self.token = CancelToken()
        self.state = TaskState.QUEUED
        self.detail = ""  # one short line for the task's row
        self.details = ""  # the whole story (per-file results), the row's tooltip
        self.error: BaseException | None = None
        self.error_trace = ""
        self.result: Any = None
        self.started_at: float | None = None
        self._work = work
        self._progress: tuple[int, int | None] = (0, None)
        self._finished_in_worker.connect(
            self._on_worker_finished, Qt.ConnectionType.QueuedConnection
        )

    # -- read by views ---------------------------------------------------------------------
    @property
    def progress(self) -> tuple[int, int | None]:
        """(done, total or None); written by the worker, read on each tick."""
        return self._progress

    @property
    def active(self) -> bool:
        return self.state in (TaskState.QUEUED, TaskState.RUNNING)

    @property
    def headline(self) -> str:
        """What runs, in words: the file in hand when the work named one, else the title."""
        if self.current and self.current_title and self.state == TaskState.RUNNING:
            return self.current_title.format(name=self.current)
        return self.title

    def sample_rate(self, now: float) -> None:
        """Feed the speed estimate (GUI thread, on each tick)."""
        if self.state == TaskState.RUNNING:
            self.rate.sample(self._progress[0], now)

    def cancel(self) -> None:
        """Ask the work to stop at its next check; it ends as ``cancelled``."""
        self.token.cancel()

    # -- worker side ---------------------------------------------------------------------
    def report(self, done: int, total: int | None) -> None:
        """The ``progress`` callback handed to core calls (any thread)."""
        self._progress = (done, total)

    def run_in_worker(self) -> None:
        """Run the work and post the outcome to the GUI thread; never raises."""
        self.state, self.started_at = TaskState.RUNNING, time.monotonic()
        try:
            self.token.raise_if_cancelled()
            work = self._work(TaskProgress(self), self.token)
            outcome: tuple[str, object] = (TaskState.DONE, work)
        except Cancelled as exc:
            outcome = (TaskState.CANCELLED, exc)
        except BaseException as exc:  # noqa: BLE001 - the point: nothing escapes a worker
            self.error_trace = traceback.format_exc()
            outcome = (TaskState.FAILED, exc)
        try:
            self._finished_in_worker.emit(*outcome)
        except RuntimeError:  # the window is gone (app shutting down): nobody to tell
            log.debug("task %r ended after its window closed", self.title)

    @Slot(str, object)
    def _on_worker_finished(self, state: str, value: object) -> None:
        self.state = TaskState(state)
        if self.state == TaskState.DONE:
            self.result = value
            self.succeeded.emit(value)
        elif self.state == TaskState.CANCELLED:
            self.cancelled.emit()
        else:
            # FAILED carries the exception run_in_worker caught; the signal types it object
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
        on_done: Callable[[Any], object] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        visible: bool = True,
        unit: str = UNIT_ITEMS,
        current_title: str = "",
        shown_as: TaskLike | None = None,
        quiet: bool = False,
    ) -> Task:
        """Queue ``work(progress, cancel)`` on ``lane``.

        ``on_done`` gets the result on the GUI thread. Errors go to ``on_error``
        if given, else out through ``task_failed``; cancellation is silent.
        ``unit`` says what the progress counts (bytes get a speed and time left);
        ``current_title`` (with ``{name}``) is shown once the work names its file;
        ``shown_as`` is the panel row that stands for the task (a download's item);
        a ``quiet`` task is neither listed nor counted (millisecond bookkeeping).
        """
        # A child of the runner while it runs: if the window goes first, the task goes
        # with it and its late outcome is dropped instead of reaching dead widgets.
        task = Task(title, work, lane, visible=visible and not quiet, unit=unit,
                    current_title=current_title, shown_as=shown_as, quiet=quiet,
                    parent=self)  # fmt: skip
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

    def resize_lane(self, lane: Lane, size: int) -> None:
        """Let ``size`` tasks of ``lane`` run at once (the download lane follows its queue)."""
        self._pools[lane].setMaxThreadCount(max(1, size))

    def lane_size(self, lane: Lane) -> int:
        return self._pools[lane].maxThreadCount()

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
        now = time.monotonic()
        for task in self.tasks:
            task.sample_rate(now)
        self.ticked.emit()
        if not self.active_tasks():
            self._timer.stop()

    def _on_task_ended(self, task: Task) -> None:
        if task in self.tasks:
            self.tasks.remove(task)
        task.setParent(None)  # from now on it lives as long as someone refers to it
        self.task_ended.emit(task)
        self.ticked.emit()
