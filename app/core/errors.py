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

from app.core.messages import say  # at import: an error path must not need to open files


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
    WRITE_LIBRARY = "write to the library"
    COPY_INTO_LIBRARY = "copy it into the library"
    UNDO = "undo"


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

_OTHER_REASONS = {  # the template of the plain reason (app.core.messages "why.*")
    errno.EISDIR: "why.is-folder",
    errno.ENAMETOOLONG: "why.name-too-long",
    errno.ELOOP: "why.loop",
    errno.ENOTDIR: "why.not-a-folder",
    errno.EFBIG: "why.too-large",
    errno.EBUSY: "why.busy",
    errno.ETXTBSY: "why.busy",
    errno.EMFILE: "why.too-many-open",
    errno.ENFILE: "why.too-many-open",
    errno.EXDEV: "why.other-drive",
    errno.EEXIST: "why.exists",
    errno.ENOTEMPTY: "why.not-empty",
    errno.EINVAL: "why.unsupported",
}
# What the app was doing -> its lead templates (with a path, without one): the window
# translates the whole sentence. Another ``doing`` keeps the English lead.
_LEADS: dict[str, tuple[str, str]] = {
    Doing.READ: ("os.cannot-read", "os.read"),
    Doing.WRITE: ("os.cannot-write", "os.write"),
    Doing.OPEN: ("os.cannot-open", "os.open"),
    Doing.CREATE: ("os.cannot-create", "os.create"),
    Doing.COPY: ("os.cannot-copy", "os.copy"),
    Doing.HASH: ("os.cannot-hash", "os.hash"),
    Doing.RENAME: ("os.cannot-rename", "os.rename"),
    Doing.LINK: ("os.cannot-link", "os.link"),
    Doing.LIST: ("os.cannot-list", "os.list"),
    Doing.WRITE_LIBRARY: ("os.cannot-write-library", "os.write-library"),
    Doing.COPY_INTO_LIBRARY: ("os.cannot-copy-into-library", "os.copy-into-library"),
    Doing.UNDO: ("os.cannot-undo", "os.undo"),
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
    shown = os.fsdecode(where) if where != "" else None
    cls, reason = _classify(exc)
    leads = _LEADS.get(str(doing))
    if leads is None:
        target = f" {shown}" if shown is not None else ""
        return cls(f"cannot {doing}{target}: {reason}", path=shown)
    if shown is None:
        return cls(say(leads[1], reason=reason), path=None)
    return cls(say(leads[0], path=shown, reason=reason), path=shown)


def _classify(exc: OSError) -> tuple[type[SystemRefusal], str]:
    code = exc.errno
    if getattr(exc, "winerror", None) in _WINDOWS_IN_USE:
        return PermissionDenied, say("why.in-use-windows")
    if isinstance(exc, FileNotFoundError) or code in _GONE:
        return FileGone, say("why.gone")
    if isinstance(exc, PermissionError) or code in _PERMISSION:
        return PermissionDenied, say("why.permission")
    if code in _FULL:
        return DiskFull, say("why.full")
    if code == errno.EROFS:
        return ReadOnlyDrive, say("why.read-only")
    if code == errno.EIO:
        return DeviceFailure, say("why.io")
    if isinstance(exc, (ConnectionError, TimeoutError)) or code in _NETWORK:
        return NetworkError, say("why.network", detail=exc.strerror or exc)
    if code in _OTHER_REASONS:
        return FileProblem, say(_OTHER_REASONS[code])
    return FileProblem, str(exc.strerror or exc)
