"""Which A1111-family install a model file belongs to, without a full discovery scan.

A file in ``<root>/models/VAE/...`` or ``<root>/models/Stable-diffusion/...`` has its
install root a few folders up; one redirected elsewhere (``--vae-dir``,
``--ckpt-dir``) is found through the installs the user added by hand. Used where an
action names a file rather than an install (pair, unlink's default guard).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from app.core.errors import UserError
from app.core.installs.listing import path_key
from app.core.installs.records import Folder, Install

ANCESTORS = 6  # <root>/models/VAE/<sub>/<sub>/file: the root is within six levels


def installs_near(paths: Sequence[Path]) -> list[Install]:
    """The installs found above ``paths`` and those the user added by hand (deduplicated)."""
    from app.core.installs import recognize
    from app.core.installs.remembered import RememberedInstalls

    roots: dict[str, Path] = {}
    for path in paths:
        for parent in list(Path(os.path.abspath(path)).parents)[:ANCESTORS]:
            if (parent / "webui.py").is_file() or (parent / "webui" / "webui.py").is_file():
                roots.setdefault(path_key(parent), parent)
    for added in RememberedInstalls().load().added:
        roots.setdefault(path_key(Path(added)), Path(added))
    found: list[Install] = []
    for root in roots.values():
        try:
            found += recognize(root)
        except (OSError, UserError):
            continue
    return unique(found)


def install_for_checkpoint(checkpoint: Path, installs: Sequence[Install] | None = None) -> Install:
    """The install whose checkpoint folders hold ``checkpoint``; UserError if none does."""
    candidates = installs if installs is not None else installs_near([checkpoint])
    for install in candidates:
        if in_folders(checkpoint, install.checkpoint_dirs):
            return install
    raise UserError(
        f"{checkpoint} is not in the checkpoint folder of a known AUTOMATIC1111, Forge or "
        "reForge install; add the install (installs add PATH) or name it with --install."
    )


def in_folders(path: Path, folders: Iterable[Folder]) -> bool:
    """Whether ``path`` lies in (a subfolder of) one of ``folders``; the file is not resolved."""
    try:
        key = os.path.join(path_key(Path(os.path.abspath(path)).parent), Path(path).name)
    except ValueError:
        return False
    return any(key.startswith(path_key(f.path).rstrip(os.sep) + os.sep) for f in folders)


def unique(installs: Iterable[Install]) -> list[Install]:
    """Each install root once, in the order first met."""
    seen: set[str] = set()
    out = []
    for install in installs:
        key = path_key(install.root)
        if key not in seen:
            seen.add(key)
            out.append(install)
    return out
