"""Scan folders into the catalog: stat everything, read only what changed.

A path whose stat identity (device, inode, size, mtime) matches the last scan
is not opened at all, so rescanning a large unchanged library costs about one
``stat`` per file. New or changed files are inspected, hashed (unless a hash
for the same inode, or a UI's own hash cache, already has it) and validated.
Results are written in short batched transactions, never held open across a
long hash, so a killed or cancelled scan leaves every committed row valid.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from app.core.catalog.records import FILE_FAILED, FILE_SKIPPED, PendingHash, ScanReport
from app.core.catalog.scan_run import ScanRun, Tools
from app.core.catalog.store import HASH_SOURCE_COMPUTED, Catalog
from app.core.catalog.walk import StatKey, walk_roots
from app.core.errors import Cancelled
from app.core.hashing.hasher import Hasher
from app.core.hashing.queue import HashJob, HashScheduler
from app.core.hashing.records import FileHashes
from app.core.inspection.records import Inspection
from app.core.registry import Registry
from app.core.tasks import CancelToken, ProgressCallback, no_progress

InspectFn = Callable[[Path], Inspection]
HashFn = Hasher


class CachedLike(Protocol):
    """What a UI's hash cache gives back (``app.core.hashing.foreign_caches.CachedHashes``)."""

    @property
    def sha256(self) -> str: ...
    @property
    def blake3(self) -> str | None: ...
    @property
    def source(self) -> str: ...


FindCachedFn = Callable[[Path], "CachedLike | None"]


class Scanner:
    """Catalogs folders; the file-reading parts are injectable for tests and benchmarks.

    Args:
        catalog: where results go.
        registry: judges files; defaults to the shipped + user registry.
        inspect: ``inspect_path``-like: what a file or diffusers folder is.
        hasher: ``hash_file``-like, called as ``hasher(path, progress=, cancel=)``.
        find_cached: returns a UI's cached SHA-256 for a file, or None.
        ui_roots: UI installs whose hash caches ``find_cached`` may consult.
        batch_size: files per write transaction.
        commit_seconds: commit at least this often while files keep coming.
    """

    def __init__(
        self,
        catalog: Catalog,
        *,
        registry: Registry | None = None,
        inspect: InspectFn | None = None,
        hasher: HashFn | None = None,
        find_cached: FindCachedFn | None = None,
        ui_roots: Sequence[Path] = (),
        batch_size: int = 200,
        commit_seconds: float = 2.0,
    ) -> None:
        self.catalog = catalog
        registry = registry or _default_registry()
        lookup = find_cached or _default_find_cached(tuple(ui_roots), registry)
        self.tools = Tools(
            registry=registry,
            inspect=inspect or _default_inspect(),
            hasher=hasher or _default_hasher(),
            find_cached=lookup,
            drain_ignored=getattr(lookup, "drain_ignored", Tools.drain_ignored),
        )
        self.batch_size = batch_size
        self.commit_seconds = commit_seconds

    def scan(
        self,
        roots: Sequence[Path | str],
        *,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        hash_now: bool = True,
        hash_progress: ProgressCallback = no_progress,
    ) -> ScanReport:
        """Catalog every model under ``roots``; raises Cancelled (after committing) when asked.

        ``progress`` counts files; ``hash_progress(done, size)`` the bytes of the one
        being hashed (``hash_now``), after each block.
        """
        started = time.monotonic()
        abs_roots = list(dict.fromkeys(os.path.abspath(os.fspath(r)) for r in roots))
        report = ScanReport(roots=abs_roots, hash_now=hash_now)
        walked = walk_roots(abs_roots, cancel)
        for issue in walked.issues:
            report.add_problem(issue.path, issue.code, issue.message, error=issue.fatal)
            result = FILE_FAILED if issue.fatal else FILE_SKIPPED
            report.note_file(issue.path, result, None, issue.message)
        run = self._run(report, cancel, hash_now)
        run.hash_progress = hash_progress
        run.begin(abs_roots)
        progress(0, len(walked.found))
        try:
            for done, found in enumerate(walked.found, start=1):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                run.visit(found)
                progress(done, len(walked.found))
        except (Cancelled, KeyboardInterrupt):
            run.finish(abs_roots, [], "cancelled", time.monotonic() - started)
            raise
        run.finish(abs_roots, walked.unknown_dirs, "done", time.monotonic() - started)
        return report

    def hash_pending(
        self,
        *,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        limit: int | None = None,
        on_file: Callable[[Path], None] | None = None,
    ) -> ScanReport:
        """Hash what ``scan(hash_now=False)`` left, one reader per physical disk.

        Hashes already known (another link to the same inode, a UI's cache) are
        recorded at once; the rest go to a :class:`HashScheduler`, whose worker
        threads only read files. Results come back here, so every database
        write stays on this thread, and so do the calls of ``progress(bytes
        read, bytes to read)`` (a few a second while a big file is read) and of
        ``on_file(path)`` as each file's reading begins.
        """
        report = ScanReport(roots=[], hash_now=True)
        pending = self.catalog.pending_hashes(limit)
        run = self._run(report, cancel, True)
        results: queue.SimpleQueue[tuple[HashJob, FileHashes | None, Exception | None]] = (
            queue.SimpleQueue()
        )
        meter = _ByteMeter(progress, on_file)
        scheduler = HashScheduler(
            lambda job, hashes, error: results.put((job, hashes, error)),
            hasher=self.tools.hasher,
            start=False,
            on_progress=meter.read,
        )
        # One job per inode: hardlinks and symlinks to one file are read once.
        waiting: dict[Path, list[tuple[PendingHash, StatKey]]] = {}
        job_of_inode: dict[tuple[int, ...], Path] = {}
        for location in pending:
            stat = run.pending_stat(location)
            if stat is None:
                continue
            known = run.known_hashes(location.weights_path, stat, location.inspection)
            if known is not None:
                run.record_pending(location, stat, *known)
                continue
            path = job_of_inode.setdefault(stat.identity, Path(location.weights_path))
            if path not in waiting:
                meter.expect(path, stat.size)
                scheduler.submit(path, stat.size, stat.mtime_ns / 1e9)
            waiting.setdefault(path, []).append((location, stat))
        meter.report()
        scheduler.start()
        try:
            while waiting:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                try:
                    job, hashes, error = results.get(timeout=0.1)
                except queue.Empty:
                    meter.report()
                    continue
                if hashes is not None:
                    report.hashed += 1
                for location, stat in waiting.pop(job.path):
                    if hashes is None:
                        assert error is not None  # the scheduler reports hashes or an error
                        run.pending_failed(location, error)
                    else:
                        run.record_pending(location, stat, hashes, HASH_SOURCE_COMPUTED)
                meter.finished(job.path)
                meter.report()
        finally:
            scheduler.cancel()
        return report

    def _run(self, report: ScanReport, cancel: CancelToken | None, hash_now: bool) -> ScanRun:
        return ScanRun(
            self.catalog,
            self.tools,
            report,
            cancel=cancel,
            hash_now=hash_now,
            batch_size=self.batch_size,
            commit_seconds=self.commit_seconds,
        )


