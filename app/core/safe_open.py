"""Open only regular files: a FIFO, socket or device file is named, never read.

Opening a named pipe blocks until someone writes to it, and reading ``/dev/zero``
never ends, so a model folder holding one (or a link to one) would hang every
command that reads files. :func:`regular_stat` checks a path before anything
opens it; :func:`open_regular` also closes the gap between that check and the
open (a file swapped for a FIFO in between): it opens without blocking, checks
the open descriptor, and only then switches it back to ordinary blocking reads.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
from collections.abc import Iterator
from typing import Literal, overload

from app.core.errors import UserError

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_FLAGS = os.O_RDONLY | _NONBLOCK | _NOCTTY | _CLOEXEC | _BINARY


class NotRegularFile(UserError):
    """A path that is a FIFO, socket, device or folder where a file's bytes were wanted.

    ``what`` names it ("named pipe (FIFO)", "device file /dev/zero"); the message
    says it was not opened.
    """

    def __init__(self, path: str | os.PathLike[str], what: str) -> None:
        self.path = os.fspath(path)
        self.what = what
        super().__init__(f"{self.path} is a {what}, not a model file: not opened")

    @property
    def skip_reason(self) -> str:
        """The short reason a batch lists the path under: ``"named pipe (FIFO): skipped"``."""
        return f"{self.what}: skipped"


def special_kind(path: str | os.PathLike[str], st: os.stat_result) -> str | None:
    """What a non-regular ``st`` is, in words (links named by target); None for a regular file.

    ``path`` is only used to name the device a link leads to (``/dev/zero``).
    """
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        target = os.path.realpath(path)
        return "device file" if target == os.path.abspath(path) else f"device file {target}"
    if stat.S_ISDIR(mode):
        return "folder"
    return "special file"


def regular_stat(path: str | os.PathLike[str]) -> os.stat_result:
    """``os.stat(path)`` (links followed) of a regular file; NotRegularFile for anything else.

    OSError (not found, permission denied) passes through for the caller to word.
    """
    st = os.stat(path)
    what = special_kind(path, st)
    if what is not None:
        raise NotRegularFile(path, what)
    return st


@overload
def open_regular(path: str | os.PathLike[str], *, buffering: Literal[0]) -> io.FileIO: ...
@overload
def open_regular(
    path: str | os.PathLike[str], *, buffering: Literal[-1] = -1
) -> io.BufferedReader: ...
def open_regular(
    path: str | os.PathLike[str], *, buffering: int = -1
) -> io.FileIO | io.BufferedReader:
    """Open ``path`` for binary reading only if it is a regular file (see the module docstring).

    Raises NotRegularFile for a FIFO, socket, device or folder, OSError otherwise.
    """
    regular_stat(path)  # devices are never opened at all: opening some has side effects
    fd = os.open(path, _FLAGS)
    try:
        what = special_kind(path, os.fstat(fd))
        if what is not None:
            raise NotRegularFile(path, what)
        if _NONBLOCK:
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb", buffering=buffering)  # type: ignore[return-value]  # see overloads


@contextlib.contextmanager
def utf8_path(path: str | os.PathLike[str]) -> Iterator[str]:
    """A name for ``path`` that readers written in Rust or C++ (safetensors) can take.

    They want UTF-8, and a Linux file name may hold any bytes. Such a file is
    opened here and named through ``/proc/self/fd`` for as long as the block runs;
    where that does not exist a UserError says to rename the file.
    """
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        yield text
        return
    if not os.path.isdir("/proc/self/fd"):
        raise UserError(f"{text!r}: a file name that is not valid UTF-8; rename the file")
    with open_regular(path) as handle:
        yield f"/proc/self/fd/{handle.fileno()}"
