"""Put one inspected, hashed model file into the library (or note that it is there already).

Stored as-is by copy, move or hard link, or, for a pickled VAE with
``to_safetensors``, converted. A duplicate is never stored twice: the source path
is recorded as one more location of the cataloged file. Checkpoints then get
their baked-in VAE named, and with ``extract_vae`` that VAE written out.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from app.core.hashing.records import FileHashes
from app.core.identify import hashed_file_of
from app.core.inspection.records import KIND_CHECKPOINT, KIND_VAE, Inspection
from app.core.library.baked_in import match_fingerprint
from app.core.library.catalog_sync import forget_path, record_file
from app.core.library.context import ImportContext
from app.core.library.convert import CONVERTIBLE_FORMATS, conversion_metadata, safetensors_name
from app.core.library.destination import choose_destination, existing_copy
from app.core.library.extract import extract_vae
from app.core.library.layout import folder_for
from app.core.library.progress import FileMeter
from app.core.library.records import (
    ACTION_CONVERTED,
    ACTION_DUPLICATE,
    ACTION_IMPORTED,
    MODE_COPY,
    MODE_HARDLINK,
    MODE_MOVE,
    ImportOptions,
    ImportOutcome,
)
from app.core.library.staging import staged_safetensors
from app.core.library.transfer import LIBRARY, hardlink_file, move_file
from app.core.publish import copy_verified


def bring_in(
    ctx: ImportContext,
    path: Path,
    inspection: Inspection,
    hashes: FileHashes,
    fingerprint: str | None,
    options: ImportOptions,
    meter: FileMeter,
) -> list[ImportOutcome]:
    """Store or convert ``path``; for a checkpoint add its baked-in VAE (and extraction)."""
    if options.to_safetensors and convertible(path, inspection):
        main = _convert(ctx, path, hashes, fingerprint, options, meter)
    else:
        main = _store(ctx, path, inspection, hashes, fingerprint, options, meter)
    return with_baked_in(ctx, path, inspection, hashes, fingerprint, options, meter, main)


def with_baked_in(
    ctx: ImportContext,
    path: Path,
    inspection: Inspection,
    hashes: FileHashes,
    fingerprint: str | None,
    options: ImportOptions,
    meter: FileMeter,
    main: ImportOutcome,
) -> list[ImportOutcome]:
    """``main``, and for a checkpoint its baked-in VAE named (and extracted when asked)."""
    if inspection.kind != KIND_CHECKPOINT:
        return [main]
    baked_in = match_fingerprint(
        fingerprint, catalog=ctx.catalog, registry=ctx.registry, store=ctx.store,
        prefer_under=ctx.root, cancel=ctx.cancel,
    )  # fmt: skip
    main = dataclasses.replace(main, baked_in=baked_in)
    if not options.extract_vae:
        return [main]
    readable = main.dest if main.action == ACTION_IMPORTED and main.dest else path
    step = dataclasses.replace(ctx, progress=meter.step())
    return [main, extract_vae(step, path, hashes.sha256, baked_in, read_from=readable)]


def convertible(path: Path, inspection: Inspection) -> bool:
    """A pickled VAE that ``--to-safetensors`` rewrites."""
    return inspection.kind == KIND_VAE and inspection.format in CONVERTIBLE_FORMATS


def _library_name(path: Path) -> str:
    """A file keeps its name; a diffusers folder is named after itself (or its pipeline)."""
    if not path.is_dir():
        return path.name
    folder = path.parent if path.name.lower() == "vae" else path
    return folder.name + hashed_file_of(path).suffix


def _store(
    ctx: ImportContext,
    path: Path,
    inspection: Inspection,
    hashes: FileHashes,
    fingerprint: str | None,
    options: ImportOptions,
    meter: FileMeter,
) -> ImportOutcome:
    kind, sha = inspection.kind, hashes.sha256
    copy = existing_copy(ctx, sha, path)
    if copy is not None:
        note_source(ctx, path, inspection, hashes)
        return duplicate(path, kind, sha, copy)
    folder = folder_for(ctx.root, kind)
    folder.mkdir(parents=True, exist_ok=True)
    weights = _weights(path)
    dest, same = choose_destination(ctx, folder, _library_name(path), sha, weights.stat().st_size)
    if same:
        ctx.record_new(dest, hashes, fingerprint)
        note_source(ctx, path, inspection, hashes)
        return duplicate(path, kind, sha, dest)
    how = _place(ctx, path, weights, dest, sha, options.mode, meter)
    ctx.record_new(dest, hashes, fingerprint)
    if how == MODE_MOVE:
        forget_path(ctx.catalog, path)
    return ImportOutcome(path, ACTION_IMPORTED, dest, _HOW[how], kind, sha)


_HOW = {
    MODE_COPY: "copied",
    MODE_MOVE: "moved",
    MODE_HARDLINK: "hard-linked",
    "folder-copy": "copied (a diffusers folder is copied, never moved)",
}


def _weights(path: Path) -> Path:
    return hashed_file_of(path)


def _place(
    ctx: ImportContext,
    path: Path,
    weights: Path,
    dest: Path,
    sha: str,
    mode: str,
    meter: FileMeter,
) -> str:
    """Put the bytes at ``dest``; return how."""
    if mode == MODE_HARDLINK:
        hardlink_file(weights, dest)
        return MODE_HARDLINK
    if mode == MODE_MOVE and not path.is_dir():
        move_file(weights, dest, expected_sha256=sha, progress=meter.step(), cancel=ctx.cancel)
        return MODE_MOVE
    copy_verified(
        weights,
        dest,
        expected_sha256=sha,
        progress=meter.step(),
        cancel=ctx.cancel,
        where=LIBRARY,
    )
    return "folder-copy" if mode == MODE_MOVE else MODE_COPY


def note_source(ctx: ImportContext, path: Path, inspection: Inspection, hashes: FileHashes) -> None:
    """The existing entry gains the source as one more location."""
    weights = _weights(path) if path.is_dir() else None
    record_file(
        ctx.catalog, path, hashes=hashes, inspection=inspection, registry=ctx.registry,
        weights_path=weights,
    )  # fmt: skip


def duplicate(path: Path, kind: str, sha: str, copy: Path) -> ImportOutcome:
    """The outcome of a file whose bytes the library (or an install) has already."""
    reason = f"same SHA-256 as {copy}; not stored twice (the source was left in place)"
    return ImportOutcome(path, ACTION_DUPLICATE, copy, reason, kind, sha)


def _convert(
    ctx: ImportContext,
    path: Path,
    hashes: FileHashes,
    fingerprint: str | None,
    options: ImportOptions,
    meter: FileMeter,
) -> ImportOutcome:
    folder = folder_for(ctx.root, KIND_VAE)
    folder.mkdir(parents=True, exist_ok=True)
    from app.core.inspection.safe_load import load_state_dict  # pickle scanners: torch files only

    tensors = load_state_dict(path)
    name = safetensors_name(_library_name(path))
    metadata = conversion_metadata(_weights(path), hashes.sha256)
    with staged_safetensors(
        tensors, folder / name, metadata, progress=meter.step(), cancel=ctx.cancel
    ) as staged:
        new = staged.hashes
        copy = existing_copy(ctx, new.sha256)
        if copy is not None:
            return duplicate(path, KIND_VAE, new.sha256, copy)
        dest, same = choose_destination(ctx, folder, name, new.sha256, staged.size)
        if same:
            ctx.record_new(dest, new, fingerprint)
            return duplicate(path, KIND_VAE, new.sha256, dest)
        staged.publish(dest)
    ctx.record_new(dest, new, fingerprint)
    reason = "converted and verified tensor by tensor; the original was kept"
    if options.mode == MODE_MOVE and not path.is_dir():
        os.unlink(path)
        forget_path(ctx.catalog, path)
        reason = "converted and verified tensor by tensor; the original was removed (--move)"
    return ImportOutcome(path, ACTION_CONVERTED, dest, reason, KIND_VAE, new.sha256)
