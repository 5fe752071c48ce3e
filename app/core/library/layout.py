"""The library's shape on disk: ``VAE/``, ``checkpoints/`` and a small marker file.

The marker says "this folder is a VAE Manager library"; moving the library refuses
any non-empty target without it, and records in it where an unfinished move came
from, so running the same move again finishes it.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserError
from app.core.inspection.records import KIND_CHECKPOINT, KIND_VAE
from app.core.library.records import LibraryInfo
from app.core.library.settings import library_root
from app.core.paths import app_paths
from app.core.publish import write_json_atomic
from app.core.write_roots import check_write_folder

VAE_DIR = "VAE"
CHECKPOINTS_DIR = "checkpoints"
MARKER = ".vae-manager-library.json"

_FOLDER_FOR_KIND: dict[str, str] = {KIND_VAE: VAE_DIR, KIND_CHECKPOINT: CHECKPOINTS_DIR}


@dataclass(frozen=True)
class Marker:
    """The marker's content: a format version and an unfinished move's source, if any."""

    version: int = 1
    moving_from: str | None = None


def folder_for(root: Path, kind: str) -> Path:
    """Where files of ``kind`` (vae or checkpoint) go inside the library at ``root``.

    Raises UserError when ``root`` is no place for a library (``/``, a drive root,
    a system folder): a hand-edited setting must not make the app write there.
    """
    check_library_root(root)
    return root / _FOLDER_FOR_KIND[kind]


def library_vae_dir() -> Path:
    """The library's VAE folder, wherever the user put the library (reads settings).

    The one place this is computed: downloads, scans, the window and the self-test
    all ask here. UserError as for :func:`folder_for`.
    """
    return folder_for(library_root(), KIND_VAE)


def library_checkpoint_dir() -> Path:
    """The library's checkpoint folder (see :func:`library_vae_dir`)."""
    return folder_for(library_root(), KIND_CHECKPOINT)


def check_library_root(root: Path) -> None:
    """UserError when ``root`` may not hold the library (see :mod:`app.core.write_roots`)."""
    check_write_folder(root, "the library")


def ensure_library(root: Path) -> Path:
    """Create the library folders and marker if missing; raise UserError if impossible."""
    check_library_root(root)
    try:
        for name in (VAE_DIR, CHECKPOINTS_DIR):
            (root / name).mkdir(parents=True, exist_ok=True)
        if not (root / MARKER).exists():
            write_marker(root, Marker())
    except OSError as exc:
        raise UserError(f"cannot use {root} as the library: {exc.strerror or exc}") from exc
    return root


def read_marker(root: Path) -> Marker | None:
    """The marker of a library folder, or None when ``root`` is not a library."""
    try:
        data = json.loads((root / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    moving = data.get("moving_from")
    return Marker(int(data.get("version", 1)), moving if isinstance(moving, str) else None)


def write_marker(root: Path, marker: Marker) -> None:
    """Write the marker atomically."""
    data = {"app": "VAE Manager", "version": marker.version, "moving_from": marker.moving_from}
    data["written"] = time.time()
    write_json_atomic(root / MARKER, data)


def is_library(root: Path) -> bool:
    """Whether ``root`` holds a marker, or nothing but the library's own folders."""
    if read_marker(root) is not None:
        return True
    try:
        names = set(os.listdir(root))
    except OSError:
        return False
    return bool(names) and names <= {VAE_DIR, CHECKPOINTS_DIR}


def library_info(root: Path | None = None) -> LibraryInfo:
    """The library folder and how many files and bytes each subfolder holds."""
    root = root or library_root()
    vae_files, vae_bytes = _count(root / VAE_DIR)
    ckpt_files, ckpt_bytes = _count(root / CHECKPOINTS_DIR)
    marker = read_marker(root)
    moving = marker.moving_from if marker else None
    return LibraryInfo(
        root=root,
        is_default=os.path.abspath(root) == os.path.abspath(app_paths().library_dir),
        vae_files=vae_files,
        vae_bytes=vae_bytes,
        checkpoint_files=ckpt_files,
        checkpoint_bytes=ckpt_bytes,
        moving_from=Path(moving) if moving else None,
    )


def _count(folder: Path) -> tuple[int, int]:
    files = total = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith("."):
                continue
            try:
                total += os.stat(os.path.join(dirpath, name)).st_size
            except OSError:
                continue
            files += 1
    return files, total
