"""Errors a user can act on, kept apart from bugs.

Anything raised as a :class:`UserError` carries a message fit for a dialog or a
one-line CLI error; anything else reaching the top is a bug and gets a traceback
in the log, never in a dialog. The subclasses say *what kind* of environment
problem it was (a file gone, a permission, a full disk, the network, a damaged
file, a database, memory), so a front can offer the matching way out.

:func:`from_os_error` is the one place an :class:`OSError` becomes a sentence, in
the spirit of Picard's ``File._set_error`` (``picard/file.py``): the errno picks
the class and the reason, the caller says what it was doing and to which path.
"""

from __future__ import annotations

import errno
import os
from enum import StrEnum
from pathlib import Path


class UserError(Exception):
    """A problem with the user's files or environment, explained in plain words."""


class Cancelled(Exception):
    """Raised inside a long job when its :class:`~app.core.tasks.CancelToken` is set."""


class SystemRefusal(UserError):
    """An OS-level failure made into a sentence by :func:`from_os_error`; ``path`` is the file."""

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = Path(path) if path is not None else None


class FileGone(SystemRefusal):
    """The file or folder is not there (moved, renamed or deleted meanwhile)."""


class PermissionDenied(SystemRefusal):
    """The OS refused access: file or folder permissions, or another program's lock."""


class DiskFull(SystemRefusal):
    """No space (or quota) left on the drive being written."""


class ReadOnlyDrive(SystemRefusal):
    """The drive is mounted read-only."""


class DeviceFailure(SystemRefusal):
    """The drive or its connection reported an I/O error."""


class NetworkError(SystemRefusal):
    """A server, share or connection could not be reached or went away."""


class CorruptFile(UserError):
    """A file's bytes are damaged or are not what its name says."""


class OutOfMemory(UserError):
    """The GPU (or the machine) ran out of memory for this job."""


class FileProblem(SystemRefusal):
    """Any other OS-level refusal that is about the file, not about the app."""


class Doing(StrEnum):
    """What the app was doing when the OS said no; the words go into the sentence."""

    READ = "read"
    WRITE = "write"
    OPEN = "open"
    CREATE = "create"
    COPY = "copy"
    HASH = "hash"
    RENAME = "rename"
    LINK = "link"
    LIST = "list the folder"


_GONE = {errno.ENOENT}
_PERMISSION = {errno.EACCES, errno.EPERM}
_FULL = {errno.ENOSPC, errno.EDQUOT}
_NETWORK = {
    errno.ETIMEDOUT,
    errno.ECONNRESET,
    errno.ECONNREFUSED,
    errno.ECONNABORTED,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
    errno.ENETDOWN,
    errno.ESTALE,
}
_WINDOWS_IN_USE = {32, 33}  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION

_OTHER_REASONS = {
    errno.EISDIR: "it is a folder, not a file",
    errno.ENAMETOOLONG: "the name is too long for this drive",
    errno.ELOOP: "it is a link that leads round in a loop (or too many links deep)",
    errno.ENOTDIR: "a file stands where a folder should be on that path",
    errno.EFBIG: "the file is too large for this drive (or for the size limit set for the app)",
    errno.EBUSY: "it is in use by another program; close that program and try again",
    errno.ETXTBSY: "it is in use by another program; close that program and try again",
    errno.EMFILE: "too many files are open at once; close some programs and try again",
    errno.ENFILE: "too many files are open at once; close some programs and try again",
    errno.EXDEV: "it is on another drive, and this step only works within one drive",
    errno.EEXIST: "something with that name is already there (it was left untouched)",
    errno.ENOTEMPTY: "the folder is not empty (it was left untouched)",
    errno.EINVAL: "the drive does not support this (a name or operation it cannot hold)",
}


def from_os_error(
    exc: OSError, doing: Doing | str, path: Path | str | None = None
) -> SystemRefusal:
    """The UserError, with one plain sentence, for ``exc`` met while ``doing`` ``path``.

    ``path`` defaults to the file the OS named (``""`` leaves it out, when the
    sentence is shown beside the file anyway); the sentence reads
    "cannot <doing> <path>: <reason>". Unknown errnos keep the OS's own words.
    """
    where = path if path is not None else (exc.filename or "")
    target = f" {os.fsdecode(where)}" if where != "" else ""
    lead = f"cannot {doing}{target}"
    cls, reason = _classify(exc)
    return cls(f"{lead}: {reason}", path=os.fsdecode(where) if where != "" else None)


def _classify(exc: OSError) -> tuple[type[SystemRefusal], str]:
    code = exc.errno
    if getattr(exc, "winerror", None) in _WINDOWS_IN_USE:
        return PermissionDenied, "another program has it open; close that program and try again"
    if isinstance(exc, FileNotFoundError) or code in _GONE:
        return FileGone, "it is not there (moved, renamed or deleted?)"
    if isinstance(exc, PermissionError) or code in _PERMISSION:
        return PermissionDenied, (
            "permission denied; check the file's and folder's permissions, or choose another place"
        )
    if code in _FULL:
        return DiskFull, "the drive is full; free some space and try again"
    if code == errno.EROFS:
        return ReadOnlyDrive, "the drive is read-only; choose a folder on a writable drive"
    if code == errno.EIO:
        return DeviceFailure, (
            "the drive reported an input/output error; the disk or its cable may be failing, "
            "so copy what matters elsewhere"
        )
    if isinstance(exc, (ConnectionError, TimeoutError)) or code in _NETWORK:
        return NetworkError, (
            f"the network or share did not answer ({exc.strerror or exc}); check the connection "
            "and try again"
        )
    if code in _OTHER_REASONS:
        return FileProblem, _OTHER_REASONS[code]
    return FileProblem, str(exc.strerror or exc)
