"""The bounded folder walk behind discovery.

One ``scandir`` per folder; the names it returns feed the recognisers, so a
folder that is not an install costs nothing more. A recognised install is not
descended into (its ``models/`` and ``outputs/`` are the heavy part of a home),
nor are venvs, ``.git``, ``node_modules`` and hidden folders. Symlinks and
junctions to folders are followed once each, never back into their own
ancestors, so link loops end; unreadable folders are noted and skipped.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.core.installs.base import ScanContext
from app.core.installs.environment import SearchRoot
from app.core.installs.listing import Listing, path_key
from app.core.installs.records import Install
from app.core.installs.registry import detect_listing
from app.core.tasks import CancelToken

SKIP_NAMES = frozenset(
    name.lower()
    for name in (
        "node_modules",
        "venv",
        "site-packages",
        "__pycache__",
        "python_embeded",
        "AppData",
        "Application Data",
        "Local Settings",
        "$Recycle.Bin",
        "System Volume Information",
        "Windows",
        "Program Files",
        "Program Files (x86)",
        "ProgramData",
    )
)
if sys.platform == "darwin":
    SKIP_NAMES |= {"library"}
_REPARSE_POINT = 0x400

ListDir = Callable[[Path], Iterable[os.DirEntry[str]]]


@dataclass
class ScanReport:
    """Everything one discovery run found, plus what it could not look at."""

    installs: list[Install] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    timed_out: bool = False
    folders_listed: int = 0


def _is_link(entry: os.DirEntry[str]) -> bool:
    """Symlink, or (Windows) a junction: both can form loops."""
    if entry.is_symlink():
        return True
    if os.name == "nt":
        attrs = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)
        return bool(attrs & _REPARSE_POINT)
    return False


def _wanted(entry: os.DirEntry[str]) -> bool:
    name = entry.name
    return not name.startswith(".") and name.lower() not in SKIP_NAMES


class _Walk:
    def __init__(
        self, ctx: ScanContext, deadline: float, cancel: CancelToken | None, list_dir: ListDir
    ) -> None:
        self.ctx, self.deadline, self.cancel, self.list_dir = ctx, deadline, cancel, list_dir
        self.report = ScanReport(skipped=ctx.skipped)
        self.followed: set[str] = set()
        self.seen_installs: set[str] = set()

    def run(self, roots: Sequence[SearchRoot]) -> ScanReport:
        for root in roots:
            if self.report.timed_out:
                break
            if root.path.is_dir():
                self._walk(root.path, root.depth)
        return self.report

    def _walk(self, start: Path, max_depth: int) -> None:
        stack = [(start, 0, path_key(start))]
        while stack:
            if self.cancel is not None:
                self.cancel.raise_if_cancelled()
            if time.monotonic() > self.deadline:
                self.report.timed_out = True
                return
            path, depth, real = stack.pop()
            subdirs = self._visit(path)
            if subdirs is None or depth >= max_depth:
                continue
            for entry in reversed(subdirs):
                child_real = self._child_real(entry, real)
                if child_real is not None:
                    stack.append((Path(entry.path), depth + 1, child_real))

    def _visit(self, path: Path) -> list[os.DirEntry[str]] | None:
        """Recognise ``path``; return the sub-folders to descend into (None: stop here)."""
        dirs: list[os.DirEntry[str]] = []
        files: list[str] = []
        try:
            for entry in self.list_dir(path):
                if _entry_is_dir(entry):
                    dirs.append(entry)
                else:
                    files.append(entry.name)
        except OSError as exc:
            self.ctx.skipped.append((path, str(exc)))
            return None
        self.report.folders_listed += 1
        listing = Listing(path, frozenset(files), frozenset(e.name for e in dirs))
        found = detect_listing(listing, self.ctx)
        if found:
            for install in found:
                key = path_key(install.root)
                if key not in self.seen_installs:
                    self.seen_installs.add(key)
                    self.report.installs.append(install)
            return None
        return sorted((e for e in dirs if _wanted(e)), key=lambda e: e.name)

    def _child_real(self, entry: os.DirEntry[str], parent_real: str) -> str | None:
        """The child's real path, or None when following it would loop or repeat."""
        if not _is_link(entry):
            return os.path.join(parent_real, os.path.normcase(entry.name))
        real = path_key(entry.path)
        inside = parent_real == real or parent_real.startswith(real.rstrip(os.sep) + os.sep)
        if inside or real in self.followed:
            return None
        self.followed.add(real)
        return real


def _entry_is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def walk(
    roots: Sequence[SearchRoot],
    ctx: ScanContext,
    *,
    time_budget_s: float,
    cancel: CancelToken | None = None,
    list_dir: ListDir = os.scandir,
) -> ScanReport:
    """Scan ``roots`` (each to its own depth) within the time budget."""
    return _Walk(ctx, time.monotonic() + time_budget_s, cancel, list_dir).run(roots)
