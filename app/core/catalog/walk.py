"""Find model files and diffusers folders under the folders a user points at.

Only directory entries and ``stat`` are touched here, never file contents, so
walking an unchanged library costs one ``stat`` per model. Directory symlinks
are followed (people link model folders between UIs, and each linked path is a
location worth knowing), but never back into a folder above them, which would
loop forever, and at most once per real folder (device + inode) in one root's
walk: a "diamond" of links costs one visit, not one per path (20 folders each
linking twice to the next would otherwise be 2^20 paths). FIFOs, sockets and
device files (and links to them) are listed as skipped and never handed on:
opening one blocks or reads forever.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from app.core.inspection.formats import DIFFUSERS_WEIGHTS
from app.core.safe_open import special_kind
from app.core.tasks import CancelToken

MODEL_EXTENSIONS = frozenset({".safetensors", ".sft", ".ckpt", ".pt", ".pth", ".bin"})
# A diffusers component folder is config.json plus one of DIFFUSERS_WEIGHTS (first wins).
SKIPPED_DIRS = frozenset({"__pycache__", "node_modules"})
VENV_MARKER = "pyvenv.cfg"


class IssueCode(StrEnum):
    """What kept the walk from looking at a path (the code of its scan problem)."""

    UNREADABLE = "unreadable-folder"
    BROKEN_LINK = "broken-link"
    STAT_FAILED = "unreadable"
    NO_ROOT = "folder-not-found"
    SPECIAL = "special-file"
    VANISHED = "vanished"


# The old names (StrEnum members equal their strings).
ISSUE_UNREADABLE = IssueCode.UNREADABLE
ISSUE_BROKEN_LINK = IssueCode.BROKEN_LINK
ISSUE_STAT_FAILED = IssueCode.STAT_FAILED
ISSUE_NO_ROOT = IssueCode.NO_ROOT
ISSUE_SPECIAL = IssueCode.SPECIAL
ISSUE_VANISHED = IssueCode.VANISHED


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
    code: IssueCode
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
        try:
            st = os.stat(root)
        except FileNotFoundError:
            result.unknown_dirs.append(root)
            if os.path.islink(root):
                issue = WalkIssue(root, ISSUE_BROKEN_LINK, "symbolic link to something gone", True)
            else:
                issue = WalkIssue(root, ISSUE_NO_ROOT, "folder not found (unplugged drive?)", True)
            result.issues.append(issue)
            continue
        except (OSError, ValueError) as exc:
            result.unknown_dirs.append(root)
            message = f"cannot read: {_why(exc)}"
            result.issues.append(WalkIssue(root, ISSUE_STAT_FAILED, message, fatal=True))
            continue
        if stat.S_ISDIR(st.st_mode):
            _TreeWalk(root, st, result, cancel).run()
        elif stat.S_ISREG(st.st_mode):
            _found_file(root, root, os.path.islink(root), st, result)
        else:  # asked for by name, so not just skipped: the request cannot be done
            message = f"{special_kind(root, st)}: not a model file, not opened"
            result.issues.append(WalkIssue(root, ISSUE_SPECIAL, message, fatal=True))
    return result


class _TreeWalk:
    """One root's walk; see the module docstring for which folders it enters."""

    def __init__(
        self, root: str, top: os.stat_result, result: WalkResult, cancel: CancelToken | None
    ) -> None:
        self.root, self.result, self.cancel = root, result, cancel
        self.stack: list[tuple[str, frozenset[tuple[int, int]]]] = [
            (root, frozenset({(top.st_dev, top.st_ino)}))
        ]
        self.followed: set[tuple[int, int]] = set()  # real folders entered through a link

    def run(self) -> None:
        while self.stack:
            if self.cancel is not None:
                self.cancel.raise_if_cancelled()
            folder, ancestors = self.stack.pop()
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as exc:
                self._unreadable(folder, f"cannot list folder: {_why(exc)}")
                continue
            subdirs = _scan_folder(folder, entries, self.root, self.result)
            entered = [e for e in (self._enter(d, ancestors) for d in subdirs) if e is not None]
            self.stack.extend(reversed(entered))  # popped in name order

    def _enter(
        self, entry: os.DirEntry[str], ancestors: frozenset[tuple[int, int]]
    ) -> tuple[str, frozenset[tuple[int, int]]] | None:
        """The stack item for a subfolder, or None when it is not to be entered."""
        try:
            st = entry.stat()
        except OSError as exc:
            self._unreadable(entry.path, f"cannot open folder: {_why(exc)}")
            return None
        key = (st.st_dev, st.st_ino)
        if key in ancestors:  # a link (or bind mount) back up the tree: it would never end
            return None
        if _is_link(entry):
            if key in self.followed:  # a "diamond": this folder was walked through a link
                return None
            self.followed.add(key)
        return entry.path, ancestors | {key}

    def _unreadable(self, folder: str, message: str) -> None:
        self.result.unknown_dirs.append(folder)
        self.result.issues.append(WalkIssue(folder, ISSUE_UNREADABLE, message, True))


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        is_junction = getattr(entry, "is_junction", None)  # Python 3.12+
        return entry.is_symlink() or bool(is_junction is not None and is_junction())
    except OSError:
        return entry.is_symlink()