def scan(
    catalog: Catalog,
    roots: Sequence[Path | str],
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    hash_now: bool = True,
    registry: Registry | None = None,
    ui_roots: Sequence[Path] = (),
) -> ScanReport:
    """Catalog the models under ``roots`` with the real inspector and hasher."""
    scanner = Scanner(catalog, registry=registry, ui_roots=ui_roots)
    return scanner.scan(roots, progress=progress, cancel=cancel, hash_now=hash_now)


def _default_registry() -> Registry:
    from app.core.registry import app_registry

    return app_registry()


def _default_inspect() -> InspectFn:
    from app.core.inspection import inspect_path

    return inspect_path


def _default_hasher() -> HashFn:
    from app.core.hashing.hasher import hash_file

    return hash_file


def _default_find_cached(ui_roots: tuple[Path, ...], registry: Registry) -> FindCachedFn:
    """Look up UI hash caches and sidecars, loading them once per scanner on first use.

    Entries whose size contradicts the file or the registry are not believed.
    """
    from app.core.hashing.foreign_caches import LazyForeignIndex

    return LazyForeignIndex(ui_roots, expected_size=registry.expected_size)


class _ByteMeter:
    """Bytes read across the files being hashed; reports on the caller's thread.

    Workers only store how far each file is (``read``); the loop that owns the
    database calls ``report``, so a progress callback never runs on a worker.
    """

    def __init__(self, progress: ProgressCallback, on_file: Callable[[Path], None] | None) -> None:
        self._progress = progress
        self._on_file = on_file
        self._lock = threading.Lock()
        self._sizes: dict[Path, int] = {}
        self._read: dict[Path, int] = {}
        self._named: set[Path] = set()

    def expect(self, path: Path, size: int) -> None:
        self._sizes[path] = size

    def read(self, job: HashJob, done: int, total: int | None) -> None:
        with self._lock:  # from a worker thread
            self._read[job.path] = done

    def finished(self, path: Path) -> None:
        """A file hashed or failed: all of its bytes count as done."""
        with self._lock:
            self._read[path] = self._sizes.get(path, 0)
            self._named.add(path)  # done before anyone heard of it: nothing to name

    def report(self) -> None:
        with self._lock:
            done = sum(min(n, self._sizes.get(p, n)) for p, n in self._read.items())
            started = [p for p in self._read if p not in self._named]
        for path in started:
            self._named.add(path)
            if self._on_file is not None:
                self._on_file(path)
        self._progress(done, sum(self._sizes.values()))
