"""Exclusive, locked temp files beside their final name, removed unless published.

A file is written as ``.<name>.vaem-tmp`` in its destination folder, so the
final rename never crosses a drive, and it gets its real name only through
:func:`~app.core.publish.rename.publish_no_replace`. The temp file is created
exclusively and recorded as the app's own (:mod:`app.core.owned_files`): a file
already under that name that the app did not create is left untouched and a
randomised temp name is used instead. The writer holds an exclusive lock on its
temp file (``flock`` on POSIX; on Windows an open file cannot be deleted), so
the app's own temp left by a killed run is recognised as abandoned and taken
over or swept (:func:`sweep_abandoned`), while a live one is left alone.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from app.core.errors import UserError
from app.core.owned_files import Identity, create_exclusive, forget, is_ours, remove_ours
from app.core.publish.rename import publish_no_replace
from app.core.publish.writeback import block_writer

TEMP_SUFFIX = ".vaem-tmp"
NAME_MAX = 255  # bytes on ext4, btrfs, XFS, APFS; NTFS's 255 UTF-16 units are never more
_OTHER_NAMES = 8  # randomised names tried when the plain temp name holds a foreign file


class TempBusy(UserError):
    """Another running task of the app is writing the same file."""


class OwnedTemp:
    """A file the app created exclusively beside ``final``, which only :meth:`publish` names.

    What every temp file of the app shares: creation recorded by identity in
    :mod:`app.core.owned_files`, the fsync before publishing, the rename that
    never replaces (:func:`~app.core.publish.rename.publish_no_replace`), and a
    removal that only ever deletes the app's own file. :class:`ExclusiveTemp`
    adds a lock and a hidden name for one-pass writes; a download's ``.part``
    (:class:`~app.core.downloads.partfile.PartFile`) adds a stable name, a
    sidecar and resume instead, since a locked random temp that a sweep removes
    could not be resumed.
    """

    def __init__(self, final: Path, path: Path) -> None:
        self.final = final
        self.path = path
        self.fd: int | None = None
        self._identity: Identity | None = None  # set while the file at ``path`` is ours

    @property
    def identity(self) -> Identity | None:
        """The identity of the file the app created at :attr:`path`, None once it is gone."""
        return self._identity

    def _create(self, path: Path) -> int:
        """Create ``path`` exclusively as the app's own and make it this temp; FileExistsError."""
        fd, identity = create_exclusive(path)
        self.path, self._identity = path, identity
        return fd

    def _adopt(self, path: Path, identity: Identity) -> None:
        """Take over the app's own file at ``path`` (found again, e.g. to resume it)."""
        self.close()
        self.path, self._identity = path, identity

    def sync(self) -> None:
        """Flush the open file to disk (before it gets a final name)."""
        if self.fd is not None:
            os.fsync(self.fd)

    def close(self) -> None:
        """Close the handle (done before publishing: Windows cannot rename open files)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def publish(self, final: Path | None = None) -> Path:
        """fsync, then give the file its real name (``final`` overrides); never replaces.

        FileExistsError when the name is taken; the file then stays the app's temp.
        """
        target = final or self.final
        self.sync()
        if os.name == "nt":
            self.close()
        publish_no_replace(self.path, target)
        forget(self.path)
        self._identity = None
        return target

    def remove(self) -> bool:
        """Close, and delete the file if it still is the app's own; True when removed."""
        self.close()
        identity, self._identity = self._identity, None
        return identity is not None and remove_ours(self.path, identity)


class ExclusiveTemp(OwnedTemp):
    """An open, locked temp file for ``final``; removed on exit unless published.

    Use as a context manager (:func:`exclusive_temp`); write through :attr:`fd`
    or :meth:`writer`, then :meth:`publish`. After a crash only this temp is
    left, and only the app's own temp is ever removed.
    """

    def __init__(self, final: Path) -> None:
        super().__init__(final, temp_path_for(final))

    def __enter__(self) -> ExclusiveTemp:
        self.path, self.fd = _create_locked(temp_path_for(self.final))
        self._identity = Identity.of_fd(self.fd)
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()  # nothing after a publish; never another file

    def writer(self) -> Callable[[memoryview], None]:
        """A sink writing blocks in order, starting their writeback early (Linux)."""
        if self.fd is None:
            raise ValueError("the temp file is closed")
        return block_writer(self.fd)

    def write(self, data: bytes) -> None:
        """Append ``data`` to the temp file."""
        self.writer()(memoryview(data))


def exclusive_temp(final: Path) -> ExclusiveTemp:
    """An owned, locked temp file beside ``final``; use it as a context manager."""
    return ExclusiveTemp(final)


def temp_path_for(final: Path) -> Path:
    """The hidden name a file is written under until it is complete and verified.

    ``.NAME.vaem-tmp``, or for a name too long for that ``.NAME-START~HASH.vaem-tmp``
    (the hash of the full name, so two long names never share a temp file).
    """
    name = f".{final.name}{TEMP_SUFFIX}"
    if _bytes(name) <= NAME_MAX:
        return final.with_name(name)
    digest = hashlib.sha256(os.fsencode(final.name)).hexdigest()[:12]
    return final.with_name("." + fit_name(final.name, f"~{digest}{TEMP_SUFFIX}", reserve=1))


def is_temp_name(name: str) -> bool:
    """Whether ``name`` looks like one of the app's temp files (ownership is checked apart)."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def fit_name(stem: str, tail: str, *, reserve: int = 0) -> str:
    """``stem + tail``, the stem cut by whole characters until it fits NAME_MAX - reserve."""
    budget = NAME_MAX - reserve - _bytes(tail)
    while stem and _bytes(stem) > budget:
        stem = stem[: max(len(stem) - 1 - (_bytes(stem) - budget) // 4, 0)]
    return stem + tail


def _bytes(name: str) -> int:
    return len(os.fsencode(name))


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
                raise TempBusy(f"another task is writing {tmp.name[1:]}") from None
            continue
        if _try_lock(fd):
            return fd
        os.close(fd)  # someone took it over between create and lock: theirs now
        raise TempBusy(f"another task is writing {tmp.name[1:]}")
    raise TempBusy(f"cannot create {tmp}")


def _other_name(base: Path) -> Path:
    """``.<random>.<name>.vaem-tmp``, shortened to fit a file name's 255 bytes."""
    inner = base.name
    if is_temp_name(inner):
        inner = inner[1 : -len(TEMP_SUFFIX)]
    head = f".{os.urandom(4).hex()}."
    while inner and _bytes(head + inner + TEMP_SUFFIX) > NAME_MAX:
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
    """Remove the app's own temp files left in ``folder`` by killed runs; return how many.

    A temp-looking file the app did not create is never touched, nor one a live
    writer still holds.
    """
    try:
        names = [n for n in os.listdir(folder) if is_temp_name(n)]
    except OSError:
        return 0
    return sum(is_ours(folder / name) and _remove_if_abandoned(folder / name) for name in names)
