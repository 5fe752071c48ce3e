"""Several downloads at once, each pausable, resumable and cancellable.

The queue owns no threads of its own choosing: its owner says where work runs
through :class:`QueueLanes` (the window's task lanes; plain threads by default,
for scripts and tests). A command (add, pause, resume, cancel) changes the
queue in memory at once and hands the write of the queue file to
``lanes.run_write``, so a caller on a UI thread never waits for a disk.
Listeners hear of changes through ``on_update`` (from any thread: marshal to
the UI thread) and of finished files through ``on_complete`` (on the job's
thread, after it is recorded as done). Stopping a job, for any reason, keeps
its ``.part``, so resuming continues where it stopped, also after a restart.
"""

from __future__ import annotations

import functools
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.core.downloads.downloader import CompletionHook, Downloader
from app.core.downloads.locks import TargetLock
from app.core.downloads.partfile import discard_own_parts
from app.core.downloads.queue_store import (
    RESUMABLE_STATES,
    JobRecord,
    JobState,
    default_state_file,
    load_jobs,
    save_jobs,
)
from app.core.downloads.records import DownloadProgress, DownloadResult, DownloadSpec
from app.core.errors import Cancelled, UserError
from app.core.lazy_log import lazy_logger
from app.core.tasks import CancelToken

log = lazy_logger(__name__)

_ENDED = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


@dataclass(frozen=True)
class JobView:
    """A snapshot of one job for display."""

    id: str
    spec: DownloadSpec
    state: JobState
    progress: DownloadProgress | None
    error: str | None
    result: dict[str, object] | None
    outcome: DownloadResult | None = None  # the finished file with its streamed hashes


class QueueLanes(Protocol):
    """Where the queue's work runs; its owner decides."""

    def run_job(self, job_id: str, run: Callable[[], JobView]) -> None:
        """Run one download (minutes long) in the background; ``run`` never raises."""

    def run_write(self, write: Callable[[], None]) -> None:
        """Run a short write of the queue file (off the caller's thread if it must not block)."""


class ThreadLanes:
    """The default lanes: a thread per download, writes done by the caller itself.

    For the command line, scripts and tests, where the caller may block.
    """

    def run_job(self, job_id: str, run: Callable[[], JobView]) -> None:
        """Start ``run`` on a daemon thread named after the job."""
        threading.Thread(target=run, name=f"download-{job_id}", daemon=True).start()

    def run_write(self, write: Callable[[], None]) -> None:
        """Write now, on the calling thread."""
        write()


class _Job:
    def __init__(self, record: JobRecord) -> None:
        self.record = record
        self.token = CancelToken()
        self.stop_as = JobState.PAUSED
        self.progress: DownloadProgress | None = None
        self.outcome: DownloadResult | None = None

    def view(self) -> JobView:
        r = self.record
        return JobView(r.id, r.spec, r.state, self.progress, r.error, r.result, self.outcome)


