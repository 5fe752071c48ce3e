"""File names in the library: never overwrite, so a clash gets the next free variant."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from app.core.library.layout import TEMP_SUFFIX

# ".vae.pt" style names pair a VAE with a checkpoint in A1111; keep the pair suffix whole.
_COMPOUND = (".vae.safetensors", ".vae.ckpt", ".vae.pt", ".vae.pth", ".vae.bin")
MAX_VARIANTS = 1000


def split_name(name: str) -> tuple[str, str]:
    """``("model", ".vae.pt")``: the stem and the suffix a numbered variant goes before."""
    lowered = name.lower()
    for compound in _COMPOUND:
        if lowered.endswith(compound) and len(name) > len(compound):
            return name[: -len(compound)], name[-len(compound) :]
    path = Path(name)
    return path.stem, path.suffix


def candidate_names(name: str) -> Iterator[str]:
    """``name``, then ``stem-2.ext``, ``stem-3.ext``, ... (a bounded number of them)."""
    yield name
    stem, suffix = split_name(name)
    for number in range(2, MAX_VARIANTS):
        yield f"{stem}-{number}{suffix}"


def temp_path_for(final: Path) -> Path:
    """The hidden name a file is written under until it is complete and verified."""
    return final.with_name(f".{final.name}{TEMP_SUFFIX}")


def is_temp_name(name: str) -> bool:
    """Whether ``name`` is one of the import's temporary files."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)
