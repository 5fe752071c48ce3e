"""One scan's state: what to do with each found model, and batched writes.

Work on a file (inspect, hash) happens outside any transaction; its result is
queued as a write and flushed in short ``BEGIN IMMEDIATE`` batches, so the
write lock is never held across a long hash and other writers (the GUI) are
not starved. Each queued write is complete for its file, so any committed
prefix of a scan is a valid catalog.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.catalog import queries, writes
from app.core.catalog.codec import inspection_from_json, inspection_to_json
from app.core.catalog.records import (
    FILE_ADDED,
    FILE_FAILED,
    FILE_SKIPPED,
    FILE_UNCHANGED,
    FILE_UPDATED,
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
from app.core.hashing.provenance import IgnoredHash, may_reuse_foreign
from app.core.hashing.records import FileHashes
from app.core.inspection.records import Inspection
from app.core.lazy_log import lazy_logger
from app.core.registry import Registry, Validation
from app.core.safe_open import NotRegularFile
from app.core.sqlite_errors import DatabaseProblem
from app.core.tasks import CancelToken, ProgressCallback, no_progress

log = lazy_logger(__name__)

# Commit queued writes before hashing a file this big, so the lock is free meanwhile.
FLUSH_BEFORE_HASHING = 16 << 20

# Unchanged files whose last_seen is bumped per transaction.
TOUCH_BATCH = 5000

# What one file's write can raise because of that file's data (an inode number past
# SQLite's 64 bits, say): it is reported and rolled back alone, the batch goes on.
# Anything else (disk full, database locked) ends the scan.
_ROW_ERRORS = (OverflowError, ValueError, sqlite3.IntegrityError, sqlite3.InterfaceError)

_Write = Callable[[sqlite3.Connection], None]
_Identity = tuple[int, ...]


def _nothing_ignored() -> list[IgnoredHash]:
    return []


@dataclass(frozen=True)
class Tools:
    """The parts that read files, injectable so tests can count their calls.

    ``drain_ignored`` hands over the cache and sidecar entries ``find_cached``
    did not believe since the last call (they are counted in the report).
    """

    registry: Registry
    inspect: Callable[[Path], Inspection]
    hasher: Callable[..., FileHashes]
    find_cached: Callable[[Path], Any]
    drain_ignored: Callable[[], list[IgnoredHash]] = _nothing_ignored


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
        self.names: dict[str, set[str]] = {}  # every name each SHA-256 had in this scan
        self.sizes: dict[str, int] = {}  # the size of each SHA-256 met in this scan
        self.queue: list[tuple[str, _Write]] = []
        self.touched: list[int] = []
        self.last_flush = time.monotonic()
        # Bytes of the file being hashed, after each block: a big file moves a bar too.
        self.hash_progress: ProgressCallback = no_progress

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
            report = self.report.to_json(with_files=False)
            writes.finish_scan(conn, self.scan_id, outcome, report, time.time())

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
        result = self._examine(found, known)
        if result is None:
            return
        if known is None:
            self.report.added += 1
        else:
            self.report.updated += 1
        if result.error is not None:
            self.report.note_file(found.path, FILE_FAILED, None, result.error)
        else:
            status = result.validation.status if result.validation else None
            self.report.note_file(found.path, FILE_UPDATED if known else FILE_ADDED, status)
        self._queue(found.path, lambda conn: self._write(conn, found, result))

    def hash_pending(self, location: PendingHash) -> None:
        """Hash one location left by a ``hash_now=False`` scan and record it."""
        stat = self.pending_stat(location)
        if stat is None:
            return
        try:
            hashes, source = self._hashes(location.weights_path, stat, location.inspection)
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
        validation, family = self._judge(
            location.weights_path, stat, location.inspection, hashes, source
        )
        if self.catalog.record_hash(
            location, hashes, validation, family=family, hash_source=source
        ):
            self.report.updated += 1

    # --- per-file work ------------------------------------------------------------------------

    def _unchanged(self, found: Found, known: writes.KnownLocation) -> None:
        self.report.unchanged += 1
        self.report.note_file(found.path, FILE_UNCHANGED)
        if known.stat.nlink != found.stat.nlink or (
            found.is_symlink and known.link_kind != LINK_SYMLINK
        ):
            row = self._location_row(found, None, None, None)
            self._queue(found.path, lambda conn: writes.update_links(conn, known.id, row))
        self.touched.append(known.id)
        self._maybe_flush()

    def _examine(self, found: Found, known: writes.KnownLocation | None) -> _Result | None:
        """Inspect and hash one file; None when it turned out to be a FIFO or device (skipped)."""
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
                hashes, source = self._hashes(found.weights_path, found.stat, inspection)
        except (Cancelled, KeyboardInterrupt, sqlite3.Error, DatabaseProblem):
            raise
        except NotRegularFile as exc:  # swapped for a FIFO or device since the walk saw it
            self.report.add_problem(found.path, "special-file", exc.skip_reason)
            self.report.note_file(found.path, FILE_SKIPPED, None, exc.skip_reason)
            return None
        except Exception as exc:  # noqa: BLE001 - one bad file must not end a scan
            if not isinstance(exc, OSError):
                log.exception("examining %s failed", found.path)
            self.report.add_problem(found.path, "unreadable", _why(exc), error=True)
            return _Result(inspection, None, None, None, None, _why(exc))
        if hashes is not None and source is not None:
            self.fresh[found.stat.identity] = (hashes, source, inspection)
        for problem in inspection.problems:
            self.report.add_problem(found.path, problem.code, problem.message)
        validation, family = self._judge(found.weights_path, found.stat, inspection, hashes, source)
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

    def _hashes(
        self, weights: str, stat: StatKey, inspection: Inspection | None = None
    ) -> tuple[FileHashes, str]:
        """Hash one weights file, unless this inode or a UI's cache already has its hash."""
        known = self.known_hashes(weights, stat, inspection)
        if known is not None:
            return known
        if stat.size >= FLUSH_BEFORE_HASHING:
            self._flush()
        hashes = self.tools.hasher(Path(weights), progress=self.hash_progress, cancel=self.cancel)
        self.report.hashed += 1
        self.fresh[stat.identity] = (hashes, HASH_SOURCE_COMPUTED, None)
        return hashes, HASH_SOURCE_COMPUTED

    def known_hashes(
        self, weights: str, stat: StatKey, inspection: Inspection | None = None
    ) -> tuple[FileHashes, str] | None:
        """Hashes this scan or a UI's cache already has for the file, without reading it.

        Another app's hash is taken only for a checkpoint (``may_reuse_foreign``),
        and only when nothing the app knows contradicts it or could turn it into a
        verdict: a registry hash or name means the file must be hashed for real.
        Other files are still looked up, so a forged sidecar or cache entry
        beside a VAE is reported (``foreign_ignored``), though never used.
        """
        shared = self._shared(stat)
        if shared is not None:
            return shared[0], shared[1]
        cached = self.tools.find_cached(Path(weights))
        for ignored in self.tools.drain_ignored():
            self._ignore(ignored)
        if cached is None or not may_reuse_foreign(inspection):
            return None
        if not self._foreign_usable(weights, stat, cached):
            return None
        hashes = FileHashes(cached.sha256.lower(), cached.blake3, autov1_of(Path(weights)))
        self.report.reused += 1
        self.fresh[stat.identity] = (hashes, cached.source, None)
        return hashes, cached.source

    def _foreign_usable(self, weights: str, stat: StatKey, cached: Any) -> bool:
        """Whether another app's hash may stand for this file (see :meth:`known_hashes`)."""
        sha, registry = cached.sha256.lower(), self.tools.registry
        if registry.knows(sha) or registry.names_official_file(os.path.basename(weights)):
            return False
        known = queries.file_for_sha(self.conn, sha)
        size = known[0] if known is not None else self.sizes.get(sha)
        if size is not None and size != stat.size:
            why = f"it claims the hash of cataloged bytes of {size:,} bytes, not {stat.size:,}"
            self._ignore(IgnoredHash(weights, cached.source, why))
        # Bytes the catalog already holds keep the facts the app found for them.
        return size is None

    def _ignore(self, ignored: IgnoredHash) -> None:
        self.report.foreign_ignored += 1
        self.report.add_problem(ignored.path, "foreign-hash-ignored", ignored.message())

    def _judge(
        self,
        weights: str,
        stat: StatKey,
        inspection: Inspection | None,
        hashes: FileHashes | None,
        source: str | None,
    ) -> tuple[Validation, str | None]:
        """The one verdict (``verdict_for``), over every name these bytes have."""
        from app.core.identify import refine_family, verdict_for

        registry = self.tools.registry
        sha = hashes.sha256 if hashes else None
        names = [os.path.basename(weights)]
        if sha is not None:
            seen = self.names.setdefault(sha, set())
            seen.add(names[0])
            names += sorted(seen.union(queries.names_for_sha(self.conn, sha)))
            self.sizes.setdefault(sha, stat.size)
        validation = verdict_for(
            registry,
            sha256=sha,
            hash_source=source,
            names=names,
            size=stat.size,
            inspection=inspection,
        )
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

    def _queue(self, path: str, write: _Write) -> None:
        self.queue.append((path, write))
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
        for path, write in self.queue:
            self._write_one(conn, path, write)
        writes.touch_locations(conn, self.touched, self.scan_id, self.now)
        self.queue.clear()
        self.touched.clear()

    def _write_one(self, conn: sqlite3.Connection, path: str, write: _Write) -> None:
        """One file's rows, inside a savepoint so a bad row is undone alone."""
        conn.execute("SAVEPOINT one_file")
        try:
            write(conn)
        except _ROW_ERRORS as exc:
            conn.execute("ROLLBACK TO one_file")
            log.warning("cataloging %r failed: %s", path, exc)
            message = f"cannot be cataloged: {exc}"
            self.report.add_problem(path, "not-cataloged", message, error=True)
            self.report.note_file(path, FILE_FAILED, None, message)
        finally:
            conn.execute("RELEASE one_file")


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read: {exc.strerror}"
    return str(exc) or type(exc).__name__
