"""The GUI's side of the download queue: its jobs run as tasks on the window's lanes.

The core :class:`~app.core.downloads.DownloadQueue` is handed :class:`GuiLanes`:
each download becomes a task on the runner's download lane, and each write of
the queue file a small task on the user lane, so pause, resume and cancel only
change the queue in memory on the GUI thread. Progress is read from the queue on
the runner's own tick (one timer for all background work, none of our own); a
job's end arrives as its task's outcome. A finished file is cataloged from the
hashes it streamed with (:func:`~app.core.downloads.catalog.catalog_download`,
the command line's call too) inside the job's task, never read again.
``app.core.downloads`` (and ``requests`` with it) is imported only when the
queue is first needed, off the GUI thread, so the window starts without it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from app.gui.tasks import Lane, Task, TaskProgress, TaskRunner, TaskState

if TYPE_CHECKING:  # the downloads package pulls in requests: imported in workers only
    from app.core.downloads import DownloadQueue, DownloadSpec, JobView
    from app.core.registry import KnownVae
    from app.core.tasks import CancelToken

    # What a queued download's task returns: the job id and spec (and the URL pasted).
    Added = tuple[str, DownloadSpec] | tuple[str, DownloadSpec, str]

log = logging.getLogger(__name__)

_STATE_FOR_PANEL = {
    "queued": TaskState.QUEUED,
    "running": TaskState.RUNNING,
    "done": TaskState.DONE,
    "failed": TaskState.FAILED,
    "cancelled": TaskState.CANCELLED,
    "paused": TaskState.CANCELLED,
    "interrupted": TaskState.CANCELLED,
}


class DownloadItem:
    """A download as the task panel sees it (title, progress, state, detail, cancel).

    One item per job for the window's lifetime: a pause and a resume run as two
    tasks, and both show this same row instead of adding a second one.
    """

    def __init__(self, service: DownloadService, job_id: str, title: str) -> None:
        self.service, self.job_id, self.title = service, job_id, title

    @property
    def _view(self) -> JobView | None:
        return self.service.jobs.get(self.job_id)

    @property
    def state(self) -> TaskState:
        view = self._view
        return _STATE_FOR_PANEL.get(view.state, TaskState.RUNNING) if view else TaskState.QUEUED

    @property
    def progress(self) -> tuple[int, int | None]:
        view = self._view
        if view is None or view.progress is None:
            return (0, None)
        return (view.progress.done, view.progress.total)

    @property
    def detail(self) -> str:
        from app.gui.download_messages import look_for, short_state
        from app.gui.formatting import human_eta, human_speed

        view = self._view
        if view is None:
            return ""
        if view.progress is None or view.state != "running":
            return short_state(look_for(view))
        p = view.progress
        return f"{human_speed(p.speed)} · {human_eta(p.eta_seconds)}"

    def cancel(self) -> None:
        """The task panel's stop button pauses: the partial file is kept for a resume."""
        self.service.pause(self.job_id)


class GuiLanes(QObject):
    """The queue's :class:`~app.core.downloads.queue.QueueLanes`, backed by the runner.

    The queue may call from any thread; tasks are created on the GUI thread (they
    are Qt objects owned by the runner), so calls from workers are posted there.
    """

    _posted = Signal(object)

    def __init__(self, service: DownloadService) -> None:
        super().__init__(service)
        self.service = service
        self._posted.connect(self._on_posted, Qt.ConnectionType.QueuedConnection)

    def run_job(self, job_id: str, run: Callable[[], JobView]) -> None:
        self._on_gui_thread(lambda: self.service._start_job_task(job_id, run))

    def run_write(self, write: Callable[[], None]) -> None:
        runner = self.service.runner
        self._on_gui_thread(lambda: runner.submit(
            self.tr("Saving the download queue"), lambda p, c: write(), lane=Lane.USER,
            quiet=True))  # fmt: skip

    def _on_gui_thread(self, command: Callable[[], object]) -> None:
        if QThread.currentThread() is self.thread():
            command()
            return
        try:
            self._posted.emit(command)
        except RuntimeError:  # the window is gone; the queue's last state was flushed at close
            log.debug("download queue work posted after the window closed")

    @Slot(object)
    def _on_posted(self, command: Callable[[], object]) -> None:
        command()


