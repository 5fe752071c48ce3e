"""Import model files and folders into the library: the CLI's ``import`` and the GUI's drop.

Each model file is inspected (nothing in it runs), refused with the reason when
it is unsafe or damaged, skipped when it is neither a VAE nor a full checkpoint,
and otherwise filed under ``VAE/`` or ``checkpoints/`` unless the same bytes are
already cataloged anywhere (the library or any install): then the existing
entry just gains the new path. Checkpoints are told which VAE they carry.

A batch never stops at one bad file: whatever goes wrong with one input (it
vanished, cannot be read, is a FIFO, has a name too long, or trips a bug) becomes
that input's outcome, and the files before and after it are imported as usual.
Only a cancel ends the batch early.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from app.core.catalog.store import Catalog
from app.core.catalog.walk import walk_roots
from app.core.errors import Cancelled, Doing, UserError, from_os_error
from app.core.identify import hashed_file_of
from app.core.inspection import inspect_path
from app.core.inspection.records import FAMILY_TAESD, KIND_CHECKPOINT, KIND_VAE, Inspection
from app.core.inspection.vae_families import facts_for
from app.core.lazy_log import lazy_logger
from app.core.library.baked_in import fingerprint_for
from app.core.library.context import ImportContext
from app.core.library.copy_in import copies_in_one_pass, copy_in
from app.core.library.filing import bring_in
from app.core.library.fingerprint_store import FingerprintStore
from app.core.library.layout import CHECKPOINTS_DIR, VAE_DIR, ensure_library
from app.core.library.progress import FileMeter
from app.core.library.records import (
    ACTION_REFUSED,
    ACTION_SKIPPED,
    ImportOptions,
    ImportOutcome,
)
from app.core.library.settings import library_root
from app.core.publish import sweep_abandoned
from app.core.registry import INVALIDATING_PROBLEMS, Registry
from app.core.safe_open import NotRegularFile
from app.core.tasks import CancelToken, ProgressCallback, no_progress

log = lazy_logger(__name__)

REFUSING_PROBLEMS = tuple(code for code in INVALIDATING_PROBLEMS if code != "not-a-vae")
FileCallback = Callable[[Path], None]


def import_paths(
    paths: Iterable[Path | str],
    options: ImportOptions,
    *,
    catalog: Catalog,
    registry: Registry,
    progress: ProgressCallback = no_progress,
    on_file: FileCallback | None = None,
    cancel: CancelToken | None = None,
    library: Path | None = None,
    on_outcome: Callable[[ImportOutcome], None] | None = None,
) -> list[ImportOutcome]:
    """Import every model file in ``paths`` (folders recursively); one outcome per file.

    ``on_file(path)`` is called as each file starts; ``progress(done, total)`` then
    counts that file's bytes; ``on_outcome(outcome)`` as each outcome is final (the
    recorded import journals each new file then). Raises Cancelled (files already
    done stay done).
    """
    ctx = _context(catalog, registry, progress, cancel, library)
    outcomes: list[ImportOutcome] = []
    for path in paths:
        found, problems = _expand(Path(path), cancel)
        outcomes.extend(problems)
        for model in found:
            if on_file is not None:
                on_file(model)
            for outcome in _guarded(ctx, model, options):
                outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
    return outcomes


def import_file(
    path: Path | str,
    options: ImportOptions,
    *,
    catalog: Catalog,
    registry: Registry,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    library: Path | None = None,
) -> list[ImportOutcome]:
    """Import one model file or diffusers folder: its outcome, plus an extraction's if asked."""
    ctx = _context(catalog, registry, progress, cancel, library)
    return _guarded(ctx, Path(os.path.abspath(path)), options)


def _context(
    catalog: Catalog,
    registry: Registry,
    progress: ProgressCallback,
    cancel: CancelToken | None,
    library: Path | None,
) -> ImportContext:
    root = Path(os.path.abspath(library or library_root()))
    with contextlib.suppress(UserError):  # each file is then refused with the reason
        ensure_library(root)
    for name in (VAE_DIR, CHECKPOINTS_DIR):
        sweep_abandoned(root / name)
    store = FingerprintStore.beside(catalog.path)
    return ImportContext(catalog, registry, store, root, progress, cancel)


def _expand(path: Path, cancel: CancelToken | None) -> tuple[list[Path], list[ImportOutcome]]:
    """The model files and diffusers folders at or under ``path``, and what could not be read."""
    path = Path(os.path.abspath(path))
    if not os.path.lexists(path):
        return [], [ImportOutcome(path, ACTION_REFUSED, reason="no such file or folder")]
    walked = walk_roots([str(path)], cancel)
    problems = [
        ImportOutcome(Path(i.path), ACTION_REFUSED if i.fatal else ACTION_SKIPPED, reason=i.message)
        for i in walked.issues
    ]
    return [Path(f.path) for f in walked.found], problems


