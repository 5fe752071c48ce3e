"""Where a file goes in the library, and whether the library (or any install) has it already."""

from __future__ import annotations

import os
from pathlib import Path

from app.core.library.catalog_sync import present_copies
from app.core.library.context import ImportContext
from app.core.library.naming import candidate_names


def existing_copy(ctx: ImportContext, sha256: str, source: Path | None = None) -> Path | None:
    """A cataloged, present file with these bytes (library copies first), other than ``source``."""
    copies = present_copies(ctx.catalog, sha256, besides=source)
    root = os.path.abspath(ctx.root) + os.sep
    inside = [p for p in copies if os.path.abspath(p).startswith(root)]
    found = inside or copies
    return found[0] if found else None


def choose_destination(
    ctx: ImportContext, folder: Path, name: str, sha256: str, size: int
) -> tuple[Path, bool]:
    """``(path, same)``: the first free name, or a same-named file already holding these bytes.

    A name taken by other bytes is never overwritten: the next variant
    (``name-2.ext``, ...) is tried instead.
    """
    for candidate in candidate_names(name):
        path = folder / candidate
        if not os.path.lexists(path):
            return path, False
        if _holds(ctx, path, sha256, size):
            return path, True
    raise OSError(f"no free file name for {name} in {folder}")


def _holds(ctx: ImportContext, path: Path, sha256: str, size: int) -> bool:
    try:
        if not path.is_file() or path.stat().st_size != size:
            return False
        return ctx.hashes_of(path).sha256 == sha256
    except OSError:
        return False
