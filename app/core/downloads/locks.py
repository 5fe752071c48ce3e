"""One writer per target file, across threads and across processes.

Two downloads of the same file would interleave bytes in one ``.part``. Inside
the app a registry of held paths answers at once; between processes (GUI and
CLI at the same time) a ``<name>.lock`` file created with ``O_EXCL`` holds the
owner's pid, so a lock left by a crashed process can be recognised and taken over.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

from app.core import owned_files
from app.core.errors import UserError

LOCK_SUFFIX = ".lock"
_UNWRITTEN_GRACE_S = 10.0  # a lock file still empty after this long is debris

_held: set[str] = set()
_held_guard = threading.Lock()


class TargetBusy(UserError):
    """Another download of the same file is running."""


class TargetLock:
    """Context manager holding the right to write ``target`` and its ``.part``."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.lock_file = target.with_name(target.name + LOCK_SUFFIX)
        self._key = os.path.normcase(os.path.abspath(target))
        self._identity: owned_files.Identity | None = None

    def __enter__(self) -> TargetLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock or raise :class:`TargetBusy` naming who holds it."""
        with _held_guard:
            if self._key in _held:
                raise TargetBusy(f"{self.target.name} is already being downloaded")
            _held.add(self._key)
        try:
            self._create_lock_file()
        except BaseException:
            with _held_guard:
                _held.discard(self._key)
            raise

    def release(self) -> None:
        """Drop the lock file (only while it is still the one this lock wrote) and the claim."""
        if self._identity is not None:
            owned_files.remove_ours(self.lock_file, self._identity)
            self._identity = None
        with _held_guard:
            _held.discard(self._key)

    def _create_lock_file(self) -> None:
        for _ in range(3):
            try:
                fd, self._identity = owned_files.create_exclusive(self.lock_file)
            except FileExistsError:
                if not owned_files.is_ours(self.lock_file):
                    raise TargetBusy(_foreign_message(self.target, self.lock_file)) from None
                if not _is_stale(self.lock_file):
                    raise TargetBusy(_busy_message(self.target, self.lock_file)) from None
                owned_files.remove_ours(self.lock_file)  # left by a crashed run of this app
                continue
            owner = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(owner, handle)
            return
        raise TargetBusy(_busy_message(self.target, self.lock_file))


def _busy_message(target: Path, lock_file: Path) -> str:
    return (
        f"{target.name} is being downloaded by another running copy of the app; if none is "
        f"running, delete {lock_file}"
    )


def _foreign_message(target: Path, lock_file: Path) -> str:
    return (
        f"{target.name} cannot be downloaded: {lock_file} exists but was not made by this app, "
        "so it is left alone; remove it if it is not needed"
    )


def _is_stale(lock_file: Path) -> bool:
    """A lock is stale when its owner process is gone (or it was never written)."""
    try:
        text = lock_file.read_text(encoding="utf-8")
        age = time.time() - lock_file.stat().st_mtime
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        owner = json.loads(text)
        pid, host = int(owner["pid"]), str(owner["host"])
    except (ValueError, KeyError, TypeError):
        return age > _UNWRITTEN_GRACE_S
    if host != socket.gethostname():
        return False  # another machine on a shared folder: its pids mean nothing here
    if pid == os.getpid():
        return True  # this process holds no such lock (checked in-process first): a reused pid
    return not pid_alive(pid)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (never signals it)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _windows_pid_alive(pid: int) -> bool:
    # os.kill on Windows terminates the process, so ask the kernel instead.
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return bool(kernel32.GetLastError() == 5)  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)
