"""Where to look: the user's folders, data disks and the UIs' own pointer files.

Everything OS-specific is gathered into one :class:`Environment` value, so the
scan itself is plain and tests can hand in a fake home instead of the real one.
"""

from __future__ import annotations

import os
import string
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DRIVE_DEPTH = 3
DATA_DISK_DEPTH = 3


@dataclass(frozen=True)
class SearchRoot:
    """A folder to scan and how many levels below it to look."""

    path: Path
    depth: int


@dataclass(frozen=True)
class Environment:
    """The user's home, env vars, extra scan roots and the UIs' app-data folders."""

    home: Path
    vars: Mapping[str, str] = field(default_factory=dict)
    user_dirs: tuple[Path, ...] = ()
    """Desktop/Documents/Downloads when redirected outside the home folder."""
    data_roots: tuple[SearchRoot, ...] = ()
    """Drive roots on Windows, /mnt and /media disks on Linux, /Volumes on macOS."""
    comfy_desktop_data: tuple[Path, ...] = ()
    """Candidate Electron userData folders of the ComfyUI desktop app."""
    stability_matrix_data: tuple[Path, ...] = ()
    """Candidate Stability Matrix app-data folders (hold library.json)."""

    @classmethod
    def for_home(cls, home: Path, vars: Mapping[str, str] | None = None) -> Environment:
        """A Linux-style environment rooted at ``home`` (tests, and the Linux default)."""
        config = Path((vars or {}).get("XDG_CONFIG_HOME") or home / ".config")
        return cls(
            home=home,
            vars=dict(vars or {}),
            comfy_desktop_data=(config / "ComfyUI",),
            stability_matrix_data=(config / "StabilityMatrix",),
        )

    @classmethod
    def from_os(cls) -> Environment:
        """The real environment of the current user."""
        home = Path.home()
        env = dict(os.environ)
        base = cls.for_home(home, env)
        if sys.platform == "win32":
            appdata = Path(env.get("APPDATA") or home / "AppData" / "Roaming")
            return cls(
                home=home,
                vars=env,
                user_dirs=_user_dirs(home),
                data_roots=tuple(SearchRoot(d, DRIVE_DEPTH) for d in _fixed_drives()),
                comfy_desktop_data=(appdata / "ComfyUI",),
                stability_matrix_data=(appdata / "StabilityMatrix",),
            )
        if sys.platform == "darwin":
            support = home / "Library" / "Application Support"
            return cls(
                home=home,
                vars=env,
                user_dirs=_user_dirs(home),
                data_roots=_children(Path("/Volumes"), skip_links=True),
                comfy_desktop_data=(support / "ComfyUI",),
                stability_matrix_data=(
                    home / ".config" / "StabilityMatrix",
                    support / "StabilityMatrix",
                ),
            )
        user = env.get("USER", "")
        disks = _children(Path("/mnt")) + (_children(Path("/media") / user) if user else ())
        extra = (SearchRoot(Path("/opt"), 2), SearchRoot(Path("/srv"), 2))
        return cls(
            home=home,
            vars=env,
            user_dirs=_user_dirs(home),
            data_roots=tuple(disks) + extra,
            comfy_desktop_data=base.comfy_desktop_data,
            stability_matrix_data=base.stability_matrix_data,
        )

    def default_roots(self, max_depth: int) -> list[SearchRoot]:
        """Home (deep), user folders redirected elsewhere, then data disks (shallower)."""
        roots = [SearchRoot(self.home, max_depth)]
        roots += [SearchRoot(d, max_depth) for d in self.user_dirs]
        roots += [SearchRoot(r.path, min(r.depth, max_depth)) for r in self.data_roots]
        return roots


def _user_dirs(home: Path) -> tuple[Path, ...]:
    """Desktop, Documents, Downloads (and OneDrive copies) that live outside ``home``."""
    import platformdirs

    found: list[Path] = []
    for getter in ("user_desktop_dir", "user_documents_dir", "user_downloads_dir"):
        try:
            found.append(Path(getattr(platformdirs, getter)()))
        except Exception:  # noqa: BLE001 - a missing shell folder just means nothing to add
            continue
    onedrive = home / "OneDrive"
    found += [onedrive / "Desktop", onedrive / "Documents"]
    outside = [p for p in found if p.is_dir() and not _is_within(p, home)]
    return tuple(dict.fromkeys(outside))


def _is_within(path: Path, parent: Path) -> bool:
    try:
        path.resolve().relative_to(parent.resolve())
    except (ValueError, OSError):
        return False
    return True


def _children(parent: Path, *, skip_links: bool = False) -> tuple[SearchRoot, ...]:
    """Mounted disks under ``parent`` (skipping the macOS boot-volume link to /)."""
    try:
        entries = [e for e in os.scandir(parent) if e.is_dir()]
    except OSError:
        return ()
    return tuple(
        SearchRoot(Path(e.path), DATA_DISK_DEPTH)
        for e in entries
        if not (skip_links and e.is_symlink())
    )


def _fixed_drives() -> list[Path]:
    """Local fixed drives only: probing network or empty removable drives can hang."""
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]  # Windows-only attribute
    mask = kernel32.GetLogicalDrives()
    drives = []
    for i, letter in enumerate(string.ascii_uppercase):
        root = f"{letter}:\\"
        if mask >> i & 1 and kernel32.GetDriveTypeW(root) == 3:  # DRIVE_FIXED
            drives.append(Path(root))
    return drives
