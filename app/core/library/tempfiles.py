"""Temporary files that become library files only when complete.

A file is written as ``.<name>.vaem-tmp`` in its destination folder, so the final
rename never crosses a drive, and it gets its real name only through a no-replace
publish. The writer holds an exclusive lock on the temp file (``flock`` on POSIX;
on Windows an open file cannot be deleted), so a temp left by a killed import is
recognised as abandoned and taken over or swept, while a live one is left alone.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from app.core.errors import UserError
from app.core.library.naming import is_temp_name, temp_path_for

_BINARY = getattr(os, "O_BINARY", 0)


class TempBusy(UserError):
    """Another running import is writing the same file."""


class TempFile:
    """An open, locked temp file for ``final``; removed on exit unless published."""

    def __init__(self, final: Path) -> None:
        self.final = final
        self.path = temp_path_for(final)
        self.fd: int | None = None

    def __enter__(self) -> TempFile:
        self.fd = _create_locked(self.path)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        """Close the handle (done before publishing: Windows cannot rename open files)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def publish(self, final: Path | None = None) -> Path:
        """Give the finished file its real name (``final`` overrides); never replaces."""
        target = final or self.final
        if self.fd is not None:
            os.fsync(self.fd)
        if os.name == "nt":
            self.close()
        publish(self.path, target)
        return target


def _create_locked(tmp: Path) -> int:
    for _ in range(3):
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _BINARY, 0o644)
        except FileExistsError:
            if not _remove_if_abandoned(tmp):
                raise TempBusy(f"another import is writing {tmp.name[1:]}") from None
            continue
        if _try_lock(fd):
            return fd
        os.close(fd)  # someone took it over between create and lock: theirs now
        raise TempBusy(f"another import is writing {tmp.name[1:]}")
    raise TempBusy(f"cannot create {tmp}")


def _try_lock(fd: int) -> bool:
    if os.name == "nt":
        return True  # the open handle itself blocks deletion by others
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def _remove_if_abandoned(tmp: Path) -> bool:
    """Delete ``tmp`` if no live writer holds it; True when it is gone."""
    if os.name == "nt":
        try:
            tmp.unlink(missing_ok=True)
        except PermissionError:
            return False
        return True
    try:
        fd = os.open(tmp, os.O_RDONLY)
    except FileNotFoundError:
        return True
    try:
        if not _try_lock(fd):
            return False
        tmp.unlink(missing_ok=True)  # removed while locked: no one else can be mid-takeover
        return True
    finally:
        os.close(fd)


def sweep_abandoned(folder: Path) -> int:
    """Remove temp files left in ``folder`` by killed imports; return how many."""
    try:
        names = [n for n in os.listdir(folder) if is_temp_name(n)]
    except OSError:
        return 0
    return sum(_remove_if_abandoned(folder / name) for name in names)


def publish(tmp: Path, final: Path) -> None:
    """Give a finished temp file its real name; FileExistsError if the name is taken."""
    try:
        os.link(tmp, final)
    except FileExistsError:
        raise
    except OSError:
        pass  # no hard links here (FAT, exFAT, some shares): rename instead
    else:
        tmp.unlink(missing_ok=True)
        return
    if os.name != "nt" and os.path.lexists(final):
        raise FileExistsError(errno.EEXIST, "File exists", str(final))
    os.rename(tmp, final)  # on Windows, rename never replaces an existing file
