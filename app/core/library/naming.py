"""File names in the library: never overwrite, so a clash gets the next free variant.

Every name made here fits NAME_MAX (255 bytes on ext4, btrfs, XFS and APFS; 255
UTF-16 units on NTFS, never more than the UTF-8 bytes): a temp name for a long
file gets a short hash instead of the full name, a numbered variant shortens its
stem, and a final name that cannot fit is refused with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from app.core.errors import UserError
from app.core.publish.temp import NAME_MAX, fit_name, is_temp_name, temp_path_for

# ".vae.pt" style names pair a VAE with a checkpoint in A1111; keep the pair suffix whole.
_COMPOUND = (".vae.safetensors", ".vae.ckpt", ".vae.pt", ".vae.pth", ".vae.bin")
MAX_VARIANTS = 1000
__all__ = ["NAME_MAX", "candidate_names", "is_temp_name", "split_name", "temp_path_for"]


def name_bytes(name: str) -> int:
    """How many bytes ``name`` takes on disk (as the OS encodes it)."""
    return len(os.fsencode(name))


def check_name_fits(name: str) -> None:
    """UserError when ``name`` is longer than a file name may be."""
    if name_bytes(name) > NAME_MAX:
        shown = name if len(name) <= 60 else f"{name[:40]}...{name[-16:]}"
        raise UserError(
            f"the file name {shown!r} is {name_bytes(name)} bytes long, more than the "
            f"{NAME_MAX} a file name may have; rename it and try again"
        )


def split_name(name: str) -> tuple[str, str]:
    """``("model", ".vae.pt")``: the stem and the suffix a numbered variant goes before."""
    lowered = name.lower()
    for compound in _COMPOUND:
        if lowered.endswith(compound) and len(name) > len(compound):
            return name[: -len(compound)], name[-len(compound) :]
    path = Path(name)
    return path.stem, path.suffix


def candidate_names(name: str) -> Iterator[str]:
    """``name``, then ``stem-2.ext``, ``stem-3.ext``, ... (a bounded number of them).

    Raises UserError (on the first ``next``) when ``name`` itself is too long; a
    variant that would be too long is made with a shortened stem.
    """
    check_name_fits(name)
    yield name
    stem, suffix = split_name(name)
    for number in range(2, MAX_VARIANTS):
        yield _shorten(stem, f"-{number}{suffix}")


def _shorten(stem: str, tail: str) -> str:
    """``stem + tail`` fitting NAME_MAX, with room for a temp name's leading dot."""
    return fit_name(stem, tail, reserve=1)
