"""Pickled VAEs (``.ckpt``/``.pt``) to ``.safetensors``, without ever trusting the pickle.

The tensors come only through the safe loader (opcode allow-list plus
``weights_only``). Non-tensor entries (training step counters and the like) are
dropped, every tensor is kept with its dtype, and the result is read back tensor
by tensor before it is published. The original is never modified or deleted
here: keeping it costs disk space, losing it could cost the user's only copy.
"""

from __future__ import annotations

from pathlib import Path

from app.core.errors import UserError
from app.core.hashing.records import FileHashes
from app.core.inspection import formats
from app.core.inspection.tensor_layout import first_unsupported
from app.core.library.naming import split_name
from app.core.library.staging import staged_safetensors
from app.core.tasks import CancelToken, ProgressCallback, no_progress

CONVERTIBLE_FORMATS = (formats.FORMAT_TORCH_ZIP, formats.FORMAT_TORCH_PICKLE)


def safetensors_name(name: str) -> str:
    """``foo.vae.pt`` -> ``foo.vae.safetensors``; ``foo.ckpt`` -> ``foo.safetensors``."""
    stem, suffix = split_name(name)
    if suffix.lower().startswith(".vae."):
        return f"{stem}.vae.safetensors"
    return f"{stem}.safetensors"


def conversion_metadata(source: Path, sha256: str) -> dict[str, str]:
    """What the converted file says about where it came from."""
    return {"vaem_converted_from": source.name, "vaem_source_sha256": sha256}


def convert_to_safetensors(
    source: Path,
    dest: Path,
    *,
    source_sha256: str,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> FileHashes:
    """Write ``source``'s tensors to ``dest`` (must not exist), verified; return its hashes."""
    if formats.sniff(source) not in CONVERTIBLE_FORMATS:
        raise UserError(f"{source.name} is not a pickled torch file; nothing to convert")
    from app.core.inspection.safe_load import load_state_dict  # pickle scanners: torch files only

    tensors = load_state_dict(source)
    reason = first_unsupported(tensors)  # meta/sparse tensors: nothing to write
    if reason is not None:
        raise UserError(f"cannot convert {source.name} to safetensors: {reason}")
    metadata = conversion_metadata(source, source_sha256)
    with staged_safetensors(tensors, dest, metadata, progress=progress, cancel=cancel) as staged:
        staged.publish()
        return staged.hashes
