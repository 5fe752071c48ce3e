"""Flush a growing file to disk in the background while more bytes arrive.

A download is fsynced before it gets its final name, so a crash can never
leave a "verified" file with missing bytes. Left to the end, that fsync waits
for the whole file (about 0.5 s per GiB on a typical disk); flushed as it
grows, only the last few MiB remain, on any link slower than the disk.
"""

from __future__ import annotations

import os
import threading

WRITEBACK_EVERY = 32 << 20
_datasync = getattr(os, "fdatasync", os.fsync)


class Writeback:
    """Background ``fdatasync`` of ``fileno`` after every ``every`` new bytes."""

    def __init__(self, fileno: int, every: int = WRITEBACK_EVERY) -> None:
        self._fileno = fileno
        self._every = every
        self._signalled = 0
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def wrote(self, total: int) -> None:
        """Note that the file now holds ``total`` bytes."""
        if total - self._signalled < self._every:
            return
        self._signalled = total
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="download-sync", daemon=True)
            self._thread.start()
        self._wake.set()

    def close(self) -> None:
        """Stop the thread (before the file is closed)."""
        if self._thread is not None:
            self._stopping = True
            self._wake.set()
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stopping:
                return
            try:
                _datasync(self._fileno)
            except OSError:
                return  # the closing fsync reports it
