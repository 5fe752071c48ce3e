"""What a scan with no folders named covers: the library and every install's model folders.

One function for both fronts, so the window's rescan and ``scan`` with no paths
catalog the same folders: the library's ``VAE/`` and ``checkpoints/``, each
discovered install's VAE *and* checkpoint folders (a checkpoint carries a baked-in
VAE, and the UIs' hash caches cover checkpoints too), then any extra roots.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.installs.records import Install


def default_scan_roots(
    installs: Iterable[Install],
    extra_roots: Sequence[Path] = (),
    *,
    library: Path | None = None,
) -> list[Path]:
    """The folders to scan, in order, each once; reads settings and the disk (worker).

    The library's two folders are always listed (create them first, e.g. with
    :func:`app.core.library.layout.ensure_library`); an install's folder or an
    extra root that is not a folder now is left out rather than reported as a
    failure. ``library`` defaults to the user's library; UserError when it is no
    place for one (see :func:`app.core.library.layout.folder_for`).
    """
    from app.core.inspection.records import KIND_CHECKPOINT, KIND_VAE
    from app.core.library.layout import folder_for
    from app.core.library.settings import library_root

    root = library if library is not None else library_root()
    roots = [folder_for(root, KIND_VAE), folder_for(root, KIND_CHECKPOINT)]
    others = [f.path for i in installs for f in (*i.vae_dirs, *i.checkpoint_dirs)]
    roots += [p for p in [*others, *extra_roots] if Path(p).is_dir()]
    return list(dict.fromkeys(Path(p) for p in roots))
