"""Write a checkpoint's VAE to ``VAE/`` as a standalone ``.safetensors`` (``--extract-vae``).

The ``first_stage_model.`` tensors are written with the prefix stripped and
otherwise untouched (layout and dtype as in the checkpoint), named
``<checkpoint>.vae.safetensors`` (A1111 pairs that name with its checkpoint),
with metadata saying where they came from. Nothing is written when a cataloged
VAE has the same decoder fingerprint, or when the result's bytes exist already.
"""

from __future__ import annotations

from pathlib import Path

from app.core.inspection.records import KIND_VAE
from app.core.library.context import ImportContext
from app.core.library.destination import choose_destination, existing_copy
from app.core.library.fingerprint import CHECKPOINT_PREFIX, FINGERPRINT_VERSION
from app.core.library.layout import folder_for
from app.core.library.naming import split_name
from app.core.library.records import (
    ACTION_DUPLICATE,
    ACTION_EXTRACTED,
    ACTION_SKIPPED,
    BakedInVae,
    ImportAction,
    ImportOutcome,
)
from app.core.library.staging import staged_safetensors
from app.core.library.tensors import open_tensors


def extracted_name(checkpoint: Path) -> str:
    """``model.safetensors`` -> ``model.vae.safetensors``."""
    return f"{split_name(checkpoint.name)[0]}.vae.safetensors"


def extraction_metadata(checkpoint: Path, sha256: str, fingerprint: str) -> dict[str, str]:
    """Provenance written into the extracted file."""
    return {
        "vaem_extracted_from": checkpoint.name,
        "vaem_source_sha256": sha256,
        "vaem_decoder_fingerprint": fingerprint,
        "vaem_fingerprint_version": FINGERPRINT_VERSION,
    }


def extract_vae(
    ctx: ImportContext,
    checkpoint: Path,
    sha256: str,
    baked_in: BakedInVae,
    *,
    read_from: Path | None = None,
) -> ImportOutcome:
    """Extract the VAE of ``checkpoint`` unless the library or catalog already has it.

    ``read_from`` is where the checkpoint's bytes are now (its library copy after a move).
    """
    fingerprint = baked_in.fingerprint
    if fingerprint is None:
        return _outcome(checkpoint, ACTION_SKIPPED, None, "the checkpoint holds no VAE decoder")
    if baked_in.known:
        known = f" [registry id {baked_in.official_id}]" if baked_in.official_id else ""
        reason = f"its VAE equals {baked_in.label}{known}; not stored again"
        return _outcome(checkpoint, ACTION_DUPLICATE, baked_in.path, reason, baked_in.sha256)
    with open_tensors(read_from or checkpoint) as source:
        keys = [k for k in source.keys if k.startswith(CHECKPOINT_PREFIX)]
        tensors = {k[len(CHECKPOINT_PREFIX) :]: v for k, v in source.read(keys, ctx.cancel).items()}
    folder = folder_for(ctx.root, KIND_VAE)
    name = extracted_name(checkpoint)
    metadata = extraction_metadata(checkpoint, sha256, fingerprint)
    with staged_safetensors(
        tensors, folder / name, metadata, progress=ctx.progress, cancel=ctx.cancel
    ) as staged:
        new_sha = staged.hashes.sha256
        copy = existing_copy(ctx, new_sha)
        if copy is not None:
            return _outcome(checkpoint, ACTION_DUPLICATE, copy, "extracted before", new_sha)
        dest, same = choose_destination(ctx, folder, name, new_sha, staged.size)
        if same:
            ctx.record_new(dest, staged.hashes, fingerprint)
            return _outcome(checkpoint, ACTION_DUPLICATE, dest, "extracted before", new_sha)
        staged.publish(dest)
    ctx.record_new(dest, staged.hashes, fingerprint)
    return _outcome(checkpoint, ACTION_EXTRACTED, dest, "the checkpoint's own VAE", new_sha)


def _outcome(
    path: Path, action: ImportAction, dest: Path | None, reason: str, sha256: str | None = None
) -> ImportOutcome:
    return ImportOutcome(path, action, dest, reason, KIND_VAE, sha256)
