"""Import by copy in one read: hash while copying into the library, then decide.

A file the catalog has no hashes for used to be read twice (hashed, then copied
and hashed again). Here every ID comes from the reads that feed the copy into an
exclusive temp file in the library folder (:func:`~app.core.publish.hashed_copy`);
once the SHA-256 is known, a duplicate discards the temp (only our own temp, by
its identity: :mod:`app.core.publish.temp`) and anything else is published
under a free name. Moves, hard links, diffusers folders, conversions, files with
cataloged hashes (their duplicates cost no copy) and drives short of space for the
copy keep the hash-first path in :mod:`app.core.library.filing`.
"""

from __future__ import annotations

import threading
from pathlib import Path

from app.core.errors import UserError
from app.core.inspection.records import KIND_CHECKPOINT, Inspection
from app.core.lazy_log import lazy_logger
from app.core.library.context import ImportContext
from app.core.library.destination import choose_destination, existing_copy
from app.core.library.filing import convertible, duplicate, note_source, with_baked_in
from app.core.library.fingerprint import CHECKPOINT_PREFIX, decoder_fingerprint
from app.core.library.layout import folder_for
from app.core.library.progress import FileMeter
from app.core.library.records import ACTION_IMPORTED, MODE_COPY, ImportOptions, ImportOutcome
from app.core.library.transfer import LIBRARY
from app.core.publish import check_free_space, hashed_copy

log = lazy_logger(__name__)


def copies_in_one_pass(
    ctx: ImportContext, path: Path, inspection: Inspection, options: ImportOptions
) -> bool:
    """Whether ``path`` is a plain copy of a file with no cataloged hashes, with room for it."""
    if options.mode != MODE_COPY or not path.is_file():
        return False
    if options.to_safetensors and convertible(path, inspection):
        return False
    st = path.stat()
    if ctx.catalog.cached_hashes_for(path, st.st_size, st.st_mtime_ns) is not None:
        return False  # known bytes: a duplicate is found without writing anything
    folder = folder_for(ctx.root, inspection.kind)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        check_free_space(folder, st.st_size)
    except (UserError, OSError):
        return False  # maybe a duplicate: the hash-first path says so, or names the problem
    return True


def copy_in(
    ctx: ImportContext,
    path: Path,
    inspection: Inspection,
    options: ImportOptions,
    meter: FileMeter,
) -> list[ImportOutcome]:
    """Copy and hash ``path`` in one pass; keep the copy unless the bytes are there already."""
    kind = inspection.kind
    folder = folder_for(ctx.root, kind)
    with (
        _Fingerprinting(path, kind, ctx) as pending,
        hashed_copy(
            path, folder / path.name, progress=meter.step(), cancel=ctx.cancel, where=LIBRARY
        ) as copy,
    ):
        hashes, sha = copy.hashes, copy.hashes.sha256
        fingerprint = pending.result(sha)
        found = existing_copy(ctx, sha, path)
        if found is not None:
            note_source(ctx, path, inspection, hashes)
            main = duplicate(path, kind, sha, found)  # the temp goes on leaving the block
        else:
            dest, same = choose_destination(ctx, folder, path.name, sha, copy.size)
            if same:
                ctx.record_new(dest, hashes, fingerprint)
                note_source(ctx, path, inspection, hashes)
                main = duplicate(path, kind, sha, dest)
            else:
                copy.publish(dest)
                main = None
    if main is None:
        ctx.record_new(dest, hashes, fingerprint)
        main = ImportOutcome(path, ACTION_IMPORTED, dest, "copied", kind, sha)
    return with_baked_in(ctx, path, inspection, hashes, fingerprint, options, meter, main)


class _Fingerprinting:
    """The decoder fingerprint, computed on a second thread while the file is copied.

    The copy keeps one core on SHA-256 and the other on reading, writing and
    BLAKE3 with time to spare; the fingerprint (numpy, hashlib: both release the
    GIL) fills that gap instead of running after the copy. Once the SHA-256 is
    known, a fingerprint already stored for it wins and the new one is dropped.
    """

    def __init__(self, path: Path, kind: str, ctx: ImportContext) -> None:
        self._path, self._ctx = path, ctx
        self._prefix = CHECKPOINT_PREFIX if kind == KIND_CHECKPOINT else ""
        self._value: str | None = None
        self._error: UserError | None = None
        self._thread = threading.Thread(target=self._work, name="import-fingerprint", daemon=True)

    def __enter__(self) -> _Fingerprinting:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._thread.join()  # a cancel reaches it through the same token

    def _work(self) -> None:
        try:
            self._value = decoder_fingerprint(
                self._path, prefix=self._prefix, cancel=self._ctx.cancel
            )
        except UserError as exc:
            self._error = exc
        except Exception as exc:  # noqa: BLE001 - reported as "no fingerprint", like a bad file
            self._error = UserError(f"{type(exc).__name__}: {exc}")

    def result(self, sha256: str) -> str | None:
        """The fingerprint of the file with this SHA-256 (stored, or just computed and stored)."""
        stored = self._ctx.store.get(sha256)
        self._thread.join()
        if stored is not None:
            return stored.fingerprint
        self._ctx.check_cancel()
        if self._error is not None:  # a file whose tensors cannot be read is still imported
            log.warning("no decoder fingerprint for %s: %s", self._path, self._error)
            return None
        self._ctx.store.put(sha256, self._value)
        return self._value
