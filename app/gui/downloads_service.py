"""The GUI's side of the download queue: start it lazily, poll it on a timer, report changes.

The core queue runs transfers on its own threads and calls back from them; the
GUI instead polls :meth:`DownloadQueue.list` a few times a second (progress is
repainted on a timer, never per chunk) and turns state changes into signals.
``app.core.downloads`` (and ``requests`` with it) is imported only when the
queue is first needed, off the GUI thread, so the window starts without it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from app.gui.tasks import CANCELLED, DONE, FAILED, QUEUED, RUNNING, TaskRunner

POLL_MS = 250
_STATE_FOR_PANEL = {
    "queued": QUEUED,
    "running": RUNNING,
    "done": DONE,
    "failed": FAILED,
    "cancelled": CANCELLED,
    "paused": CANCELLED,
    "interrupted": CANCELLED,
}


class DownloadItem:
    """A download as the task panel sees it (title, progress, state, detail, cancel).

    One item per job for the window's lifetime: pausing and resuming show the
    same row again instead of adding a second one.
    """

    def __init__(self, service: DownloadService, job_id: str, title: str) -> None:
        self.service, self.job_id, self.title = service, job_id, title

    @property
    def _view(self):
        return self.service.jobs.get(self.job_id)

    @property
    def state(self) -> str:
        view = self._view
        return _STATE_FOR_PANEL.get(view.state, RUNNING) if view else QUEUED

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
        self.service.pause(self.job_id)


class DownloadService(QObject):
    """Owns the :class:`~app.core.downloads.DownloadQueue` for the window's lifetime."""

    ready = Signal()
    jobs_changed = Signal(dict)  # job id -> JobView
    job_started = Signal(object)  # DownloadItem, for the task panel
    job_finished = Signal(object)  # JobView that reached "done"
    job_failed = Signal(object)  # JobView that reached "failed"
    url_accepted = Signal(str)  # a pasted URL that became a job (the box may be cleared)

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.queue = None
        self.jobs: dict = {}
        self.items: dict[str, DownloadItem] = {}  # job id -> its one task-panel item
        self._watched: set[str] = set()  # jobs started or resumed in this session
        self._starting = False
        self._pending: list = []  # commands given before the queue was ready
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)

    # -- lifetime ---------------------------------------------------------------------------
    def start(self) -> None:
        """Create the queue in a worker (reads its saved state), once."""
        if self.queue is not None or self._starting:
            return
        self._starting = True

        def work(progress, cancel):
            from app.core.downloads import DownloadQueue

            return DownloadQueue()

        self.runner.submit(self.tr("Opening the download queue"), work, on_done=self._on_queue_made,
                           visible=False)  # fmt: skip

    def _on_queue_made(self, queue) -> None:
        self.queue = queue
        self._starting = False
        self.poll()
        self.ready.emit()
        pending, self._pending = self._pending, []
        for command in pending:
            command()

    def _when_ready(self, command) -> None:
        """Run ``command`` now, or once the queue exists (a click can beat its start)."""
        if self.queue is not None:
            command()
        else:
            self._pending.append(command)
            self.start()

    def shutdown(self) -> None:
        """Stop transfers as 'interrupted' so they resume on the next start."""
        self._timer.stop()
        if self.queue is not None:
            self.queue.shutdown(timeout=5.0)

    # -- commands ---------------------------------------------------------------------------
    def download_entry(self, entry, dest_dir: Path | None = None) -> None:
        """Queue a registry entry (canonical name, pinned hash) into the library."""

        def work(progress, cancel):
            from app.core.downloads import spec_for_entry

            spec = spec_for_entry(entry, dest_dir or _library_vae_dir())
            return self._queue().add(spec), spec

        title = self.tr("Starting download of {name}").format(name=entry.display_name)
        self._when_ready(
            lambda: self.runner.submit(title, work, on_done=self._on_job_added, visible=False)
        )

    def download_url(self, url: str, dest_dir: Path | None = None) -> None:
        """Queue a pasted URL (asks the server for the file name first)."""

        def work(progress, cancel):
            from app.core.downloads import spec_for_url

            spec = spec_for_url(url.strip(), dest_dir or _library_vae_dir())
            return self._queue().add(spec), spec, url

        title = self.tr("Starting download of {url}").format(url=url)
        self._when_ready(
            lambda: self.runner.submit(title, work, on_done=self._on_job_added, visible=False)
        )

    def pause(self, job_id: str) -> None:
        self._queue().pause(job_id)
        self.poll()

    def resume(self, job_id: str) -> None:
        self._watched.add(job_id)
        self._queue().resume(job_id)
        self._timer.start()
        self.poll()
        view = self.jobs.get(job_id)
        if view is not None:
            self.job_started.emit(self._item(job_id, view.spec.filename))

    def cancel(self, job_id: str) -> None:
        self._queue().cancel(job_id)
        self.poll()

    def discard(self, job_id: str) -> None:
        """Forget the job and delete its partial file (in a worker: it may wait for the thread)."""
        queue = self._queue()
        self.runner.submit(self.tr("Discarding a download"),
                           lambda p, c: queue.remove(job_id, delete_partial=True),
                           on_done=lambda _: self.poll(), visible=False)  # fmt: skip

    def job_for_entry(self, entry_id: str):
        """The newest job for a registry entry, or None."""
        found = [v for v in self.jobs.values() if v.spec.entry_id == entry_id]
        return found[-1] if found else None

    # -- polling ----------------------------------------------------------------------------
    def poll(self) -> None:
        if self.queue is None:
            return
        views = {v.id: v for v in self.queue.list()}
        for job_id, view in views.items():
            if job_id in self._watched and view.state in ("done", "failed"):  # once per start
                self._watched.discard(job_id)
                (self.job_finished if view.state == "done" else self.job_failed).emit(view)
        self.jobs = views
        self.jobs_changed.emit(views)
        busy = any(v.state in ("queued", "running") for v in views.values())
        if busy and not self._timer.isActive():
            self._timer.start()
        elif not busy:
            self._timer.stop()

    def _on_job_added(self, added) -> None:
        job_id, spec, *pasted = added
        self._watched.add(job_id)
        self.poll()
        self.job_started.emit(self._item(job_id, spec.filename))
        self._timer.start()
        if pasted:
            self.url_accepted.emit(pasted[0])

    def _item(self, job_id: str, filename: str) -> DownloadItem:
        if job_id not in self.items:
            title = self.tr("Downloading {name}").format(name=filename)
            self.items[job_id] = DownloadItem(self, job_id, title)
        return self.items[job_id]

    def _queue(self):
        if self.queue is None:
            from app.core.downloads import DownloadQueue

            self.queue = DownloadQueue()
        return self.queue


def _library_vae_dir() -> Path:
    from app.gui.settings import library_vae_dir

    return library_vae_dir()
