"""The install folders the user added or removed by hand, kept in ``installs.json``.

A removed install stays hidden from automatic discovery until it is added
again; an added one is checked every time, wherever it lives. Writes go to a
temporary file that replaces the old one, so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from app.core.installs.listing import path_key
from app.core.paths import app_paths
from app.core.publish import write_json_atomic

SCHEMA = 1


@dataclass(frozen=True)
class Remembered:
    """Folders added and removed by the user, as absolute paths."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def is_removed(self, path: Path) -> bool:
        """Whether the user removed this install folder."""
        return path_key(path) in {path_key(p) for p in self.removed}


class RememberedInstalls:
    """Reads and updates ``installs.json``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or app_paths().data_dir / "installs.json"

    def load(self) -> Remembered:
        """The saved choices; a missing or unreadable file means none."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return Remembered()
        if not isinstance(data, dict):
            return Remembered()
        return Remembered(_strings(data.get("added")), _strings(data.get("removed")))

    def add(self, paths: list[Path]) -> None:
        """Remember ``paths`` as installs and un-hide them."""
        state = self.load()
        keys = {path_key(p) for p in paths}
        removed = tuple(p for p in state.removed if path_key(p) not in keys)
        known = {path_key(p) for p in state.added}
        added = state.added + tuple(_abs(p) for p in paths if path_key(p) not in known)
        self._save(Remembered(tuple(dict.fromkeys(added)), removed))

    def remove(self, paths: list[Path]) -> None:
        """Forget ``paths`` as added installs and hide them from discovery."""
        state = self.load()
        keys = {path_key(p) for p in paths}
        added = tuple(p for p in state.added if path_key(p) not in keys)
        known = {path_key(p) for p in state.removed}
        removed = state.removed + tuple(_abs(p) for p in paths if path_key(p) not in known)
        self._save(Remembered(added, tuple(dict.fromkeys(removed))))

    def _save(self, state: Remembered) -> None:
        body = {"schema": SCHEMA, "added": list(state.added), "removed": list(state.removed)}
        write_json_atomic(self.path, body)


def _strings(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _abs(path: Path) -> str:
    return os.path.normpath(os.path.abspath(path))
