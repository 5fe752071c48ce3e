"""The one interface every UI family module implements.

A recogniser gets a folder's :class:`Listing` and returns the installs found
there (usually zero or one; a Stability Matrix library returns itself plus its
packages). Returning anything makes the walker stop descending into that folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.core.installs.environment import Environment
from app.core.installs.listing import Listing
from app.core.installs.records import Install


@dataclass
class ScanContext:
    """What a recogniser may need beyond the folder itself."""

    env: Environment
    detect: Callable[[Path], list[Install]]
    """Recognise another folder (used by wrappers and Stability Matrix packages)."""
    desktop_bases: dict[str, Path] = field(default_factory=dict)
    """``path_key(basePath)`` -> the ComfyUI Desktop userData folder that points there."""
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    """Folders that could not be read, with the reason."""


@dataclass(frozen=True)
class Recognizer:
    """One UI family: its name, the markers it looks for, and its detector."""

    name: str
    markers: str
    detect: Callable[[Listing, ScanContext], list[Install]]


def prefixed(install: Install, prefix: str) -> Install:
    """The same install with ``prefix`` in front of its source (wrappers, packages)."""
    return replace(install, source=f"{prefix}; {install.source}")
