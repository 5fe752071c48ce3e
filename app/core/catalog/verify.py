"""Verify files, as ``verify`` and the window's Verify do: one result per file, whatever happens.

One function for both fronts (:func:`verify_paths`). Folders are walked like a
scan walks them (FIFOs and devices skipped, each real folder once), and each
model is inspected, hashed and judged on its own: a file that vanished, cannot
be read, or trips a bug gets its result and the rest go on.

Given the catalog, each verdict weighs every name the catalog knows the bytes
by (the verdict the library shows), and a cataloged file leaves the catalog
telling the truth: the bytes just read, their hashes and verdict are recorded
for that path and every link to the same file, so a file tampered with after
it was cataloged is no longer listed under its old hash. Verify never adds a
file the catalog does not have (``scan`` and ``import`` do that).
"""

from __future__ import annotations

import enum
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.catalog import writes
from app.core.catalog.codec import path_to_db
from app.core.catalog.records import CatalogEntry
from app.core.catalog.store import HASH_SOURCE_COMPUTED, Catalog
from app.core.catalog.walk import StatKey, walk_roots
from app.core.errors import Cancelled, UserError
from app.core.lazy_log import lazy_logger
from app.core.registry import STATUS_INVALID, STATUS_MISMATCH, Registry
from app.core.safe_open import NotRegularFile
from app.core.tasks import CancelToken, ProgressCallback, no_progress

if TYPE_CHECKING:
    from app.core.identify import FileReport

log = lazy_logger(__name__)


class Outcome(enum.StrEnum):
    """A result that is no registry verdict: the file could not be judged."""

    MISSING = "missing"
    UNREADABLE = "unreadable"
    SKIPPED = "skipped"


class CatalogUpdate(enum.StrEnum):
    """What verifying a file did to the catalog."""

    SAME = "same"  # the catalog already recorded these bytes with this verdict
    BYTES_CHANGED = "bytes-changed"  # other bytes than cataloged: the catalog has these now
    VERDICT_CHANGED = "verdict-changed"  # same bytes, a new verdict (a registry update, say)
    HASHED = "hashed"  # cataloged without a hash of the app's own: it has one now
    NOT_CATALOGED = "not-cataloged"  # not in the catalog; verify adds nothing
    LEFT_AS_IS = "left-as-is"  # unreadable, or changed while read: left to the next scan


# The old names (StrEnum members equal their strings).
RESULT_MISSING = Outcome.MISSING
RESULT_UNREADABLE = Outcome.UNREADABLE
RESULT_SKIPPED = Outcome.SKIPPED
# Results that make ``verify`` exit 1; "skipped" (a FIFO in a folder) does not.
BAD_RESULTS = frozenset({STATUS_MISMATCH, STATUS_INVALID, Outcome.MISSING, Outcome.UNREADABLE})

ProgressFor = Callable[[str], ProgressCallback]


@dataclass(frozen=True)
class VerifyResult:
    """One file's verdict (``validation``: a registry status, missing, unreadable or skipped).

    ``catalog`` says what the catalog was told (None: verified without a catalog);
    ``cataloged_sha256`` is the hash it recorded for the path before.
    """

    path: str
    validation: str
    message: str
    official_id: str | None = None
    sha256: str | None = None
    hash_source: str | None = None  # "computed" once hashed: verify always reads the bytes
    problem_codes: tuple[str, ...] = ()
    catalog: CatalogUpdate | None = None
    cataloged_sha256: str | None = None

    @property
    def bad(self) -> bool:
        """Whether this result fails the verification."""
        return self.validation in BAD_RESULTS

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "path": self.path,
            "validation": self.validation,
            "official_id": self.official_id,
            "sha256": self.sha256,
            "hash_source": self.hash_source,
            "message": self.message,
            "problem_codes": list(self.problem_codes),
            "catalog": None if self.catalog is None else str(self.catalog),
            "cataloged_sha256": self.cataloged_sha256,
        }


def verify_paths(
    paths: Sequence[Path],
    registry: Registry,
    *,
    catalog: Catalog | None = None,
    expand_folders: bool = True,
    progress_for: ProgressFor | None = None,
    cancel: CancelToken | None = None,
) -> list[VerifyResult]:
    """Verify each path (folders walked when ``expand_folders``); raises only Cancelled.

    With ``catalog``, each verdict is the one the catalog shows and each cataloged
    file's row is brought up to date (see the module docstring).
    """
    results: list[VerifyResult] = []
    for path in paths:
        if not os.path.lexists(path):
            results.append(VerifyResult(str(path), Outcome.MISSING, "file is gone"))
        elif expand_folders:
            results.extend(_verify_tree(path, registry, catalog, progress_for, cancel))
        else:
            results.append(verify_one(path, registry, catalog, progress_for, cancel))
    return results


def _verify_tree(
    path: Path,
    registry: Registry,
    catalog: Catalog | None,
    progress_for: ProgressFor | None,
    cancel: CancelToken | None,
) -> list[VerifyResult]:
    walked = walk_roots([os.path.abspath(path)], cancel)
    results = [
        VerifyResult(i.path, Outcome.UNREADABLE if i.fatal else Outcome.SKIPPED, i.message)
        for i in walked.issues
    ]
    for found in walked.found:
        results.append(verify_one(Path(found.path), registry, catalog, progress_for, cancel))
    return results