def _scan_folder(
    folder: str, entries: list[os.DirEntry[str]], root: str, result: WalkResult
) -> list[os.DirEntry[str]]:
    """Record the models in one folder and return its subfolders to descend into."""
    names = {e.name for e in entries}
    weights = _diffusers_weights(folder, names, result)
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
            _add_file(entry, root, result)
    return subdirs


def _wanted_dir(entry: os.DirEntry[str]) -> bool:
    if entry.name.startswith(".") or entry.name in SKIPPED_DIRS:
        return False
    return not os.path.exists(os.path.join(entry.path, VENV_MARKER))


def _diffusers_weights(folder: str, names: set[str], result: WalkResult) -> str | None:
    if "config.json" not in names:
        return None
    config = os.path.join(folder, "config.json")
    what = _special(config)
    if what is not None:  # reading it would hang: the weights are then cataloged as a file
        result.issues.append(WalkIssue(config, ISSUE_SPECIAL, f"{what}: skipped", False))
        return None
    for name in DIFFUSERS_WEIGHTS:
        if name in names and os.path.isfile(os.path.join(folder, name)):
            return name
    return None


def _special(path: str) -> str | None:
    try:
        return special_kind(path, os.stat(path))
    except OSError:
        return None


def _add_file(entry: os.DirEntry[str], root: str, result: WalkResult) -> None:
    path = entry.path
    try:
        st = entry.stat()
    except FileNotFoundError:
        if entry.is_symlink():
            gone = WalkIssue(path, ISSUE_BROKEN_LINK, "symbolic link to a file that is gone", False)
        else:
            gone = WalkIssue(path, ISSUE_VANISHED, "removed while the folder was read", False)
        result.issues.append(gone)
        return
    except OSError as exc:
        result.issues.append(WalkIssue(path, ISSUE_STAT_FAILED, f"cannot read: {_why(exc)}", True))
        return
    _found_file(path, root, entry.is_symlink(), st, result)


def _found_file(
    path: str, root: str, is_symlink: bool, st: os.stat_result, result: WalkResult
) -> None:
    what = special_kind(path, st)
    if what is not None:
        result.issues.append(WalkIssue(path, ISSUE_SPECIAL, f"{what}: skipped", False))
        return
    result.found.append(Found(path, path, False, is_symlink, root, StatKey.of(st)))


def _add_folder(folder: str, weights: str, root: str, result: WalkResult) -> None:
    weights_path = os.path.join(folder, weights)
    try:
        st = os.stat(weights_path)
    except OSError as exc:
        message = f"cannot read: {_why(exc)}"
        result.issues.append(WalkIssue(weights_path, ISSUE_STAT_FAILED, message, True))
        return
    linked = os.path.islink(folder) or os.path.islink(weights_path)
    result.found.append(Found(folder, weights_path, True, linked, root, StatKey.of(st)))


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)
