"""Giving a finished file its name without ever replacing one, and swapping a symlink.

Where the kernel offers it the rename itself refuses an existing name
(Linux ``renameat2(RENAME_NOREPLACE)``, macOS ``renamex_np(RENAME_EXCL)``): one
atomic step. Elsewhere a hard link (which fails on a taken name) plus an unlink
of the old name does the same in two steps; on a drive without hard links
(FAT, exFAT, some shares) Windows' rename refuses a taken name by itself, and
POSIX falls back to a check then a rename, the only racy case.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

from app.core.publish.atomic import fsync_folder

_AT_FDCWD = -100  # linux/fcntl.h
_RENAME_NOREPLACE = 1  # linux/fs.h
_RENAME_EXCHANGE = 2
_RENAME_EXCL = 4  # macOS sys/stdio.h, for renamex_np
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}
_LINK_TEXT_TRIES = 8

Renamer = Callable[[bytes, bytes, int], int]


def publish_no_replace(tmp: Path, final: Path) -> None:
    """Give the finished ``tmp`` the name ``final``; FileExistsError if ``final`` exists.

    Whatever is at ``final`` (a file, a dangling link) is never touched, and on
    FileExistsError ``tmp`` is left where it was: its owner (an
    :class:`~app.core.publish.temp.ExclusiveTemp`) removes it, or publishes it
    under another name. The folder is fsynced after the rename.
    """
    if _rename_noreplace(tmp, final):
        fsync_folder(final.parent)
        return
    try:
        os.link(tmp, final)
    except FileExistsError:
        raise
    except OSError:
        pass  # no hard links here (FAT, exFAT, some shares): rename instead
    else:
        os.unlink(tmp)
        fsync_folder(final.parent)
        return
    if os.name != "nt" and os.path.lexists(final):
        raise FileExistsError(errno.EEXIST, "File exists", str(final))
    os.rename(tmp, final)  # on Windows, rename never replaces an existing file
    fsync_folder(final.parent)


def _rename_noreplace(tmp: Path, final: Path) -> bool:
    """One atomic no-replace rename; False where the OS or file system has none."""
    call = _renamer()
    if call is None:
        return False
    try:
        _call(call, tmp, final, _RENAME_EXCL if sys.platform == "darwin" else _RENAME_NOREPLACE)
    except OSError as exc:
        if exc.errno in _UNSUPPORTED:
            return False
        raise
    return True


def swap_symlink(link: Path, target: Path) -> str:
    """Point the symlink ``link`` at ``target``'s absolute path in one rename; return its text.

    A new link is made under an exclusive hidden name and renamed over ``link``,
    so the name always resolves to the old or the new target. ``link`` must be a
    symlink: anything else (a user's file) raises FileExistsError and is left as
    is; on Linux the swap is an exchange, so even a file that replaced the link
    at the last instant is put back, never deleted.
    """
    if not os.path.islink(link):
        raise FileExistsError(errno.EEXIST, "not a symbolic link", str(link))
    tmp = _new_link(link, os.path.abspath(target))
    try:
        if not _exchange(tmp, link):
            os.replace(tmp, link)
    finally:
        with contextlib.suppress(FileNotFoundError):
            if os.path.islink(tmp):
                os.unlink(tmp)
    fsync_folder(link.parent)
    return os.readlink(link)


def _new_link(link: Path, text: str) -> Path:
    for _ in range(_LINK_TEXT_TRIES):
        tmp = link.with_name(f".{link.name}.{os.urandom(4).hex()}.vaem-link")
        try:
            os.symlink(text, tmp)  # fails on any existing name: never adopts a planted one
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(link))


def _exchange(tmp: Path, link: Path) -> bool:
    """Swap the two names atomically (Linux); undo and raise if ``link`` was no symlink."""
    call = _renamer()
    if call is None or sys.platform == "darwin":
        return False
    try:
        _call(call, tmp, link, _RENAME_EXCHANGE)
    except OSError as exc:
        if exc.errno in _UNSUPPORTED:
            return False
        raise
    if not os.path.islink(tmp):  # a file took the link's place meanwhile: give it back
        _call(call, tmp, link, _RENAME_EXCHANGE)
        raise FileExistsError(errno.EEXIST, "not a symbolic link", str(link))
    return True


def _call(call: Renamer, source: Path, dest: Path, flags: int) -> None:
    import ctypes

    if call(os.fsencode(source), os.fsencode(dest), flags) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(source), None, str(dest))


@cache
def _renamer() -> Renamer | None:
    """``renameat2`` (glibc 2.28+, musl) or ``renamex_np`` (macOS 10.12+), else None."""
    if not (sys.platform.startswith("linux") or sys.platform == "darwin"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if sys.platform == "darwin":
            func = libc.renamex_np
            func.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
            func.restype = ctypes.c_int
            return lambda a, b, flags: int(func(a, b, flags))
        func = libc.renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return lambda a, b, flags: int(func(_AT_FDCWD, a, _AT_FDCWD, b, flags))


def same_drive(path: Path, folder: Path) -> bool:
    """Whether ``path`` and ``folder`` (or its nearest existing parent) share a file system.

    That is when a rename or hard link between them can work; False when either
    cannot be read.
    """
    try:
        return os.stat(path).st_dev == os.stat(_existing(folder)).st_dev
    except OSError:
        return False


def _existing(folder: Path) -> Path:
    """``folder`` or its nearest existing parent (a folder may be created later)."""
    folder = Path(os.path.abspath(folder))
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder
