"""Lazy background hashing: newest files first, one reader per physical disk.

Two readers on one spinning disk (or one NAS link) are slower than one, so
jobs are grouped by the disk their file lives on and each group is drained by a
single thread; different disks run in parallel. Within a disk the newest file
goes first (a fresh download is what the user is looking at), then the smallest
(quick wins fill the catalog sooner).
"""

from __future__ import annotations

import functools
import heapq
import itertools
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import Cancelled
from app.core.hashing.hasher import Hasher, hash_file
from app.core.hashing.records import FileHashes
from app.core.lazy_log import lazy_logger
from app.core.tasks import CancelToken

log = lazy_logger(__name__)

SYSFS_BLOCK = Path("/sys/dev/block")


@dataclass(frozen=True)
class HashJob:
    """A file to hash, with the size and mtime the caller saw when it queued it."""

    path: Path
    size: int
    mtime: float


ResultCallback = Callable[[HashJob, "FileHashes | None", "Exception | None"], None]
# (job, bytes read so far, the file's size): after each block, from the worker thread.
JobProgressCallback = Callable[[HashJob, int, "int | None"], None]


def job_order(job: HashJob) -> tuple[float, int, str]:
    """Sort key: newest first, then smallest, then by path for a stable order."""
    return (-job.mtime, job.size, str(job.path))


def physical_disk(st_dev: int, sysfs_block: Path = SYSFS_BLOCK) -> str:
    """A name for the disk holding device ``st_dev``; partitions fold into their disk.

    Linux exposes ``/sys/dev/block/MAJ:MIN``; a partition's folder has a
    ``partition`` file and sits inside its disk's folder. Elsewhere (or for
    tmpfs, NFS, ...) the device number itself is the group.
    """
    node = sysfs_block / f"{os.major(st_dev)}:{os.minor(st_dev)}"
    try:
        real = node.resolve(strict=True)
    except OSError:
        return f"dev:{st_dev}"
    return real.parent.name if (real / "partition").exists() else real.name


def disk_key(path: Path) -> str:
    """The group a file's reads belong to (see :func:`physical_disk`)."""
    return physical_disk(os.stat(path).st_dev)


class HashScheduler:
    """Runs hash jobs in the background and reports each file to ``on_result``.

    ``on_result(job, hashes, error)`` is called from a worker thread, once per
    job that finished or failed; jobs stopped by :meth:`cancel` are not reported.
    ``on_progress(job, done, total)``, when given, hears the bytes read of each
    job after every block (also from a worker thread), so one big file moves a
    progress bar instead of holding it at 0 until it is done.
    """

    def __init__(
        self,
        on_result: ResultCallback,
        *,
        hasher: Hasher = hash_file,
        blake3: bool = True,
        start: bool = True,
        on_progress: JobProgressCallback | None = None,
    ) -> None:
        self._on_result = on_result
        self._on_progress = on_progress
        self._hasher = hasher
        self._blake3 = blake3
        self._started = start
        self._cancel = CancelToken()
        self._lock = threading.Lock()
        self._queues: dict[str, list[tuple[tuple[float, int, str], int, HashJob]]] = {}
        self._workers: dict[str, threading.Thread] = {}
        self._seq = itertools.count()

    def submit(self, path: Path, size: int, mtime: float) -> None:
        """Queue a file; a file that cannot be stat'ed is reported as failed at once."""
        job = HashJob(Path(path), size, mtime)
        try:
            disk = disk_key(job.path)
        except OSError as exc:
            self._on_result(job, None, exc)
            return
        with self._lock:
            if self._cancel.cancelled:
                return
            entry = (job_order(job), next(self._seq), job)
            heapq.heappush(self._queues.setdefault(disk, []), entry)
            if self._started:
                self._ensure_worker(disk)

    def start(self) -> None:
        """Begin work on everything queued so far (for schedulers made with start=False)."""
        with self._lock:
            self._started = True
            for disk in list(self._queues):
                self._ensure_worker(disk)

    def cancel(self) -> None:
        """Drop queued jobs and stop the running ones at their next block."""
        with self._lock:
            self._cancel.cancel()
            self._queues.clear()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the queues to drain; False if ``timeout`` ran out first."""
        while True:
            with self._lock:
                workers = list(self._workers.values())
            if not workers:
                return True
            for worker in workers:
                worker.join(timeout)
                if worker.is_alive():
                    return False

    def _ensure_worker(self, disk: str) -> None:
        if disk not in self._workers:
            worker = threading.Thread(target=self._drain, args=(disk,), daemon=True)
            worker.name = f"hash-{disk}"
            self._workers[disk] = worker
            worker.start()

    def _next_job(self, disk: str) -> HashJob | None:
        with self._lock:
            pending = self._queues.get(disk)
            if not pending or self._cancel.cancelled:
                self._queues.pop(disk, None)
                del self._workers[disk]
                return None
            return heapq.heappop(pending)[2]

    def _drain(self, disk: str) -> None:
        while (job := self._next_job(disk)) is not None:
            try:
                hashes = self._hash(job)
            except Cancelled:
                continue
            except Exception as exc:  # any failure is this file's result, not the worker's end
                self._report(job, None, exc)
            else:
                self._report(job, hashes, None)

    def _hash(self, job: HashJob) -> FileHashes:
        # Progress is passed only when someone listens: a hasher with its own keeps it.
        if (on_progress := self._on_progress) is None:
            return self._hasher(job.path, cancel=self._cancel, blake3=self._blake3)
        progress = functools.partial(on_progress, job)
        return self._hasher(job.path, cancel=self._cancel, blake3=self._blake3, progress=progress)

    def _report(self, job: HashJob, hashes: FileHashes | None, error: Exception | None) -> None:
        try:
            self._on_result(job, hashes, error)
        except Exception:
            log.exception("hash result callback failed for %s", job.path)
