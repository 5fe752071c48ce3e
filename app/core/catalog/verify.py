"""Verify many files at once, as ``verify`` does: one result per file, whatever happens.

Folders are walked like a scan walks them (FIFOs and devices skipped, each real
folder once), and each model is inspected, hashed and judged on its own: a file
that vanished, cannot be read, or trips a bug gets its result and the rest go on.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.catalog.walk import walk_roots
from app.core.errors import Cancelled, UserError
from app.core.registry import STATUS_INVALID, STATUS_MISMATCH, Registry
from app.core.safe_open import NotRegularFile
from app.core.tasks import CancelToken, ProgressCallback, no_progress

log = logging.getLogger(__name__)

RESULT_MISSING = "missing"
RESULT_UNREADABLE = "unreadable"
RESULT_SKIPPED = "skipped"
# Results that make ``verify`` exit 1; "skipped" (a FIFO in a folder) does not.
BAD_RESULTS = frozenset({STATUS_MISMATCH, STATUS_INVALID, RESULT_MISSING, RESULT_UNREADABLE})

ProgressFor = Callable[[str], ProgressCallback]
OtherNames = Callable[[str], Iterable[str]]  # app.core.identify.OtherNames (imported lazily)


@dataclass(frozen=True)
class VerifyResult:
    """One file's verdict (``validation``: a registry status, missing, unreadable or skipped)."""

    path: str
    validation: str
    message: str
    official_id: str | None = None
    sha256: str | None = None
    hash_source: str | None = None  # "computed" once hashed: verify always reads the bytes

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
        }


def verify_paths(
    paths: Sequence[Path],
    registry: Registry,
    *,
    expand_folders: bool = True,
    progress_for: ProgressFor | None = None,
    cancel: CancelToken | None = None,
    other_names: OtherNames | None = None,
) -> list[VerifyResult]:
    """Verify each path (folders walked when ``expand_folders``); raises only Cancelled.

    ``other_names`` (``Catalog.names_for``) makes each verdict the one the catalog shows.
    """
    results: list[VerifyResult] = []
    for path in paths:
        if not os.path.lexists(path):
            results.append(VerifyResult(str(path), RESULT_MISSING, "file is gone"))
        elif expand_folders:
            results.extend(_verify_tree(path, registry, progress_for, cancel, other_names))
        else:
            results.append(verify_one(path, registry, progress_for, cancel, other_names))
    return results


def _verify_tree(
    path: Path,
    registry: Registry,
    progress_for: ProgressFor | None,
    cancel: CancelToken | None,
    other_names: OtherNames | None = None,
) -> list[VerifyResult]:
    walked = walk_roots([os.path.abspath(path)], cancel)
    results = [
        VerifyResult(i.path, RESULT_UNREADABLE if i.fatal else RESULT_SKIPPED, i.message)
        for i in walked.issues
    ]
    for found in walked.found:
        results.append(verify_one(Path(found.path), registry, progress_for, cancel, other_names))
    return results


def verify_one(
    path: Path,
    registry: Registry,
    progress_for: ProgressFor | None = None,
    cancel: CancelToken | None = None,
    other_names: OtherNames | None = None,
) -> VerifyResult:
    """Inspect, hash and judge one file or diffusers folder; never raises but Cancelled."""
    from app.core.identify import identify

    progress = progress_for(path.name) if progress_for is not None else no_progress
    try:
        report = identify(path, registry, progress=progress, cancel=cancel, other_names=other_names)
    except (Cancelled, KeyboardInterrupt):
        raise
    except NotRegularFile as exc:
        return VerifyResult(str(path), RESULT_SKIPPED, exc.skip_reason)
    except FileNotFoundError:
        return VerifyResult(str(path), RESULT_MISSING, "file is gone")
    except UserError as exc:
        return VerifyResult(str(path), RESULT_UNREADABLE, str(exc))
    except OSError as exc:
        return VerifyResult(str(path), RESULT_UNREADABLE, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - one file's bug must not end the batch
        log.exception("verifying %r failed", path)
        message = f"internal error ({type(exc).__name__}: {exc}); see the log"
        return VerifyResult(str(path), RESULT_UNREADABLE, message)
    validation = report.validation
    return VerifyResult(
        str(path),
        validation.status,
        validation.message,
        validation.official_id,
        report.hashes.sha256 if report.hashes else None,
        report.hash_source if report.hashes else None,
    )