class DownloadQueue:
    """A persisted queue of downloads run by a :class:`Downloader` on its owner's lanes."""

    def __init__(
        self,
        state_file: Path | None = None,
        *,
        downloader: Downloader | None = None,
        max_parallel: int | None = None,
        on_update: Callable[[JobView], None] | None = None,
        on_complete: CompletionHook | None = None,
        lanes: QueueLanes | None = None,
    ) -> None:
        self.state_file = state_file or default_state_file()
        self.downloader = downloader or Downloader()
        self.max_parallel = max_parallel or self.downloader.settings.max_parallel
        # Public so the owner can attach itself to a queue built elsewhere (tests).
        self.on_update = on_update
        self.on_complete = on_complete
        self.lanes: QueueLanes = lanes or ThreadLanes()
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._write_lock = threading.Lock()  # one file write at a time
        self._write_pending = False
        self._generation = 0  # bumped by every change; the file never goes back to an older one
        self._written = 0
        self._jobs = {r.id: _Job(r) for r in load_jobs(self.state_file)}

    # -- commands ---------------------------------------------------------------
    def add(self, spec: DownloadSpec) -> str:
        """Queue ``spec``; an unfinished job for the same target is joined (and resumed)."""
        with self._lock:
            same = self._unfinished_for(spec.target)
            if same is not None:
                if same.record.state in RESUMABLE_STATES:
                    self._set(same, JobState.QUEUED)
                    self._pump()
                return same.record.id
            record = JobRecord(uuid.uuid4().hex[:12], spec, JobState.QUEUED, time.time())
            self._jobs[record.id] = _Job(record)
            self._save()
            self._pump()
            return record.id

    def pause(self, job_id: str) -> None:
        """Stop a job, keeping its ``.part``; :meth:`resume` continues it."""
        self._stop(job_id, JobState.PAUSED)

    def cancel(self, job_id: str) -> None:
        """Stop a job for good (the ``.part`` stays: :meth:`remove` deletes it)."""
        self._stop(job_id, JobState.CANCELLED)

    def resume(self, job_id: str) -> None:
        """Queue a paused, interrupted, cancelled or failed job again."""
        with self._lock:
            job = self._job(job_id)
            if job.record.state in RESUMABLE_STATES:
                self._set(job, JobState.QUEUED)
                self._pump()

    def resume_all(self) -> list[str]:
        """Resume every job a restart interrupted; returns their ids."""
        with self._lock:
            ids = [
                j.record.id for j in self._jobs.values() if j.record.state == JobState.INTERRUPTED
            ]
        for job_id in ids:
            self.resume(job_id)
        return ids

    def remove(self, job_id: str, *, delete_partial: bool = False) -> None:
        """Forget a job (stopping it first and waiting for it); optionally delete its ``.part``."""
        self.cancel(job_id)
        self.wait(job_id)
        with self._lock:
            job = self._jobs.pop(job_id)
            self._save()
        if delete_partial and job.record.state != JobState.DONE:
            with TargetLock(job.record.spec.target):
                discard_own_parts(job.record.spec.target)

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Stop running jobs as ``interrupted`` (resumable after a restart), wait, write.

        The final write happens on the calling thread, whatever the lanes say: the
        owner is going away and its lanes may not run anything after this.
        Returns whether every job stopped within ``timeout``.
        """
        with self._lock:
            for job in self._jobs.values():
                if job.record.state == JobState.RUNNING:
                    job.stop_as = JobState.INTERRUPTED
                    job.token.cancel()
                elif job.record.state == JobState.QUEUED:
                    self._set(job, JobState.INTERRUPTED)
        stopped = self.wait(timeout=timeout)
        self.flush()
        return stopped

    def flush(self) -> None:
        """Write the queue file now, on this thread."""
        self._write()

    # -- queries ----------------------------------------------------------------
    def list(self) -> list[JobView]:
        """All jobs, oldest first."""
        with self._lock:
            jobs = sorted(self._jobs.values(), key=lambda j: j.record.added)
            return [j.view() for j in jobs]

    def get(self, job_id: str) -> JobView:
        """One job's snapshot."""
        with self._lock:
            return self._job(job_id).view()

    def wait(self, job_id: str | None = None, timeout: float | None = None) -> bool:
        """Block until the job (or every job) is neither queued nor running."""

        def settled() -> bool:
            jobs = [self._jobs[job_id]] if job_id else list(self._jobs.values())
            return all(j.record.state not in (JobState.QUEUED, JobState.RUNNING) for j in jobs)

        with self._changed:
            return self._changed.wait_for(settled, timeout)

    # -- internals ----------------------------------------------------------------
    def _job(self, job_id: str) -> _Job:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise UserError(f"no download with id {job_id}") from None

    def _unfinished_for(self, target: Path) -> _Job | None:
        key = os.path.normcase(os.path.abspath(target))
        for job in self._jobs.values():
            same = os.path.normcase(os.path.abspath(job.record.spec.target)) == key
            if same and job.record.state != JobState.DONE:
                return job
        return None

    def _stop(self, job_id: str, state: JobState) -> None:
        with self._lock:
            job = self._job(job_id)
            if job.record.state == JobState.RUNNING:
                job.stop_as = state  # the job's own thread records it as it stops
                job.token.cancel()
            elif job.record.state != JobState.DONE:
                self._set(job, state)

    def _set(self, job: _Job, state: JobState, error: str | None = None) -> None:
        job.record.state = state
        job.record.error = error
        if state in _ENDED:
            job.record.finished = time.time()
        self._save()
        self._changed.notify_all()
        self._notify(job)

    def _save(self) -> None:
        """Have the lanes write the queue file; a write already waiting absorbs this one."""
        with self._lock:
            self._generation += 1
            if self._write_pending:
                return
            self._write_pending = True
        self.lanes.run_write(self._write)

    def _write(self) -> None:
        # Snapshot under the queue lock, write under the write lock (never both held
        # in that order, so a write cannot deadlock with a job changing state), and
        # skip a snapshot older than the one already written.
        with self._lock:
            self._write_pending = False
            generation = self._generation
            snapshot = [JobRecord(**vars(j.record)) for j in self._jobs.values()]
        with self._write_lock:
            if generation <= self._written:
                return
            save_jobs(self.state_file, snapshot)
            self._written = generation

    def _notify(self, job: _Job) -> None:
        if self.on_update is not None:
            self.on_update(job.view())

    def _pump(self) -> None:
        running = sum(j.record.state == JobState.RUNNING for j in self._jobs.values())
        waiting = sorted(
            (j for j in self._jobs.values() if j.record.state == JobState.QUEUED),
            key=lambda j: j.record.added,
        )
        for job in waiting[: max(0, self.max_parallel - running)]:
            job.token = CancelToken()
            job.stop_as = JobState.PAUSED
            self._set(job, JobState.RUNNING)
            self.lanes.run_job(job.record.id, functools.partial(self._run, job))

    def _run(self, job: _Job) -> JobView:
        result: DownloadResult | None = None
        try:
            result = self.downloader.download(
                job.record.spec, lambda p: self._progress(job, p), job.token
            )
        except Cancelled:
            outcome, error = job.stop_as, None
        except UserError as exc:
            outcome, error = JobState.FAILED, str(exc)
        except Exception as exc:  # a bug: keep the queue alive, log the traceback
            log.exception("download %s crashed", job.record.id)
            outcome, error = JobState.FAILED, f"unexpected error: {exc}"
        else:
            outcome, error = JobState.DONE, None
        with self._lock:
            if result is not None:
                job.record.result = result.to_json()
                job.outcome = result
            self._set(job, outcome, error)
            self._pump()
            view = job.view()
        if result is not None and self.on_complete is not None:
            try:
                self.on_complete(result)
            except Exception:  # the listener's bug must not stop the queue's thread
                log.exception("the completion hook failed for %s", result.path)
        return view

    def _progress(self, job: _Job, progress: DownloadProgress) -> None:
        job.progress = progress
        self._notify(job)
