"""Creating one link without ever replacing what is already there.

Every way of putting a file in place fails if the name exists: ``symlink`` and
``link`` do by nature, and a copy is written under a temporary name in the
destination folder and then published without replacing anything
(:func:`app.core.publish.copy_verified`), so a cancelled or crashed copy never
leaves a partial file under the real name.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from app.core.publish import copy_verified, same_drive
from app.core.tasks import CancelToken, ProgressCallback, no_progress


class LinkMode(StrEnum):
    """How a link is made (``auto``: a symlink, else a hard link on the same drive, else a copy).

    Members equal their strings: records, JSON and ``--mode`` keep the plain words.
    """

    AUTO = "auto"
    SYMLINK = "symlink"
    HARDLINK = "hardlink"
    COPY = "copy"


MODE_AUTO = LinkMode.AUTO
MODE_SYMLINK = LinkMode.SYMLINK
MODE_HARDLINK = LinkMode.HARDLINK
MODE_COPY = LinkMode.COPY
MODES = tuple(LinkMode)

ERROR_PRIVILEGE_NOT_HELD = 1314
ERROR_NOT_SAME_DEVICE = 17
_REFUSED = {errno.EPERM, errno.EACCES, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}
_NO_HARDLINK = _REFUSED | {errno.EXDEV, errno.EMLINK}


@dataclass(frozen=True)
class FileOps:
    """The two OS calls whose refusal ``auto`` must handle; swappable to test Windows paths."""

    symlink: Callable[[str, str], None] = os.symlink
    link: Callable[[str, str], None] = os.link


def symlinks_allowed() -> bool:
    """Whether an unprivileged symlink should work (Windows: admin or Developer Mode)."""
    if sys.platform != "win32":  # (not os.name: mypy skips the rest only for sys.platform)
        return True
    import ctypes
    import winreg

    try:
        if ctypes.windll.shell32.IsUserAnAdmin():
            return True
    except OSError:
        pass
    key_path = r"SOFTWARE\Microsoft\Windows\CurrentVersion\AppModelUnlock"
    try:
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key_path) as key:
            return winreg.QueryValueEx(key, "AllowDevelopmentWithoutDevLicense")[0] == 1
    except OSError:
        return False


def predict_mode(mode: str, source: Path, folder: Path) -> tuple[LinkMode, str]:
    """The mode ``auto`` will most likely use, and why (for the plan)."""
    if mode != MODE_AUTO:
        return LinkMode(mode), ""
    if symlinks_allowed():
        return MODE_SYMLINK, "auto: symlink"
    if same_drive(source, folder):
        return MODE_HARDLINK, "auto: hardlink (symlinks need Developer Mode or admin)"
    return MODE_COPY, "auto: copy (other drive, and symlinks need Developer Mode or admin)"


def _symlink_refused(exc: OSError) -> bool:
    return getattr(exc, "winerror", None) == ERROR_PRIVILEGE_NOT_HELD or exc.errno in _REFUSED


def _hardlink_refused(exc: OSError) -> bool:
    return getattr(exc, "winerror", None) == ERROR_NOT_SAME_DEVICE or exc.errno in _NO_HARDLINK


def create(
    source: Path,
    dest: Path,
    mode: str,
    *,
    ops: FileOps | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback = no_progress,
    sha256: str | None = None,
) -> LinkMode:
    """Put ``source`` at ``dest`` (which must not exist); return the mode actually used.

    Raises FileExistsError if ``dest`` exists, Cancelled during a copy, and the
    OS error of an explicit mode the OS refuses.
    """
    ops = ops or FileOps()
    if mode in (MODE_AUTO, MODE_SYMLINK):
        try:
            ops.symlink(os.path.abspath(source), str(dest))
            return MODE_SYMLINK
        except FileExistsError:
            raise
        except OSError as exc:
            if mode == MODE_SYMLINK or not _symlink_refused(exc):
                raise
    if mode == MODE_HARDLINK or (mode == MODE_AUTO and same_drive(source, dest.parent)):
        try:
            ops.link(str(source), str(dest))
            return MODE_HARDLINK
        except FileExistsError:
            raise
        except OSError as exc:
            if mode == MODE_HARDLINK or not _hardlink_refused(exc):
                raise
    copy_atomic(source, dest, sha256=sha256, cancel=cancel, progress=progress)
    return MODE_COPY


def copy_atomic(
    source: Path,
    dest: Path,
    *,
    sha256: str | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback = no_progress,
) -> None:
    """Copy through a temp file beside ``dest`` and publish it without replacing anything.

    The library's verified copy does the work: free space checked first, bytes
    hashed as they are written and compared with ``sha256`` (the plan's hash).
    """
    copy_verified(source, dest, expected_sha256=sha256, progress=progress, cancel=cancel)