def _guarded(ctx: ImportContext, path: Path, options: ImportOptions) -> list[ImportOutcome]:
    """One file's outcomes; whatever it raises (bar a cancel) is its refusal, not the end."""
    try:
        return _import_one(ctx, path, options)
    except (Cancelled, KeyboardInterrupt):
        raise
    except NotRegularFile as exc:  # swapped for a FIFO or device after the walk saw it
        return [ImportOutcome(path, ACTION_SKIPPED, reason=exc.skip_reason)]
    except UserError as exc:
        return [ImportOutcome(path, ACTION_REFUSED, reason=str(exc))]
    except OSError as exc:
        return [ImportOutcome(path, ACTION_REFUSED, reason=_os_reason(exc, path, ctx.root))]
    except Exception as exc:  # noqa: BLE001 - a bug with one file must not end the batch
        log.exception("importing %r failed", path)
        reason = f"internal error ({type(exc).__name__}: {exc}); see the log"
        return [ImportOutcome(path, ACTION_REFUSED, reason=reason)]


def _import_one(ctx: ImportContext, path: Path, options: ImportOptions) -> list[ImportOutcome]:
    ctx.check_cancel()
    inspection = inspect_path(path)  # raises UserError (gone, unreadable, a FIFO): _guarded
    verdict = screen(path, inspection)
    if verdict is not None:
        return [verdict]
    meter = FileMeter(ctx.progress)
    if copies_in_one_pass(ctx, path, inspection, options):
        try:
            return copy_in(ctx, path, inspection, options, meter)
        except UserError as exc:
            return [ImportOutcome(path, ACTION_REFUSED, reason=str(exc), kind=inspection.kind)]
    hashes = ctx.hashes_of(hashed_file_of(path), meter.step())  # read errors: see _guarded
    try:
        fingerprint = _fingerprint(ctx, path, hashes.sha256, inspection.kind)
        return bring_in(ctx, path, inspection, hashes, fingerprint, options, meter)
    except UserError as exc:
        return [ImportOutcome(path, ACTION_REFUSED, reason=str(exc), kind=inspection.kind)]
    except OSError as exc:
        reason = _os_reason(exc, path, ctx.root, writing=True)
        return [ImportOutcome(path, ACTION_REFUSED, reason=reason, kind=inspection.kind)]


_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def _os_reason(exc: OSError, source: Path, library: Path, *, writing: bool = False) -> str:
    """Whose fault an OSError was: the source being read, or the library being written.

    The OS names the file it failed on; without a name (a failed ``write()`` on an
    open file), an error only a write can give is the library's, and anything else
    while bringing the file in is the copy's as a whole.
    """
    name = exc.filename
    if name is not None:
        failed = Path(os.fsdecode(name))
        if failed == source or source in failed.parents:
            return str(from_os_error(exc, Doing.READ, ""))
        if writing or library == failed or library in failed.parents:
            return str(from_os_error(exc, Doing.WRITE_LIBRARY, failed))
        return str(from_os_error(exc, Doing.READ, failed))
    if not writing:
        return str(from_os_error(exc, Doing.READ, ""))
    if exc.errno in _WRITE_ERRNOS:
        return str(from_os_error(exc, Doing.WRITE_LIBRARY, ""))
    return str(from_os_error(exc, Doing.COPY_INTO_LIBRARY, ""))


def screen(path: Path, inspection: Inspection) -> ImportOutcome | None:
    """A refusal (unsafe or damaged) or a skip (not a VAE or checkpoint), else None."""
    kind = inspection.kind
    bad = [p for p in inspection.problems if p.code in REFUSING_PROBLEMS]
    if bad:
        return ImportOutcome(
            path, ACTION_REFUSED, reason=f"{bad[0].code}: {bad[0].message}", kind=kind
        )
    if kind not in (KIND_VAE, KIND_CHECKPOINT):
        reason = f"{inspection.kind_reason}; only VAEs and full checkpoints are imported"
        return ImportOutcome(path, ACTION_SKIPPED, reason=reason, kind=kind)
    facts = facts_for(inspection.family)
    if inspection.family == FAMILY_TAESD or (facts is not None and facts.preview_decoder):
        reason = "a TAESD preview decoder; UIs load those from their own folder, not as a VAE"
        return ImportOutcome(path, ACTION_SKIPPED, reason=reason, kind=kind)
    return None


def _fingerprint(ctx: ImportContext, path: Path, sha256: str, kind: str) -> str | None:
    """The decoder fingerprint; a file whose tensors cannot be read is still imported."""
    try:
        return fingerprint_for(path, sha256, kind, ctx.store, ctx.cancel)
    except UserError as exc:
        log.warning("no decoder fingerprint for %s: %s", path, exc)
        return None
