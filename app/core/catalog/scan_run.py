"""One scan's state: what to do with each found model, and batched writes.

Work on a file (inspect, hash) happens outside any transaction; its result is
queued as a write and flushed in short ``BEGIN IMMEDIATE`` batches, so the
write lock is never held across a long hash and other writers (the GUI) are
not starved. Each queued write is complete for its file, so any committed
prefix of a scan is a valid catalog.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.catalog import writes
from app.core.catalog.codec import inspection_from_json, inspection_to_json
from app.core.catalog.records import (
    LINK_HARDLINK,
    LINK_REGULAR,
    LINK_SYMLINK,
    PendingHash,
    ScanReport,
)
from app.core.catalog.store import HASH_SOURCE_COMPUTED, Catalog
from app.core.catalog.walk import Found, StatKey
from app.core.errors import Cancelled
from app.core.hashing.hasher import autov1_of
from app.core.hashing.records import FileHashes
from app.core.inspection.records import Inspection
from app.core.registry import Registry, Validation
from app.core.tasks import CancelToken, no_progress

log = logging.getLogger(__name__)

# Commit queued writes before hashing a file this big, so the lock is free meanwhile.
FLUSH_BEFORE_HASHING = 16 << 20

# Unchanged files whose last_seen is bumped per transaction.
TOUCH_BATCH = 5000

_Write = Callable[[sqlite3.Connection], None]
_Identity = tuple[int, ...]


@dataclass(frozen=True)
class Tools:
    """The parts that read files, injectable so tests can count their calls."""

    registry: Registry
    inspect: Callable[[Path], Inspection]
    hasher: Callable[..., FileHashes]
    find_cached: Callable[[Path], Any]


@dataclass(frozen=True)
class _Result:
    """What examining one file produced, ready to be written."""

    inspection: Inspection | None
    hashes: FileHashes | None
    hash_source: str | None
    validation: Validation | None
    family: str | None
    error: str | None


class ScanRun:
    """Visit found models one by one; see the module docstring for the write policy."""

    def __init__(
        self,
        catalog: Catalog,
        tools: Tools,
        report: ScanReport,
        *,
        cancel: CancelToken | None,
        hash_now: bool,
        batch_size: int,
        commit_seconds: float,
    ) -> None:
        self.conn = catalog.connection
        self.catalog = catalog
        self.tools = tools
        self.report = report
        self.cancel = cancel
        self.hash_now = hash_now
        self.batch_size = batch_size
        self.commit_seconds = commit_seconds
        self.now = time.time()
        self.scan_id = 0
        self.root_ids: dict[str, int] = {}
        self.real_roots: dict[str, str] = {}
        self.known: dict[str, writes.KnownLocation] = {}
        self.fresh: dict[_Identity, tuple[FileHashes, str, Inspection | None]] = {}
        self.queue: list[_Write] = []
        self.touched: list[int] = []
        self.last_flush = time.monotonic()

    # --- scan lifecycle -----------------------------------------------------------------------

    def begin(self, roots: list[str]) -> None:
        """Record the scan and load what the catalog knew before it."""
        with self.catalog.transaction() as conn:
            self.scan_id = writes.start_scan(conn, roots, self.hash_now, self.now)
            self.root_ids = writes.ensure_roots(conn, roots, self.now)
        self.real_roots = {r: os.path.realpath(r) for r in roots}
        self.known = writes.load_known(self.conn)

    def finish(
        self, roots: list[str], unknown_dirs: list[str], outcome: str, seconds: float
    ) -> None:
        """Commit the rest; a completed scan also flags what disappeared."""
        self.report.seconds = seconds
        with self.catalog.transaction() as conn:
            self._write_queued(conn)
            if outcome == "done":
                self.report.missing = writes.mark_missing(conn, roots, self.scan_id, unknown_dirs)
                writes.delete_orphan_files(conn)
            writes.finish_scan(conn, self.scan_id, outcome, self.report.to_json(), time.time())

    def visit(self, found: Found) -> None:
        """Decide what one found model needs, do it, and queue the write."""
        known = self.known.get(found.path)
        if known is not None and known.missing:
            self.report.reappeared += 1
        if (
            known is not None
            and known.stat.identity == found.stat.identity
            and known.complete(self.hash_now)
        ):
            self._unchanged(found, known)
            return
        if known is None:
            self.report.added += 1
        else:
            self.report.updated += 1
        result = self._examine(found, known)
        self._queue(lambda conn: self._write(conn, found, result))

    def hash_pending(self, location: PendingHash) -> None:
        """Hash one location left by a ``hash_now=False`` scan and record it."""
        stat = self.pending_stat(location)
        if stat is None:
            return
        try:
            hashes, source = self._hashes(location.weights_path, stat)
        except OSError as exc:
            self.report.add_problem(location.path, "unreadable", _why(exc), error=True)
            return
        self.record_pending(location, stat, hashes, source)

    def pending_stat(self, location: PendingHash) -> StatKey | None:
        """The file's stat when it is still as cataloged; otherwise report why not."""
        try:
            st = os.stat(location.weights_path)
        except OSError as exc:
            self.report.add_problem(location.path, "unreadable", _why(exc), error=True)
            return None
        stat = StatKey.of(st)
        if (stat.size, stat.mtime_ns) != (location.size, location.mtime_ns):
            self.report.add_problem(location.path, "changed", "changed since cataloged; rescan")
            return None
        return stat

    def pending_failed(self, location: PendingHash, error: Exception) -> None:
        """A background hash of ``location`` failed: report it, keep it pending."""
        why = _why(error) if isinstance(error, OSError) else str(error)
        self.report.add_problem(location.path, "unreadable", why, error=True)

    def record_pending(
        self, location: PendingHash, stat: StatKey, hashes: FileHashes, source: str
    ) -> None:
        """Validate and store the hashes of a pending location."""
        self.fresh.setdefault(stat.identity, (hashes, source, None))
        validation, family = self._judge(location.weights_path, stat, location.inspection, hashes)
        if self.catalog.record_hash(
            location, hashes, validation, family=family, hash_source=source
        ):
            self.report.updated += 1

    # --- per-file work ------------------------------------------------------------------------

    def _unchanged(self, found: Found, known: writes.KnownLocation) -> None:
        self.report.unchanged += 1
        if known.stat.nlink != found.stat.nlink or (
            found.is_symlink and known.link_kind != LINK_SYMLINK
        ):
            row = self._location_row(found, None, None, None)
            self._queue(lambda conn: writes.update_links(conn, known.id, row))
        self.touched.append(known.id)
        self._maybe_flush()

    def _examine(self, found: Found, known: writes.KnownLocation | None) -> _Result:
        inspection = None
        try:
            shared = self._shared(found.stat)
            if shared is not None:
                hashes, source, inspection = shared
                self.report.reused += 1
            else:
                hashes, source = None, None
                if (
                    known is not None
                    and known.has_inspection
                    and known.stat.identity == found.stat.identity
                ):
                    inspection = writes.location_inspection(self.conn, known.id)
            if inspection is None:
                inspection = self.tools.inspect(Path(found.path))
            if hashes is None and self.hash_now:
                hashes, source = self._hashes(found.weights_path, found.stat)
        except (Cancelled, KeyboardInterrupt, sqlite3.Error):
            raise
        except Exception as exc:  # noqa: BLE001 - one bad file must not end a scan
            if not isinstance(exc, OSError):
                log.exception("examining %s failed", found.path)
            self.report.add_problem(found.path, "unreadable", _why(exc), error=True)
            return _Result(inspection, None, None, None, None, _why(exc))
        if hashes is not None and source is not None:
            self.fresh[found.stat.identity] = (hashes, source, inspection)
        for problem in inspection.problems:
            self.report.add_problem(found.path, problem.code, problem.message)
        validation, family = self._judge(found.weights_path, found.stat, inspection, hashes)
        return _Result(inspection, hashes, source, validation, family, None)

    def _shared(self, stat: StatKey) -> tuple[FileHashes, str, Inspection | None] | None:
        """Hashes for another path to this same unchanged inode (hardlink, symlink)."""
        if (fresh := self.fresh.get(stat.identity)) is not None:
            return fresh
        row = writes.shared_identity(self.conn, stat)
        if row is None:
            return None
        hashes, source, inspection_json = row
        return hashes, source, inspection_from_json(inspection_json)

    def _hashes(self, weights: str, stat: StatKey) -> tuple[FileHashes, str]:
        """Hash one weights file, unless this inode or a UI's cache already has its hash."""
        known = self.known_hashes(weights, stat)
        if known is not None:
            return known
        if stat.size >= FLUSH_BEFORE_HASHING:
            self._flush()
        hashes = self.tools.hasher(Path(weights), progress=no_progress, cancel=self.cancel)
        self.report.hashed += 1
        self.fresh[stat.identity] = (hashes, HASH_SOURCE_COMPUTED, None)
        return hashes, HASH_SOURCE_COMPUTED

    def known_hashes(self, weights: str, stat: StatKey) -> tuple[FileHashes, str] | None:
        """Hashes this scan or a UI's cache already has for the file, without reading it."""
        shared = self._shared(stat)
        if shared is not None:
            return shared[0], shared[1]
        cached = self.tools.find_cached(Path(weights))
        if cached is None:
            return None
        hashes = FileHashes(cached.sha256.lower(), cached.blake3, autov1_of(Path(weights)))
        self.report.reused += 1
        self.fresh[stat.identity] = (hashes, cached.source, None)
        return hashes, cached.source

    def _judge(
        self, weights: str, stat: StatKey, inspection: Inspection | None, hashes: FileHashes | None
    ) -> tuple[Validation, str | None]:
        from app.core.identify import refine_family

        registry = self.tools.registry
        sha = hashes.sha256 if hashes else None
        validation = registry.validate(sha, os.path.basename(weights), stat.size, inspection)
        if inspection is None:
            return validation, None
        return validation, refine_family(inspection, validation, registry)

    # --- writes -------------------------------------------------------------------------------

    def _write(self, conn: sqlite3.Connection, found: Found, result: _Result) -> None:
        file_id = None
        if result.hashes is not None and result.validation is not None:
            row = writes.file_row(
                result.hashes,
                result.hash_source or HASH_SOURCE_COMPUTED,
                found.stat.size,
                result.inspection,
                result.validation,
                result.family,
            )
            file_id = writes.upsert_file(conn, row, self.now)
        writes.upsert_location(
            conn, self._location_row(found, file_id, result, result.error), self.scan_id, self.now
        )

    def _location_row(
        self, found: Found, file_id: int | None, result: _Result | None, error: str | None
    ) -> writes.LocationRow:
        real = os.path.realpath(found.path)
        unhashed = result is not None and file_id is None
        validation = result.validation if result is not None and unhashed else None
        inspection = result.inspection if result is not None and unhashed else None
        if inspection is not None:
            inspection = dataclasses.replace(inspection, path=found.path)
        return writes.LocationRow(
            path=found.path,
            weights_path=found.weights_path,
            is_folder=found.is_folder,
            root_id=self.root_ids.get(found.root),
            file_id=file_id,
            real_path=real,
            link_kind=self._link_kind(found, real),
            stat=found.stat,
            inspection=inspection_to_json(inspection) if inspection else None,
            validation=validation.status if validation else None,
            validation_message=validation.message if validation else None,
            error=error,
        )

    def _link_kind(self, found: Found, real: str) -> str:
        """Symlink if the path or a folder between it and its root is a link."""
        real_root = self.real_roots.get(found.root, found.root)
        relative = os.path.relpath(found.path, found.root)
        expected = os.path.normpath(os.path.join(real_root, relative))
        if found.is_symlink or real != expected:
            return LINK_SYMLINK
        return LINK_HARDLINK if found.stat.nlink > 1 else LINK_REGULAR

    def _queue(self, write: _Write) -> None:
        self.queue.append(write)
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        # Touches only move last_seen; losing them to a crash costs nothing, so batch more.
        due = len(self.queue) >= self.batch_size or len(self.touched) >= TOUCH_BATCH
        if due or time.monotonic() - self.last_flush >= self.commit_seconds:
            self._flush()

    def _flush(self) -> None:
        if self.queue or self.touched:
            with self.catalog.transaction() as conn:
                self._write_queued(conn)
        self.last_flush = time.monotonic()

    def _write_queued(self, conn: sqlite3.Connection) -> None:
        for write in self.queue:
            write(conn)
        writes.touch_locations(conn, self.touched, self.scan_id, self.now)
        self.queue.clear()
        self.touched.clear()


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read: {exc.strerror}"
    return str(exc) or type(exc).__name__
