r"""Whether a folder is a sane place for the app to write model files into.

A misread or hostile setting (a Stability Matrix ``ModelDirectoryOverride`` of
``/``, a library moved to ``C:\``, ``download --to /usr``) would otherwise make
the app create ``/VAE``, fill a drive's root or write into a system folder. One
rule serves the library, link targets and downloads:

- never written into, nor any folder created in them: the file-system root, a
  drive root (``C:\``, a share's root, WSL's ``/mnt/c``) and system folders
  (``/usr``, ``/etc``, ``C:\Windows``, ``/System`` ... and everything inside);
- not used as the folder itself, though a subfolder may be made there: the
  home folder, the folders holding user homes or mount points, and the
  install-wide program folders.

Both the path as given and its real path (links resolved) are checked, so a
link to ``/`` is refused too.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from app.core.errors import UserError

# Folders the OS owns: refused, and everything inside them.
_POSIX_SYSTEM = (
    "/bin", "/boot", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/sbin", "/sys",
    "/usr", "/System", "/private/etc", "/private/var/db",
)  # fmt: skip
# Folders that hold other folders: refused as the folder itself, a subfolder is fine
# (``/dev/shm`` and ``/run/user/<uid>`` are ordinary writable tmpfs folders).
_POSIX_CONTAINERS = (
    "/home", "/Users", "/mnt", "/media", "/Volumes", "/opt", "/srv", "/var", "/tmp", "/private",
    "/Library", "/Applications", "/root", "/snap", "/dev", "/run",
)  # fmt: skip
_WSL_DRIVE = re.compile(r"^/mnt/[a-zA-Z]$")


@dataclass(frozen=True)
class Rules:
    """The folders one OS protects; ``windows`` switches the path syntax."""

    windows: bool
    system: tuple[str, ...]
    containers: tuple[str, ...]
    home: str | None


def this_system() -> Rules:
    """The rules for the running OS (environment variables say where Windows lives)."""
    expanded = os.path.expanduser("~")
    home = None if expanded == "~" else expanded
    if os.name != "nt":
        return Rules(False, _POSIX_SYSTEM, _POSIX_CONTAINERS, home)
    drive = os.environ.get("SYSTEMDRIVE", "C:")
    system = (os.environ.get("SYSTEMROOT") or os.environ.get("WINDIR") or rf"{drive}\Windows",)
    containers = [rf"{drive}\Users"]
    for name in ("PROGRAMFILES", "PROGRAMFILES(X86)", "PROGRAMW6432", "PROGRAMDATA", "PUBLIC"):
        value = os.environ.get(name)
        if value:
            containers.append(value)
    return Rules(True, system, tuple(containers), home)


def write_refusal(path: str | os.PathLike[str], rules: Rules | None = None) -> str | None:
    r"""Why ``path`` may not be the folder the app writes into (None: it may).

    A folder that does not exist yet is also refused when the folder it would be
    created in is a root or a system folder (``/VAE``, ``D:\VAE``).
    """
    rules = rules or this_system()
    for candidate in _spellings(path, rules):
        reason = _own_refusal(candidate, rules)
        if reason:
            return reason
    if rules.windows == (os.name == "nt") and not os.path.lexists(path):
        parent = _nearest_existing(Path(os.path.abspath(path)))
        for candidate in _spellings(parent, rules):
            reason = _hard_refusal(candidate, rules)
            if reason:
                return f"it would be created in {candidate}, {reason}"
    return None


def check_write_folder(path: str | os.PathLike[str], what: str) -> None:
    """Raise :class:`UserError` when ``path`` is refused, naming ``what`` it was meant for."""
    reason = write_refusal(path)
    if reason:
        raise UserError(
            f"refusing to use {path} as {what}: {reason}; choose or create a folder of its own"
        )


def _spellings(path: str | os.PathLike[str], rules: Rules) -> list[PurePath]:
    """The path as given (absolute) and, on this OS, its real path."""
    flavour = PureWindowsPath if rules.windows else PurePosixPath
    if rules.windows != (os.name == "nt"):  # checking another OS's paths (tests)
        return [flavour(os.fspath(path))]
    given = os.path.abspath(path)
    real = os.path.realpath(path)
    return [flavour(p) for p in dict.fromkeys((given, real))]


def _own_refusal(path: PurePath, rules: Rules) -> str | None:
    hard = _hard_refusal(path, rules)
    if hard:
        return hard
    key = _key(path, rules)
    if rules.home and key == _key(_pure(rules.home, rules), rules):
        return "it is your home folder"
    for container in rules.containers:
        if key == _key(_pure(container, rules), rules):
            return "it is a folder that holds other folders (users, drives or programs)"
    return None


def _hard_refusal(path: PurePath, rules: Rules) -> str | None:
    """Roots and system folders: not even a new folder is made inside them."""
    if path.anchor and len(path.parts) == 1:
        if not rules.windows:
            return "it is the root of the file system"
        if path.drive.startswith("\\\\"):
            return f"it is the root of the network share {path.drive}"
        return f"it is the root of drive {path.drive}"
    if not rules.windows and _WSL_DRIVE.match(path.as_posix()):
        return f"it is the root of drive {path.name.upper()}: (WSL)"
    key = _key(path, rules)
    for system in rules.system:
        folder = _key(_pure(system, rules), rules)
        if key == folder:
            return "it is a system folder"
        if key.startswith(folder.rstrip("/\\") + _sep(rules)):
            return f"it is inside the system folder {system}"
    return None


def _pure(text: str, rules: Rules) -> PurePath:
    return PureWindowsPath(text) if rules.windows else PurePosixPath(text)


def _key(path: PurePath, rules: Rules) -> str:
    """A comparable spelling: normalised, case-folded on Windows and macOS."""
    text = os.path.normpath(str(path)) if rules.windows == (os.name == "nt") else str(path)
    return text.casefold() if rules.windows or _case_insensitive() else text


def _sep(rules: Rules) -> str:
    return "\\" if rules.windows else "/"


def _case_insensitive() -> bool:
    return os.uname().sysname == "Darwin" if hasattr(os, "uname") else False


def _nearest_existing(path: Path) -> Path:
    while not os.path.lexists(path) and path.parent != path:
        path = path.parent
    return path