def verify_one(
    path: Path,
    registry: Registry,
    catalog: Catalog | None = None,
    progress_for: ProgressFor | None = None,
    cancel: CancelToken | None = None,
) -> VerifyResult:
    """Inspect, hash and judge one file or diffusers folder; never raises but Cancelled."""
    from app.core.identify import hashed_file_of, identify

    progress = progress_for(path.name) if progress_for is not None else no_progress
    other_names = catalog.names_for if catalog is not None else None
    try:
        before = _stat(hashed_file_of(path))
        report = identify(path, registry, progress=progress, cancel=cancel, other_names=other_names)
        after = _stat(hashed_file_of(path))
    except (Cancelled, KeyboardInterrupt):
        raise
    except NotRegularFile as exc:
        return VerifyResult(str(path), Outcome.SKIPPED, exc.skip_reason)
    except FileNotFoundError:
        return VerifyResult(str(path), Outcome.MISSING, "file is gone")
    except UserError as exc:
        return VerifyResult(str(path), Outcome.UNREADABLE, str(exc))
    except OSError as exc:
        return VerifyResult(str(path), Outcome.UNREADABLE, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - one file's bug must not end the batch
        log.exception("verifying %r failed", path)
        message = f"internal error ({type(exc).__name__}: {exc}); see the log"
        return VerifyResult(str(path), Outcome.UNREADABLE, message)
    validation = report.validation
    result = VerifyResult(
        str(path),
        validation.status,
        validation.message,
        validation.official_id,
        report.hashes.sha256 if report.hashes else None,
        report.hash_source if report.hashes else None,
        tuple(p.code for p in report.inspection.problems),
    )
    if catalog is None:
        return result
    stat = before if before is not None and before == after else None
    update, old_sha = _update_catalog(catalog, path, report, stat)
    return replace(result, catalog=update, cataloged_sha256=old_sha)


def _stat(weights: Path) -> StatKey | None:
    """The stat of the hashed file (None: a folder without weights, nothing to record)."""
    return StatKey.of(os.stat(weights)) if weights.is_file() else None


# --- the catalog follows the bytes ------------------------------------------------------------


def _update_catalog(
    catalog: Catalog, path: Path, report: FileReport, stat: StatKey | None
) -> tuple[CatalogUpdate, str | None]:
    """Record what was just read for a cataloged path; say what changed."""
    entry = catalog.entry_for_path(path)
    if entry is None:
        return CatalogUpdate.NOT_CATALOGED, None
    if report.hashes is None or stat is None:
        return CatalogUpdate.LEFT_AS_IS, entry.sha256
    change = _change(entry, report)
    if change != CatalogUpdate.SAME or not _recorded_as_is(catalog, path, report, stat):
        _record(catalog, path, report, stat)
    return change, entry.sha256


def _recorded_as_is(catalog: Catalog, path: Path, report: FileReport, stat: StatKey) -> bool:
    """Whether the catalog holds these hashes at this size and mtime: no write to make."""
    cached = catalog.cached_hashes_for(path, stat.size, stat.mtime_ns)
    return cached is not None and report.hashes is not None and cached == report.hashes


def _change(entry: CatalogEntry, report: FileReport) -> CatalogUpdate:
    assert report.hashes is not None  # _update_catalog checked
    if entry.sha256 is None or not entry.self_hashed:
        return CatalogUpdate.HASHED
    if entry.sha256 != report.hashes.sha256:
        return CatalogUpdate.BYTES_CHANGED
    verdict = (report.validation.status, report.validation.official_id, report.family)
    if (entry.validation, entry.official_id, entry.family) != verdict:
        return CatalogUpdate.VERDICT_CHANGED
    return CatalogUpdate.SAME


def _record(catalog: Catalog, path: Path, report: FileReport, stat: StatKey) -> None:
    """The bytes' row, and every location of this file pointed at it, in one transaction.

    The locations are the path itself, links whose target it is, and other names
    of the same inode (hardlinks): they hold the bytes just read. Their stat is
    the one read now, so the next scan finds them unchanged and reads nothing.
    """
    assert report.hashes is not None  # _update_catalog checked
    row = writes.file_row(
        report.hashes, HASH_SOURCE_COMPUTED, stat.size, report.inspection, report.validation,
        report.family,
    )  # fmt: skip
    with catalog.transaction() as conn:
        file_id = writes.upsert_file(conn, row, time.time())
        conn.execute(
            "UPDATE locations SET file_id = ?, st_dev = ?, st_ino = ?, nlink = ?, size = ?, "
            "mtime_ns = ?, inspection = NULL, validation = NULL, validation_message = NULL, "
            "error = NULL, missing = 0 "
            # An inode number of 0 (FAT, some network shares) names no file: paths only.
            "WHERE path = ? OR real_path = ? OR (missing = 0 AND st_dev = ? AND st_ino = ? "
            "AND st_ino != 0)",
            (
                file_id, stat.dev, stat.ino, stat.nlink, stat.size, stat.mtime_ns,
                path_to_db(os.path.abspath(path)), path_to_db(os.path.realpath(path)),
                stat.dev, stat.ino,
            ),
        )  # fmt: skip
        writes.delete_orphan_files(conn)
