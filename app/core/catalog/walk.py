"""Find model files and diffusers folders under the folders a user points at.

Only directory entries and ``stat`` are touched here, never file contents, so
walking an unchanged library costs one ``stat`` per model. Directory symlinks
are followed (people link model folders between UIs) unless they lead back to
a folder above them, which would loop forever.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import NamedTuple

from app.core.inspection.formats import DIFFUSERS_WEIGHTS
from app.core.tasks import CancelToken

MODEL_EXTENSIONS = frozenset({".safetensors", ".sft", ".ckpt", ".pt", ".pth", ".bin"})
# A diffusers component folder is config.json plus one of DIFFUSERS_WEIGHTS (first wins).
SKIPPED_DIRS = frozenset({"__pycache__", "node_modules"})
VENV_MARKER = "pyvenv.cfg"

ISSUE_UNREADABLE = "unreadable-folder"
ISSUE_BROKEN_LINK = "broken-link"
ISSUE_STAT_FAILED = "unreadable"
ISSUE_NO_ROOT = "folder-not-found"


class StatKey(NamedTuple):
    """The stat facts that say whether a file's bytes may have changed.

    A tuple (not a dataclass) because a rescan builds one per file and speed is
    the point there.
    """

    dev: int
    ino: int
    size: int
    mtime_ns: int
    nlink: int

    @classmethod
    def of(cls, st: os.stat_result) -> StatKey:
        """The key of a ``stat`` result (of the file itself, links followed)."""
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_nlink)

    @property
    def identity(self) -> tuple[int, int, int, int]:
        """Device, inode, size and mtime: equal means the same unchanged bytes."""
        return self[:4]


class Found(NamedTuple):
    """One model: a file, or a diffusers folder identified by its weights file."""

    path: str
    weights_path: str
    is_folder: bool
    is_symlink: bool
    root: str
    stat: StatKey


@dataclass(frozen=True)
class WalkIssue:
    """A folder or entry the walk could not read; ``fatal`` ones are scan errors."""

    path: str
    code: str
    message: str
    fatal: bool


@dataclass
class WalkResult:
    """Everything found, plus what could not be looked into."""

    found: list[Found] = field(default_factory=list)
    issues: list[WalkIssue] = field(default_factory=list)
    # Folders whose contents are unknown: their old locations must not turn missing.
    unknown_dirs: list[str] = field(default_factory=list)


def walk_roots(roots: list[str], cancel: CancelToken | None = None) -> WalkResult:
    """Walk each root (absolute paths) and return the models found in a stable order."""
    result = WalkResult()
    for root in roots:
        if os.path.isdir(root):
            _walk_tree(root, result, cancel)
        elif os.path.isfile(root):
            _add_file(root, root, os.path.islink(root), result)
        else:
            result.unknown_dirs.append(root)
            result.issues.append(
                WalkIssue(root, ISSUE_NO_ROOT, "folder not found (unplugged drive?)", fatal=True)
            )
    return result


def _walk_tree(root: str, result: WalkResult, cancel: CancelToken | None) -> None:
    top = os.stat(root)
    stack: list[tuple[str, frozenset[tuple[int, int]]]] = [
        (root, frozenset({(top.st_dev, top.st_ino)}))
    ]
    while stack:
        if cancel is not None:
            cancel.raise_if_cancelled()
        folder, ancestors = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            result.unknown_dirs.append(folder)
            result.issues.append(
                WalkIssue(folder, ISSUE_UNREADABLE, f"cannot list folder: {_why(exc)}", True)
            )
            continue
        subdirs = _scan_folder(folder, entries, root, result)
        for entry in reversed(subdirs):
            _push_subdir(entry, ancestors, stack, result)


def _scan_folder(
    folder: str, entries: list[os.DirEntry[str]], root: str, result: WalkResult
) -> list[os.DirEntry[str]]:
    """Record the models in one folder and return its subfolders to descend into."""
    names = {e.name for e in entries}
    weights = _diffusers_weights(folder, names)
    if weights is not None:
        _add_folder(folder, weights, root, result)
    subdirs = []
    for entry in entries:
        if entry.name == weights:
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if _wanted_dir(entry):
                subdirs.append(entry)
        elif os.path.splitext(entry.name)[1].lower() in MODEL_EXTENSIONS:
            _add_file(entry.path, root, entry.is_symlink(), result, entry)
    return subdirs


def _push_subdir(
    entry: os.DirEntry[str],
    ancestors: frozenset[tuple[int, int]],
    stack: list[tuple[str, frozenset[tuple[int, int]]]],
    result: WalkResult,
) -> None:
    try:
        st = entry.stat()
    except OSError as exc:
        result.unknown_dirs.append(entry.path)
        result.issues.append(
            WalkIssue(entry.path, ISSUE_UNREADABLE, f"cannot open folder: {_why(exc)}", True)
        )
        return
    key = (st.st_dev, st.st_ino)
    if key in ancestors:  # a link back up the tree: following it would never end
        return
    stack.append((entry.path, ancestors | {key}))


def _wanted_dir(entry: os.DirEntry[str]) -> bool:
    if entry.name.startswith(".") or entry.name in SKIPPED_DIRS:
        return False
    return not os.path.exists(os.path.join(entry.path, VENV_MARKER))


def _diffusers_weights(folder: str, names: set[str]) -> str | None:
    if "config.json" not in names:
        return None
    for name in DIFFUSERS_WEIGHTS:
        if name in names and os.path.isfile(os.path.join(folder, name)):
            return name
    return None


def _add_file(
    path: str,
    root: str,
    is_symlink: bool,
    result: WalkResult,
    entry: os.DirEntry[str] | None = None,
) -> None:
    try:
        st = entry.stat() if entry is not None else os.stat(path)
    except FileNotFoundError:
        result.issues.append(
            WalkIssue(path, ISSUE_BROKEN_LINK, "symbolic link to a file that is gone", False)
        )
        return
    except OSError as exc:
        result.issues.append(WalkIssue(path, ISSUE_STAT_FAILED, _why(exc), True))
        return
    result.found.append(Found(path, path, False, is_symlink, root, StatKey.of(st)))


def _add_folder(folder: str, weights: str, root: str, result: WalkResult) -> None:
    weights_path = os.path.join(folder, weights)
    try:
        st = os.stat(weights_path)
    except OSError as exc:
        result.issues.append(WalkIssue(weights_path, ISSUE_STAT_FAILED, _why(exc), True))
        return
    linked = os.path.islink(folder) or os.path.islink(weights_path)
    result.found.append(Found(folder, weights_path, True, linked, root, StatKey.of(st)))


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)
