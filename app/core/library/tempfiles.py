"""Temporary files that become library files only when complete.

A file is written as ``.<name>.vaem-tmp`` in its destination folder, so the final
rename never crosses a drive, and it gets its real name only through a no-replace
publish. The temp file is created exclusively and recorded as the app's own
(:mod:`app.core.owned_files`): a file already under that name that the app did
not create is left untouched and a randomised temp name is used instead. The
writer holds an exclusive lock on its temp file (``flock`` on POSIX; on Windows
an open file cannot be deleted), so the app's own temp left by a killed import
is recognised as abandoned and taken over or swept, while a live one is left alone.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

from app.core.errors import UserError
from app.core.library.layout import TEMP_SUFFIX
from app.core.library.naming import is_temp_name, temp_path_for
from app.core.owned_files import Identity, create_exclusive, forget, is_ours, remove_ours

_OTHER_NAMES = 8  # randomised names tried when the plain temp name holds a foreign file
_NAME_MAX = 255


class TempBusy(UserError):
    """Another running import is writing the same file."""


class TempFile:
    """An open, locked temp file for ``final``; removed on exit unless published."""

    def __init__(self, final: Path) -> None:
        self.final = final
        self.path = temp_path_for(final)
        self.fd: int | None = None
        self._identity: Identity | None = None

    def __enter__(self) -> TempFile:
        self.path, self.fd = _create_locked(temp_path_for(self.final))
        self._identity = Identity.of_fd(self.fd)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        if self._identity is not None:
            remove_ours(self.path, self._identity)  # gone after a publish; never another file

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
        forget(self.path)
        return target


def _create_locked(base: Path) -> tuple[Path, int]:
    """Create and lock ``base`` or, when a foreign file holds that name, a randomised one."""
    for tmp in [base] + [_other_name(base) for _ in range(_OTHER_NAMES)]:
        fd = _create_one(tmp)
        if fd is not None:
            return tmp, fd
    raise UserError(f"cannot create a temporary file in {base.parent}: every name tried is taken")


def _create_one(tmp: Path) -> int | None:
    """A locked new file at ``tmp``; None when the name holds a file that is not the app's."""
    for _ in range(3):
        try:
            fd, _identity = create_exclusive(tmp)
        except FileExistsError:
            if not is_ours(tmp):
                return None  # planted, or a user's file: leave it, use another name
            if not _remove_if_abandoned(tmp):
                raise TempBusy(f"another import is writing {tmp.name[1:]}") from None
            continue
        if _try_lock(fd):
            return fd
        os.close(fd)  # someone took it over between create and lock: theirs now
        raise TempBusy(f"another import is writing {tmp.name[1:]}")
    raise TempBusy(f"cannot create {tmp}")


def _other_name(base: Path) -> Path:
    """``.<random>.<name>.vaem-tmp``, shortened to fit a file name's 255 bytes."""
    inner = base.name
    if inner.startswith(".") and inner.endswith(TEMP_SUFFIX):
        inner = inner[1 : -len(TEMP_SUFFIX)]
    head = f".{secrets.token_hex(4)}."
    while inner and len(os.fsencode(head + inner + TEMP_SUFFIX)) > _NAME_MAX:
        inner = inner[:-1]
    return base.with_name(head + inner + TEMP_SUFFIX)


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
    """Delete the app's own ``tmp`` if no live writer holds it; True when it is gone."""
    if os.name == "nt":
        try:
            return remove_ours(tmp) or not os.path.lexists(tmp)
        except PermissionError:
            return False  # open in a live writer
    try:
        fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        if not _try_lock(fd):
            return False
        # Removed while locked (no one else can be mid-takeover), and only if still ours.
        return remove_ours(tmp)
    finally:
        os.close(fd)


def sweep_abandoned(folder: Path) -> int:
    """Remove the app's own temp files left in ``folder`` by killed imports; return how many.

    A temp-looking file the app did not create is never touched.
    """
    try:
        names = [n for n in os.listdir(folder) if is_temp_name(n)]
    except OSError:
        return 0
    return sum(is_ours(folder / name) and _remove_if_abandoned(folder / name) for name in names)


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