class DownloadService(QObject):
    """Owns the :class:`~app.core.downloads.DownloadQueue` for the window's lifetime."""

    ready = Signal()
    jobs_changed = Signal(dict)  # job id -> JobView
    job_started = Signal(object)  # DownloadItem, for the task panel
    job_finished = Signal(object)  # JobView that reached "done", its file cataloged
    job_failed = Signal(object)  # JobView that reached "failed"
    url_accepted = Signal(str)  # a pasted URL that became a job (the box may be cleared)

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.lanes = GuiLanes(self)
        self._queue_: DownloadQueue | None = None
        self.jobs: dict[str, JobView] = {}
        self.items: dict[str, DownloadItem] = {}  # job id -> its one task-panel item
        self._starting = False
        self._pending: list[Callable[[], object]] = []  # commands given before the queue was ready
        runner.ticked.connect(self._on_runner_ticked)

    # -- the queue --------------------------------------------------------------------------
    @property
    def queue(self) -> DownloadQueue | None:
        return self._queue_

    @queue.setter
    def queue(self, queue: DownloadQueue | None) -> None:
        """Adopt ``queue`` (built here or by a test): its jobs run on this window's lanes."""
        self._queue_ = queue
        if queue is not None:
            queue.lanes = self.lanes
            self.runner.resize_lane(Lane.NET, queue.max_parallel)

    # -- lifetime ---------------------------------------------------------------------------
    def start(self) -> None:
        """Create the queue in a worker (reads its saved state), once."""
        if self.queue is not None or self._starting:
            return
        self._starting = True

        def work(progress: TaskProgress, cancel: CancelToken) -> DownloadQueue:
            from app.core.downloads import DownloadQueue

            return DownloadQueue(lanes=self.lanes)

        self.runner.submit(self.tr("Opening the download queue"), work, on_done=self._on_queue_made,
                           visible=False)  # fmt: skip

    def _on_queue_made(self, queue: DownloadQueue) -> None:
        self.queue = queue
        self._starting = False
        self.refresh()
        self.ready.emit()
        pending, self._pending = self._pending, []
        for command in pending:
            command()

    def _when_ready(self, command: Callable[[], object]) -> None:
        """Run ``command`` now, or once the queue exists (a click can beat its start)."""
        if self.queue is not None:
            command()
        else:
            self._pending.append(command)
            self.start()

    def shutdown(self) -> None:
        """Stop transfers as 'interrupted' so they resume on the next start.

        The queue's last write happens here, on the GUI thread: the window is
        closing and the lanes are about to stop.
        """
        if self.queue is not None:
            self.queue.shutdown(timeout=5.0)

    # -- commands ---------------------------------------------------------------------------
    def download_entry(self, entry: KnownVae, dest_dir: Path | None = None) -> None:
        """Queue a registry entry (canonical name, pinned hash) into the library."""

        def work(progress: TaskProgress, cancel: CancelToken) -> Added:
            from app.core.downloads import spec_for_entry

            spec = spec_for_entry(entry, dest_dir or _library_vae_dir())
            return self._ready_queue().add(spec), spec

        title = self.tr("Starting download of {name}").format(name=entry.display_name)
        self._when_ready(
            lambda: self.runner.submit(title, work, on_done=self._on_job_added, visible=False)
        )

    def download_url(self, url: str, dest_dir: Path | None = None) -> None:
        """Queue a pasted URL (asks the server for the file name first)."""

        def work(progress: TaskProgress, cancel: CancelToken) -> Added:
            from app.core.downloads import spec_for_url

            spec = spec_for_url(url.strip(), dest_dir or _library_vae_dir())
            return self._ready_queue().add(spec), spec, url

        title = self.tr("Starting download of {url}").format(url=url)
        self._when_ready(
            lambda: self.runner.submit(title, work, on_done=self._on_job_added, visible=False)
        )

    def pause(self, job_id: str) -> None:
        """Stop the job at its next chunk; the queue file is written on a lane."""
        self._ready_queue().pause(job_id)
        self.refresh()

    def resume(self, job_id: str) -> None:
        self._ready_queue().resume(job_id)
        self.refresh()
        view = self.jobs.get(job_id)
        if view is not None:
            self.job_started.emit(self._item(job_id, view.spec.filename))

    def cancel(self, job_id: str) -> None:
        self._ready_queue().cancel(job_id)
        self.refresh()

    def discard(self, job_id: str) -> None:
        """Forget the job and delete its partial file (in a worker: it waits for the job)."""
        queue = self._ready_queue()
        self.runner.submit(self.tr("Discarding a download"),
                           lambda p, c: queue.remove(job_id, delete_partial=True),
                           on_done=lambda _: self.refresh(), visible=False)  # fmt: skip

    def job_for_entry(self, entry_id: str) -> JobView | None:
        """The newest job for a registry entry, or None."""
        found = [v for v in self.jobs.values() if v.spec.entry_id == entry_id]
        return found[-1] if found else None

    # -- views ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read every job's state and progress (in memory: no disk) and announce it."""
        if self.queue is None:
            return
        self.jobs = {v.id: v for v in self.queue.list()}
        self.jobs_changed.emit(self.jobs)

    poll = refresh  # the old name

    def _on_runner_ticked(self) -> None:
        if any(v.state in ("queued", "running") for v in self.jobs.values()):
            self.refresh()

    # -- job tasks --------------------------------------------------------------------------
    def _start_job_task(self, job_id: str, run: Callable[[], JobView]) -> Task:
        """One download as a task on the download lane; the file is cataloged before it ends."""
        job = self.jobs.get(job_id)
        if job is None and self.queue is not None:  # started before the views were read
            job = next((v for v in self.queue.list() if v.id == job_id), None)
        item = self._item(job_id, job.spec.filename if job else job_id)

        def work(progress: TaskProgress, cancel: CancelToken) -> JobView:
            view = run()
            if view.outcome is not None:
                _catalog(view)
            return view

        task = self.runner.submit(item.title, work, lane=Lane.NET, shown_as=item)
        task.ended.connect(lambda: self._on_job_task_ended(job_id))
        return task

    def _on_job_task_ended(self, job_id: str) -> None:
        self.refresh()
        view = self.jobs.get(job_id)
        if view is not None and view.state in ("done", "failed"):  # once per run: its task's end
            (self.job_finished if view.state == "done" else self.job_failed).emit(view)

    def _on_job_added(self, added: Added) -> None:
        job_id, spec, *pasted = added
        self.refresh()
        self.job_started.emit(self._item(job_id, spec.filename))
        if pasted:
            self.url_accepted.emit(pasted[0])

    def _item(self, job_id: str, filename: str) -> DownloadItem:
        if job_id not in self.items:
            title = self.tr("Downloading {name}").format(name=filename)
            self.items[job_id] = DownloadItem(self, job_id, title)
        return self.items[job_id]

    def _ready_queue(self) -> DownloadQueue:
        if self.queue is None:  # commands come from views of jobs, which need the queue
            raise RuntimeError("the download queue is not open yet")
        return self.queue


def _catalog(view: JobView) -> None:
    """The finished file into the catalog from its streamed hashes (worker)."""
    from app.core.downloads.catalog import catalog_download
    from app.gui.state import load_app_registry, open_catalog

    assert view.outcome is not None
    with open_catalog() as catalog:
        catalog_download(view.outcome, catalog, load_app_registry())


def _library_vae_dir() -> Path:
    from app.gui.settings import library_vae_dir

    return library_vae_dir()
