"""Several downloads at once, each pausable, resumable and cancellable.

Jobs run on plain threads, at most ``max_parallel`` at a time; the GUI listens
through ``on_update`` (called from worker threads: marshal to the UI thread) and
the catalog through ``on_complete``. Stopping a job, for any reason, keeps its
``.part``, so resuming continues where it stopped, also after a restart.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.downloads.downloader import CompletionHook, Downloader
from app.core.downloads.locks import TargetLock
from app.core.downloads.partfile import discard_own_parts
from app.core.downloads.queue_store import (
    RESUMABLE_STATES,
    STATE_CANCELLED,
    STATE_DONE,
    STATE_FAILED,
    STATE_INTERRUPTED,
    STATE_PAUSED,
    STATE_QUEUED,
    STATE_RUNNING,
    JobRecord,
    default_state_file,
    load_jobs,
    save_jobs,
)
from app.core.downloads.records import DownloadProgress, DownloadResult, DownloadSpec
from app.core.errors import Cancelled, UserError
from app.core.tasks import CancelToken

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobView:
    """A snapshot of one job for display."""

    id: str
    spec: DownloadSpec
    state: str
    progress: DownloadProgress | None
    error: str | None
    result: dict[str, object] | None


class _Job:
    def __init__(self, record: JobRecord) -> None:
        self.record = record
        self.token = CancelToken()
        self.stop_as = STATE_PAUSED
        self.thread: threading.Thread | None = None
        self.progress: DownloadProgress | None = None

    def view(self) -> JobView:
        r = self.record
        return JobView(r.id, r.spec, r.state, self.progress, r.error, r.result)


class DownloadQueue:
    """A persisted queue of downloads run by a :class:`Downloader`."""

    def __init__(
        self,
        state_file: Path | None = None,
        *,
        downloader: Downloader | None = None,
        max_parallel: int | None = None,
        on_update: Callable[[JobView], None] | None = None,
        on_complete: CompletionHook | None = None,
    ) -> None:
        self.state_file = state_file or default_state_file()
        self.downloader = downloader or Downloader()
        self.max_parallel = max_parallel or self.downloader.settings.max_parallel
        self._on_update = on_update
        self._on_complete = on_complete
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._jobs = {r.id: _Job(r) for r in load_jobs(self.state_file)}

    # -- commands ---------------------------------------------------------------
    def add(self, spec: DownloadSpec) -> str:
        """Queue ``spec``; an unfinished job for the same target is joined (and resumed)."""
        with self._lock:
            same = self._unfinished_for(spec.target)
            if same is not None:
                if same.record.state in RESUMABLE_STATES:
                    self._set(same, STATE_QUEUED)
                    self._pump()
                return same.record.id
            record = JobRecord(uuid.uuid4().hex[:12], spec, STATE_QUEUED, time.time())
            self._jobs[record.id] = _Job(record)
            self._save()
            self._pump()
            return record.id

    def pause(self, job_id: str) -> None:
        """Stop a job, keeping its ``.part``; :meth:`resume` continues it."""
        self._stop(job_id, STATE_PAUSED)

    def cancel(self, job_id: str) -> None:
        """Stop a job for good (the ``.part`` stays: :meth:`remove` deletes it)."""
        self._stop(job_id, STATE_CANCELLED)

    def resume(self, job_id: str) -> None:
        """Queue a paused, interrupted, cancelled or failed job again."""
        with self._lock:
            job = self._job(job_id)
            if job.record.state in RESUMABLE_STATES:
                self._set(job, STATE_QUEUED)
                self._pump()

    def resume_all(self) -> list[str]:
        """Resume every job a restart interrupted; returns their ids."""
        with self._lock:
            ids = [j.record.id for j in self._jobs.values() if j.record.state == STATE_INTERRUPTED]
        for job_id in ids:
            self.resume(job_id)
        return ids

    def remove(self, job_id: str, *, delete_partial: bool = False) -> None:
        """Forget a job (stopping it first); optionally delete its ``.part``."""
        self.cancel(job_id)
        self.wait(job_id)
        with self._lock:
            job = self._jobs.pop(job_id)
            self._save()
        if delete_partial and job.record.state != STATE_DONE:
            with TargetLock(job.record.spec.target):
                discard_own_parts(job.record.spec.target)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop running jobs as ``interrupted`` (resumable after a restart) and wait."""
        with self._lock:
            running = [j for j in self._jobs.values() if j.record.state == STATE_RUNNING]
            for job in self._jobs.values():
                if job.record.state == STATE_QUEUED:
                    self._set(job, STATE_INTERRUPTED)
            for job in running:
                job.stop_as = STATE_INTERRUPTED
                job.token.cancel()
        for job in running:
            if job.thread is not None:
                job.thread.join(timeout)

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
            return all(j.record.state not in (STATE_QUEUED, STATE_RUNNING) for j in jobs)

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
            if same and job.record.state != STATE_DONE:
                return job
        return None

    def _stop(self, job_id: str, state: str) -> None:
        with self._lock:
            job = self._job(job_id)
            if job.record.state == STATE_RUNNING:
                job.stop_as = state
                job.token.cancel()
            elif job.record.state != STATE_DONE:
                self._set(job, state)

    def _set(self, job: _Job, state: str, error: str | None = None) -> None:
        job.record.state = state
        job.record.error = error
        if state in (STATE_DONE, STATE_FAILED, STATE_CANCELLED):
            job.record.finished = time.time()
        self._save()
        self._changed.notify_all()
        self._notify(job)

    def _save(self) -> None:
        save_jobs(self.state_file, [j.record for j in self._jobs.values()])

    def _notify(self, job: _Job) -> None:
        if self._on_update is not None:
            self._on_update(job.view())

    def _pump(self) -> None:
        running = sum(j.record.state == STATE_RUNNING for j in self._jobs.values())
        waiting = sorted(
            (j for j in self._jobs.values() if j.record.state == STATE_QUEUED),
            key=lambda j: j.record.added,
        )
        for job in waiting[: max(0, self.max_parallel - running)]:
            job.token = CancelToken()
            job.stop_as = STATE_PAUSED
            self._set(job, STATE_RUNNING)
            job.thread = threading.Thread(
                target=self._run, args=(job,), name=f"download-{job.record.id}", daemon=True
            )
            job.thread.start()

    def _run(self, job: _Job) -> None:
        result: DownloadResult | None = None
        try:
            result = self.downloader.download(
                job.record.spec, lambda p: self._progress(job, p), job.token
            )
        except Cancelled:
            outcome, error = job.stop_as, None
        except UserError as exc:
            outcome, error = STATE_FAILED, str(exc)
        except Exception as exc:  # a bug: keep the queue alive, log the traceback
            log.exception("download %s crashed", job.record.id)
            outcome, error = STATE_FAILED, f"unexpected error: {exc}"
        else:
            outcome, error = STATE_DONE, None
            job.record.result = result.to_json()
        with self._lock:
            self._set(job, outcome, error)
            self._pump()
        if result is not None and self._on_complete is not None:
            self._on_complete(result)

    def _progress(self, job: _Job, progress: DownloadProgress) -> None:
        job.progress = progress
        self._notify(job)
