"""The VAE names an A1111-family install lists, keyed the way the webui keys them.

A1111 fills ``vae_dict`` in ``refresh_vae_list`` (AUTOMATIC1111 ``modules/sd_vae.py``
at 45b8a499 = v1.8.0): recursive globs of ``*.vae.ckpt|pt|safetensors`` under the
checkpoint folders and ``*.ckpt|pt|safetensors`` under ``models/VAE`` and
``--vae-dir``, each keyed by its basename (a later file with the same basename
wins). ``sd_vae`` and a checkpoint's user-metadata ``vae`` name such a key, so
"does this name still resolve" is answered against this list. Forge 2 keys its
VAE / text-encoder list the same way (``modules_forge/main_entry.py``
``refresh_models``: ``os.walk`` of the VAE and text-encoder folders, suffixes
``ckpt pt bin safetensors gguf``) but stores paths.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.core.installs.records import Folder, Install

VAE_SUFFIXES = (".ckpt", ".pt", ".safetensors")
SIDECAR_SUFFIXES = tuple(f".vae{s}" for s in VAE_SUFFIXES)
FORGE2_MODULE_SUFFIXES = (".ckpt", ".pt", ".bin", ".safetensors", ".gguf")
_MAX_FILES = 100_000  # a VAE folder holds tens; this only bounds a mistaken huge folder


def vae_list(install: Install) -> dict[str, Path]:
    """``basename -> path`` of every file the install offers in its VAE dropdown.

    In A1111's order (which decides the "VAE near the checkpoint" prefix match):
    the default checkpoint folder's ``*.vae.*`` files, ``models/VAE``, then
    ``--ckpt-dir`` and ``--vae-dir``, one glob pattern after another; a basename
    seen again keeps its place and takes the later path, as ``dict`` assignment does.
    """
    found: dict[str, Path] = {}
    ckpt_default, ckpt_flag = _split(install.checkpoint_dirs, "--ckpt-dir")
    vae_default, vae_flag = _split(install.vae_dirs, "--vae-dir")
    for folders, suffixes in (
        (ckpt_default, SIDECAR_SUFFIXES),
        (vae_default, VAE_SUFFIXES),
        (ckpt_flag, SIDECAR_SUFFIXES),
        (vae_flag, VAE_SUFFIXES),
    ):
        for folder in folders:
            for suffix in suffixes:
                _collect(folder, (suffix,), found)
    return found


def _split(folders: tuple[Folder, ...], flag: str) -> tuple[list[Path], list[Path]]:
    """(default folders, folders a launcher flag added)."""
    flagged = [f.path for f in folders if f.source.startswith(flag)]
    return [f.path for f in folders if not f.source.startswith(flag)], flagged


def forge2_module_list(install: Install) -> dict[str, Path]:
    """``basename -> path`` of Forge 2's VAE / text-encoder choices (VAE folders only here)."""
    found: dict[str, Path] = {}
    for vae in install.vae_dirs:
        _collect(vae.path, FORGE2_MODULE_SUFFIXES, found)
    return found


def _case(name: str) -> str:
    """Globs match case-sensitively except on Windows."""
    return name.lower() if os.name == "nt" else name


def _collect(root: Path, suffixes: tuple[str, ...], found: dict[str, Path]) -> None:
    """Add matching files under ``root`` (recursive, symlinked folders followed once)."""
    seen: set[tuple[int, int]] = set()
    count = 0
    for folder, dirs, files in os.walk(root, followlinks=True):
        try:
            st = os.stat(folder)
        except OSError:
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = [d for d in dirs if not d.startswith(".")]  # glob skips hidden names
        for name in sorted(files):
            count += 1
            if count > _MAX_FILES:
                return
            if not name.startswith(".") and _case(name).endswith(suffixes):
                found[name] = Path(folder) / name
