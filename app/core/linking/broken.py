"""Find symlinks whose target is gone, and repair the ones the app made.

A broken link the app made is re-pointed to where the same file (same SHA-256)
now lives, if that is known; otherwise it is removed. Broken links the user
made are only reported: their target may come back (an unplugged drive).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.linking.digest import sha256_of
from app.core.linking.records import LinkRecord, LinkStore
from app.core.publish import swap_symlink

Locate = Callable[[str, int], "Path | None"]
"""``locate(sha256, size)`` -> the library file's current path, if known."""

MAX_DEPTH = 4


@dataclass(frozen=True)
class BrokenLink:
    """A symlink whose target does not exist."""

    path: Path
    target: str
    record: LinkRecord | None

    @property
    def app_made(self) -> bool:
        """Whether the app made this very link (record matches the link text)."""
        return self.record is not None and self.record.link_target == self.target

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {"path": str(self.path), "target": self.target, "app_made": self.app_made}


@dataclass(frozen=True)
class RepairOutcome:
    """What repair did with one broken link: ``re-pointed``, ``removed`` or ``left``."""

    path: Path
    action: str
    reason: str
    new_target: Path | None = None

    def to_json(self) -> dict[str, object]:
        """Plain JSON for ``broken-links --repair --json``."""
        return {
            "path": str(self.path),
            "action": self.action,
            "reason": self.reason,
            "new_target": str(self.new_target) if self.new_target else None,
        }


def _walk(folder: Path) -> Iterable[Path]:
    """Every entry under ``folder`` (not following links), a few levels deep."""
    base_depth = len(Path(folder).parts)
    for dirpath, dirnames, filenames in os.walk(folder):
        if len(Path(dirpath).parts) - base_depth >= MAX_DEPTH:
            dirnames.clear()
        for name in dirnames + filenames:
            yield Path(dirpath) / name


def find_broken_links(dirs: Sequence[Path], *, store: LinkStore | None = None) -> list[BrokenLink]:
    """Broken symlinks in the given folders (recursively, as the UIs list VAEs)."""
    store = store or LinkStore()
    found: dict[Path, BrokenLink] = {}
    for folder in dirs:
        for path in _walk(Path(folder)):
            if path not in found and os.path.islink(path) and not os.path.exists(path):
                found[path] = BrokenLink(path, os.readlink(path), store.active_for_dest(path))
    return list(found.values())


def records_locator(store: LinkStore) -> Locate:
    """Where other records say a file with this content lives now."""

    def locate(sha256: str, size: int) -> Path | None:
        for record in store.with_sha256(sha256):
            if record.source.is_file() and record.source.stat().st_size == size:
                return record.source
        return None

    return locate


def folder_locator(folders: Sequence[Path]) -> Locate:
    """Search folders (e.g. the app's library) for a file of that size and SHA-256."""

    def locate(sha256: str, size: int) -> Path | None:
        for folder in folders:
            for path in _walk(Path(folder)):
                if _is_plain_file_of_size(path, size) and sha256_of(path) == sha256:
                    return path
        return None

    return locate


def _is_plain_file_of_size(path: Path, size: int) -> bool:
    return path.is_file() and not path.is_symlink() and path.stat().st_size == size


def default_locator(store: LinkStore) -> Locate:
    """Other records first, then the app's own library folder."""
    from app.core.library.settings import library_root

    first, second = records_locator(store), folder_locator([library_root()])
    return lambda sha256, size: first(sha256, size) or second(sha256, size)


def repair_broken_links(
    broken: Sequence[BrokenLink], *, store: LinkStore | None = None, locate: Locate | None = None
) -> list[RepairOutcome]:
    """Re-point app-made broken links by SHA-256, else remove them; leave the user's alone."""
    store = store or LinkStore()
    locate = locate or default_locator(store)
    outcomes = []
    for link in broken:
        record = link.record
        if record is None or not link.app_made:
            outcomes.append(RepairOutcome(link.path, "left", "not made by this app"))
            continue
        if os.path.exists(link.path) or not os.path.islink(link.path):
            outcomes.append(RepairOutcome(link.path, "left", "no longer broken"))
            continue
        new = locate(record.sha256, record.size)
        if new is not None and sha256_of(new) == record.sha256:
            store.repoint(record.id, Path(os.path.abspath(new)), swap_symlink(link.path, new))
            outcomes.append(RepairOutcome(link.path, "re-pointed", "found by SHA-256", new))
        else:
            os.unlink(link.path)
            store.mark_removed(record.id)
            outcomes.append(RepairOutcome(link.path, "removed", "library file not found"))
    return outcomes
