"""The start-up lock: one start at a time checks for a running instance and becomes it.

On Unix it is an advisory ``flock`` on a file in Qt's temp folder: taking it
costs one ``open`` (QLockFile writes and ``fdatasync``s a file of its own,
1-8 ms on a busy disk, and deletes it again), and the kernel drops it when
the holder dies, so no stale lock needs detecting. The file stays in place:
deleting a lock file while another start has it open would let a third lock
a new file beside them. Windows has no ``flock``: there it is a
:class:`QLockFile`, as before.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QDir

if TYPE_CHECKING:
    from PySide6.QtCore import QLockFile

POLL_S = 0.01  # how often a waiting start retries: the holder gives the lock back in ~100 ms


class StartLock:
    """Held from the check for a running instance until this one listens (or exits)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.path = QDir(QDir.tempPath()).filePath(f"{name}.start-lock")
        self._fd: int | None = None
        self._qt_lock: QLockFile | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None or self._qt_lock is not None

    def acquire(self, timeout_ms: int) -> bool:
        """Take the lock, waiting up to ``timeout_ms``; False when it stayed taken (or unusable)."""
        if sys.platform.startswith("win"):
            from PySide6.QtCore import QLockFile

            lock = QLockFile(QDir(QDir.tempPath()).filePath(f"{self.name}.lock"))
            if lock.tryLock(timeout_ms):
                self._qt_lock = lock
            return self.held
        import fcntl

        try:  # never follow a link someone else planted in the shared temp folder
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        except OSError:
            return False
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                wait_for_holder()
                continue
            except OSError:  # a file system without locks: start unlocked, as on a timeout
                os.close(fd)
                return False
            self._fd = fd
            return True

    def release(self) -> None:
        """Give the lock back (closing the file releases the ``flock``); no-op when not held."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)
        qt_lock, self._qt_lock = self._qt_lock, None
        if qt_lock is not None:
            qt_lock.unlock()


def wait_for_holder() -> None:
    """One pause while another start holds the lock (a test replaces it to see the wait)."""
    time.sleep(POLL_S)
