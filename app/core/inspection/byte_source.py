"""Bounded, buffered reads over part of a file or a deflated zip member.

The pickle walk reads through :class:`ByteReader`, which knows how many bytes remain, so a
declared length can be checked against the data before anything is read, and long values
are skipped chunk by chunk instead of being held in memory. :class:`RawSource` gives the
same bytes to ``pickle.Unpickler`` as a file object.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO

from app.core.inspection.failure import BadFile
from app.core.inspection.records import PROBLEM_CORRUPT, PROBLEM_TRUNCATED

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

CHUNK = 1 << 20
Chunks = Callable[[int], bytes]  # up to n more bytes; b"" once the data is used up


def region_chunks(fh: BinaryIO, start: int, length: int) -> Chunks:
    """Reads of the ``length`` bytes at ``start`` in ``fh`` (stored zip member, file span)."""
    state = {"pos": start, "end": start + length}

    def read(n: int) -> bytes:
        want = min(n, state["end"] - state["pos"])
        if want <= 0:
            return b""
        fh.seek(state["pos"])
        data = fh.read(want)
        if not data:
            raise BadFile(PROBLEM_TRUNCATED, "the file ends inside a member: it was cut short")
        state["pos"] += len(data)
        return data

    return read


class Inflater:
    """Streams a raw-deflate member, never producing more than its declared size."""

    def __init__(self, fh: BinaryIO, start: int, compressed: int, size: int) -> None:
        self._compressed = region_chunks(fh, start, compressed)
        self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        self._left = size

    def __call__(self, n: int) -> bytes:
        """Up to ``n`` decompressed bytes (``b""`` at the declared end)."""
        want = min(n, self._left)
        while want > 0:
            data = self._inflate.unconsumed_tail or self._compressed(CHUNK)
            if not data:
                raise BadFile(PROBLEM_CORRUPT, "a deflated member ends before its data")
            try:
                out = self._inflate.decompress(data, want)
            except zlib.error as exc:
                raise BadFile(PROBLEM_CORRUPT, f"a deflated member is damaged ({exc})") from None
            if out:
                self._left -= len(out)
                return out
            if self._inflate.eof:
                raise BadFile(PROBLEM_CORRUPT, "a deflated member holds less than it declares")
        return b""


class ByteReader:
    """Sequential reads over ``length`` bytes from ``chunks``, with a running CRC-32."""

    def __init__(self, chunks: Chunks, length: int) -> None:
        self._chunks = chunks
        self.length = length
        self._buf = b""
        self._pos = 0
        self._base = 0  # offset of _buf[0] in the data
        self.crc = 0

    def tell(self) -> int:
        """Bytes consumed so far."""
        return self._base + self._pos

    def remaining(self) -> int:
        """Bytes left before the declared end."""
        return self.length - self.tell()

    def _fill(self) -> bool:
        data = self._chunks(CHUNK)
        if not data:
            return False
        self.crc = zlib.crc32(data, self.crc)
        self._base += self._pos
        self._buf = self._buf[self._pos :] + data
        self._pos = 0
        return True

    def byte(self) -> int:
        """The next byte, or -1 at the end."""
        if self._pos >= len(self._buf) and not self._fill():
            return -1
        value = self._buf[self._pos]
        self._pos += 1
        return value

    def read(self, n: int) -> bytes | None:
        """Exactly ``n`` bytes (callers keep ``n`` small), or None if the data ends first."""
        while len(self._buf) - self._pos < n:
            if not self._fill():
                return None
        data = self._buf[self._pos : self._pos + n]
        self._pos += n
        return data

    def skip(self, n: int) -> bool:
        """Pass over ``n`` bytes without keeping them; False if the data ends first."""
        while n > 0:
            have = len(self._buf) - self._pos
            if have >= n:
                self._pos += n
                return True
            n -= have
            self._pos = len(self._buf)
            if not self._fill():
                return False
        return True

    def readline(self, keep: int) -> tuple[bytes | None, bool]:
        """The next line without its newline, and whether a newline ended it.

        The line is None when longer than ``keep`` bytes (it is skipped, not held).
        """
        kept: list[bytes] = []
        size = 0
        while True:
            end = self._buf.find(b"\n", self._pos)
            stop = len(self._buf) if end < 0 else end
            if size <= keep:
                kept.append(self._buf[self._pos : stop])
            size += stop - self._pos
            self._pos = stop if end < 0 else end + 1
            if end >= 0:
                return (b"".join(kept) if size <= keep else None), True
            if not self._fill():
                return (b"".join(kept) if size <= keep else None), False

    def drain(self) -> int:
        """Read to the declared end (for the CRC); returns how many bytes that was."""
        left = self.remaining()
        self.skip(left)
        return left


class RawSource(io.RawIOBase):
    """A read-only file object over ``chunks``, for ``pickle.Unpickler``."""

    def __init__(self, chunks: Chunks) -> None:
        super().__init__()
        self._chunks = chunks
        self._left = b""

    def readable(self) -> bool:  # noqa: D102
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:  # noqa: D102
        view = memoryview(buffer).cast("B")
        data = self._left or self._chunks(min(len(view), CHUNK))
        n = min(len(view), len(data))
        view[:n] = data[:n]
        self._left = data[n:]
        return n


def open_stream(chunks: Chunks) -> io.BufferedReader:
    """A buffered file object over ``chunks``."""
    return io.BufferedReader(RawSource(chunks), buffer_size=CHUNK)
