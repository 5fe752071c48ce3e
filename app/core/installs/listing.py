"""Small, failure-tolerant file-system helpers shared by the recognisers.

Recognisers look at a folder's names first (free, the walker already listed
it) and read files only when the names match, so a scan of a big home folder
costs one ``scandir`` per folder. Reads here never raise: a config file the user
broke or cannot read just means "no redirect found".
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.core.bounded_json import loads_bounded
from app.core.errors import UserError
from app.core.installs.records import Folder
from app.core.safe_open import open_regular

MAX_CONFIG_BYTES = 4 << 20


@dataclass(frozen=True)
class Listing:
    """The names directly inside one folder, split into files and folders."""

    path: Path
    files: frozenset[str]
    dirs: frozenset[str]

    @classmethod
    def read(cls, path: Path) -> Listing:
        """List ``path`` (follows symlinks to classify entries); raises OSError."""
        files: set[str] = set()
        dirs: set[str] = set()
        with os.scandir(path) as it:
            for entry in it:
                (dirs if _is_dir(entry) else files).add(entry.name)
        return cls(Path(path), frozenset(files), frozenset(dirs))

    def has_dirs(self, *names: str) -> bool:
        """Whether every name is a sub-folder here."""
        return all(n in self.dirs for n in names)

    def has_files(self, *names: str) -> bool:
        """Whether every name is a file here."""
        return all(n in self.files for n in names)

    def exists(self, relative: str) -> bool:
        """Whether a deeper path exists (costs a stat)."""
        return (self.path / relative).exists()


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def path_key(path: Path | str) -> str:
    """Identity of a folder for de-duplication: real path, case-folded where the OS is."""
    return os.path.normcase(os.path.realpath(path))


def resolve_under(base: Path, value: str) -> Path:
    """``value`` as the UI would see it: ``~`` expanded, relative to ``base``."""
    expanded = os.path.expanduser(value.strip())
    return Path(os.path.normpath(os.path.join(base, expanded)))


def folder(path: Path, source: str) -> Folder:
    """A :class:`Folder`, noting when the path is a symlink or junction (Stability Matrix)."""
    path = Path(os.path.normpath(os.path.abspath(path)))
    try:
        if os.path.islink(path) or _is_junction(path):
            source = f"{source} (links to {os.readlink(path)})"
    except OSError:
        pass
    return Folder(path, source)


def _is_junction(path: Path) -> bool:
    isjunction = getattr(os.path, "isjunction", None)
    return bool(isjunction and isjunction(path))


def unique_folders(folders: list[Folder]) -> tuple[Folder, ...]:
    """Drop later folders that are the same real folder as an earlier one."""
    seen: set[str] = set()
    out: list[Folder] = []
    for f in folders:
        key = path_key(f.path)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return tuple(out)


def read_text(path: Path, limit: int = MAX_CONFIG_BYTES) -> str | None:
    """The text of a small config file, or None if missing, unreadable, huge or not a file.

    Opened through :func:`open_regular`: a FIFO named ``webui-user.sh`` would block forever.
    """
    try:
        with open_regular(path) as f:
            data = f.read(limit + 1)
    except (OSError, UserError):
        return None
    return None if len(data) > limit else data.decode("utf-8", errors="replace")


def read_head(path: Path, size: int) -> str:
    """The first ``size`` bytes of a file as text ("" when unreadable): cheap version probes."""
    try:
        with open_regular(path) as f:
            return f.read(size).decode("utf-8", errors="replace")
    except (OSError, UserError):
        return ""


def read_json(path: Path) -> dict[str, object] | None:
    """A JSON object from ``path``, or None when absent, not an object, nested or huge."""
    text = read_text(path)
    if text is None:
        return None
    try:
        data = loads_bounded(text, max_bytes=4 * MAX_CONFIG_BYTES)  # nested/huge: no redirect
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def git_remote(root: Path) -> str | None:
    """The ``origin`` URL from ``.git/config``: a cheap, marker-independent hint."""
    text = read_text(root / ".git" / "config", limit=256 << 10)
    if not text:
        return None
    in_origin = False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            in_origin = line.replace(" ", "").lower() == '[remote"origin"]'
        elif in_origin and line.lower().startswith("url"):
            return line.split("=", 1)[1].strip() if "=" in line else None
    return None
