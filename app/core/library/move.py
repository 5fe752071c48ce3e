"""Move the whole library to another folder (a bigger drive), safely and resumably.

File by file: the new copy is made first (a rename or hard link on one drive, a
verified copy across drives), then the catalog and the app's links are pointed
at it, and only then is the old name removed. The target's marker records where
the move came from and the settings already name the target, so after a crash
or a cancel, running the same move again finishes it; at every moment each
catalog path and link points at a complete file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.core.catalog.store import Catalog
from app.core.errors import UserError
from app.core.hashing.hasher import hash_file
from app.core.library.catalog_sync import relocate, relocate_roots
from app.core.library.layout import (
    MARKER,
    Marker,
    check_library_root,
    ensure_library,
    is_library,
    read_marker,
    write_marker,
)
from app.core.library.naming import candidate_names, is_temp_name
from app.core.library.records import MoveReport
from app.core.library.relink import follow_move
from app.core.library.settings import library_root, set_library_root
from app.core.library.transfer import LIBRARY
from app.core.linking import LinkStore
from app.core.publish import copy_verified, publish_no_replace, same_drive, sweep_abandoned
from app.core.tasks import CancelToken, ProgressCallback, no_progress


@dataclass
class _Run:
    catalog: Catalog
    links: LinkStore
    progress: ProgressCallback
    cancel: CancelToken | None
    total: int
    done: int = 0
    moved: int = 0
    moved_bytes: int = 0
    repointed: int = 0
    left: list[tuple[Path, str]] = field(default_factory=list)


def move_library(
    new_dir: Path,
    *,
    catalog: Catalog,
    links: LinkStore | None = None,
    progress: ProgressCallback = no_progress,
    on_file: Callable[[Path], None] | None = None,
    cancel: CancelToken | None = None,
) -> MoveReport:
    """Move the library to ``new_dir`` (or finish an interrupted move there)."""
    new = Path(os.path.abspath(new_dir))
    old = _start(new)
    files = _files_under(old) if old.is_dir() else []
    run = _Run(catalog, links or LinkStore(), progress, cancel, sum(_size(f) for f in files))
    progress(0, run.total)
    for source in files:
        if cancel is not None:
            cancel.raise_if_cancelled()
        if on_file is not None:
            on_file(source)
        _move_one(run, source, new / source.relative_to(old))
    relocate_roots(catalog, old, new)
    _remove_empty(old)
    write_marker(new, Marker())
    return MoveReport(old, new, run.moved, run.moved_bytes, run.repointed, tuple(run.left))


def _start(new: Path) -> Path:
    """Check the target, mark it, and make it the library; return the folder to empty."""
    current = Path(os.path.abspath(library_root()))
    check_library_root(new)  # before anything is written, also when finishing a move
    marker = read_marker(new) if new.is_dir() else None
    if marker is not None and marker.moving_from:
        old = Path(marker.moving_from)  # an interrupted move: finish it
    else:
        unfinished = read_marker(current) if current.is_dir() else None
        if unfinished is not None and unfinished.moving_from:
            raise UserError(
                f"a move into {current} is unfinished; run `library move {current}` first"
            )
        if new == current:
            raise UserError(f"the library is already at {new}")
        _check_target(current, new)
        old = current
        new.mkdir(parents=True, exist_ok=True)
        write_marker(new, Marker(moving_from=str(old)))
    ensure_library(new)
    set_library_root(new)
    return old


def _check_target(old: Path, new: Path) -> None:
    if _inside(new, old) or _inside(old, new):
        raise UserError(f"cannot move the library from {old} to {new}: one is inside the other")
    if new.exists() and not new.is_dir():
        raise UserError(f"{new} is a file, not a folder")
    if new.is_dir() and any(new.iterdir()) and not is_library(new):
        raise UserError(f"{new} is not empty and is not a VAE Manager library; choose another")


def _inside(path: Path, folder: Path) -> bool:
    return str(path).startswith(str(folder) + os.sep)


def _files_under(root: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        sweep_abandoned(Path(dirpath))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if is_temp_name(name) or (path.parent == root and name == MARKER):
                continue
            found.append(path)
    return found


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0


def _move_one(run: _Run, source: Path, dest: Path) -> None:
    """New name first, then the catalog and links, then the old name goes."""
    size = _size(source)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest = _put(run, source, dest)
    except (OSError, UserError) as exc:
        run.left.append((source, str(exc)))
        return
    relocate(run.catalog, source, dest)
    run.repointed += follow_move(run.links, source, dest)
    if os.path.lexists(source):
        os.unlink(source)
    run.moved += 1
    run.moved_bytes += size
    run.done += size
    run.progress(run.done, run.total)


def _put(run: _Run, source: Path, dest: Path) -> Path:
    """Make ``dest`` hold ``source``'s bytes (a free name if another file has it); return it."""
    for name in candidate_names(dest.name):
        target = dest.with_name(name)
        if not os.path.lexists(target):
            _transfer(run, source, target)
            return target
        if _same_content(source, target):
            return target  # done before an interruption
    raise UserError(f"no free name for {dest.name} in {dest.parent}")


def _transfer(run: _Run, source: Path, target: Path) -> None:
    if os.path.islink(source):
        os.symlink(os.readlink(source), target)
        return
    if same_drive(source, target.parent):
        try:
            os.link(source, target)  # the old name stays until the catalog follows
        except FileExistsError:
            raise
        except OSError:
            publish_no_replace(source, target)  # no hard links on this drive
        return
    base = run.done
    copy_verified(
        source,
        target,
        progress=lambda done, _total: run.progress(base + done, run.total),
        cancel=run.cancel,
        where=LIBRARY,
    )


def _same_content(source: Path, target: Path) -> bool:
    try:
        a, b = source.stat(), target.stat()
    except OSError:
        return False
    if os.path.samestat(a, b):
        return True
    if a.st_size != b.st_size:
        return False
    return hash_file(source, blake3=False).sha256 == hash_file(target, blake3=False).sha256


def _remove_empty(root: Path) -> None:
    """Remove the old library's emptied folders and marker (never a file with content)."""
    if not root.is_dir():
        return
    for dirpath, _dirnames, _filenames in os.walk(root, topdown=False):
        folder = Path(dirpath)
        if folder == root:
            (root / MARKER).unlink(missing_ok=True)
        try:
            folder.rmdir()
        except OSError:
            continue  # not empty: something could not be moved, and is reported
