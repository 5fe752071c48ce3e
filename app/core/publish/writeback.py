"""Start writing finished ranges of a new file to disk while the rest is still copied.

A copy into a temp file ends with ``fsync``; on its own that waits for every
byte at once (0.07 s for 160 MiB here). Asking the kernel to begin writeback of
each block as soon as it is written (Linux ``sync_file_range`` with
``SYNC_FILE_RANGE_WRITE``: start, do not wait) overlaps the disk with the
hashing, so the final ``fsync`` (still called: it is what makes the file
durable, metadata included) finds little left to do. Measured with 160 MiB on
the 2-core ext4 machine: copy + fsync 0.27 s plain, 0.13 s with early writeback.
Elsewhere, or when the call is missing, this does nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

_SYNC_FILE_RANGE_WRITE = 2  # linux/fs.h
WRITE_PIECE = 1 << 20
"""Largest single ``write``. A fresh process copying 160 MiB on the 2-core ext4 VM with
8 MiB ``write`` calls took 0.40-0.48 s in about half its runs (the kernel time inside
``write``), 0.05-0.06 s otherwise; the same 8 MiB reads written in 1 MiB pieces took
0.050-0.061 s in every run, and so did 1 MiB and 256 KiB blocks."""


def block_writer(fd: int) -> Callable[[memoryview], None]:
    """A sink that writes each block to ``fd`` in order and starts its writeback."""
    start_writeback = _sync_file_range()
    offset = 0

    def write(block: memoryview) -> None:
        nonlocal offset
        length = len(block)
        while block:
            block = block[os.write(fd, block[:WRITE_PIECE]) :]
        if start_writeback is not None:
            start_writeback(fd, offset, length, _SYNC_FILE_RANGE_WRITE)  # a hint: result ignored
        offset += length

    return write


def writeback_starter(fd: int) -> Callable[[int, int], None] | None:
    """``start(offset, length)``: begin writeback of that range of ``fd`` (Linux), else None.

    For writers that keep their own offsets (a download's ``.part``, appended
    after a resume and cut back after a failed write).
    """
    start_writeback = _sync_file_range()
    if start_writeback is None:
        return None

    def start(offset: int, length: int) -> None:
        start_writeback(fd, offset, length, _SYNC_FILE_RANGE_WRITE)  # a hint: result ignored

    return start


def _sync_file_range() -> Callable[[int, int, int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        func = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func
