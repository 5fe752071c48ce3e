"""Pickle opcodes that push literal values: ints, floats, strings and bytes.

Arguments are read the way CPython's unpickler reads them (``Modules/_pickle.c``): counted
lengths are checked against the bytes left before anything is read, long values are
skipped rather than held, and a text argument it would reject stops the walk there too.
"""

from __future__ import annotations

import codecs

from app.core.inspection import pickle_values as pv
from app.core.inspection.byte_source import ByteReader
from app.core.inspection.failure import BadFile
from app.core.inspection.records import PROBLEM_CORRUPT, PROBLEM_TRUNCATED, ProblemCode

KEEP = 256  # longest string literal kept as a value
KEEP_BUDGET = 32 << 20  # characters of strings kept in all; later ones are TEXT
LINE_KEEP = 4096


class Stop(Exception):
    """The unpickler would raise here: nothing after this point runs."""

    def __init__(self, code: ProblemCode, message: str) -> None:
        super().__init__(message)
        self.bad = BadFile(code, message)


def corrupt(why: str) -> Stop:
    """A stop for bytes the unpickler rejects."""
    return Stop(PROBLEM_CORRUPT, f"not a valid pickle ({why})")


def truncated() -> Stop:
    """A stop for data that ends before the pickle does."""
    return Stop(PROBLEM_TRUNCATED, "pickle data ends early: the file was cut short")


class LiteralOps:
    """The literal-pushing half of the walk (see :class:`pickle_machine.Machine`)."""

    r: ByteReader
    stack: list[object]
    kept: int

    def _bytes(self, n: int) -> bytes:
        data = self.r.read(n)
        if data is None:
            raise truncated()
        return data

    def _uint(self, n: int) -> int:
        return int.from_bytes(self._bytes(n), "little")

    def _sized(self, n: int) -> bytes | None:
        """A counted argument: kept when short, skipped otherwise (None)."""
        if n > self.r.remaining():
            raise truncated()
        if n <= KEEP:
            return self._bytes(n)
        self.r.skip(n)
        return None

    def _line(self) -> bytes | None:
        data, complete = self.r.readline(LINE_KEEP)
        if not complete:
            raise truncated()
        return data

    def _text(self, value: str) -> object:
        """A string literal as a stack value: kept while the budget lasts."""
        if len(value) > KEEP or self.kept > KEEP_BUDGET:
            return pv.TEXT
        self.kept += len(value)
        return value

    def op_frame(self) -> None:
        if self._uint(8) > self.r.remaining():
            raise truncated()

    def op_int_line(self) -> None:
        data = self._line() or b""
        try:
            value: object = int(data) if len(data) < 20 else pv.BIG_INT
        except ValueError:
            value = pv.BIG_INT
        self.stack.append(value)

    def op_long_line(self) -> None:
        self._line()
        self.stack.append(pv.BIG_INT)

    def op_float_line(self) -> None:
        self._line()
        self.stack.append(pv.NOT_STR)

    def _fixed_int(self, size: int, signed: bool) -> None:
        self.stack.append(int.from_bytes(self._bytes(size), "little", signed=signed))

    def op_binint(self) -> None:
        self._fixed_int(4, True)

    def op_binint1(self) -> None:
        self._fixed_int(1, False)

    def op_binint2(self) -> None:
        self._fixed_int(2, False)

    def op_long1(self) -> None:
        self._long(self._uint(1))

    def op_long4(self) -> None:
        size = int.from_bytes(self._bytes(4), "little", signed=True)
        if size < 0:
            raise corrupt("negative LONG4 length")
        self._long(size)

    def _long(self, size: int) -> None:
        data = self._sized(size)
        if data is not None and size <= 8:
            self.stack.append(int.from_bytes(data, "little", signed=True))
        else:
            self.stack.append(pv.BIG_INT)

    def op_binfloat(self) -> None:
        self._bytes(8)
        self.stack.append(pv.NOT_STR)

    def op_const(self) -> None:  # NONE, NEWTRUE, NEWFALSE, EMPTY_LIST, EMPTY_DICT, EMPTY_SET
        self.stack.append(pv.NOT_STR)

    def op_string(self) -> None:
        data = self._line()
        if data is None:
            self.stack.append(pv.TEXT)
            return
        if len(data) < 2 or data[0] != data[-1] or data[:1] not in (b"'", b'"'):
            raise corrupt("unquoted STRING")
        try:
            value = codecs.escape_decode(data[1:-1])[0]
        except ValueError:
            raise corrupt("bad STRING escape") from None
        self._push_py2_str(value)

    def _push_py2_str(self, value: bytes | None) -> None:
        # Python 2 str: decoded with the loader's encoding (torch passes utf-8); only ASCII
        # reads the same under every encoding, so only that is kept as a name.
        if value is not None and value.isascii():
            self.stack.append(self._text(value.decode("ascii")))
        else:
            self.stack.append(pv.TEXT)

    def op_binstring(self) -> None:
        size = int.from_bytes(self._bytes(4), "little", signed=True)
        if size < 0:
            raise corrupt("negative BINSTRING length")
        self._push_py2_str(self._sized(size))

    def op_short_binstring(self) -> None:
        self._push_py2_str(self._sized(self._uint(1)))

    def op_unicode(self) -> None:
        data = self._line()
        if data is None:
            self.stack.append(pv.TEXT)
            return
        try:
            value = data.decode("raw-unicode-escape")
        except UnicodeDecodeError:
            raise corrupt("bad UNICODE escape") from None
        self.stack.append(self._text(value))

    def _utf8(self, size: int) -> None:
        data = self._sized(size)
        if data is None:
            self.stack.append(pv.TEXT)
            return
        try:
            self.stack.append(self._text(data.decode("utf-8", "surrogatepass")))
        except UnicodeDecodeError:
            raise corrupt("string not UTF-8") from None

    def op_binunicode(self) -> None:
        self._utf8(self._uint(4))

    def op_short_binunicode(self) -> None:
        self._utf8(self._uint(1))

    def op_binunicode8(self) -> None:
        self._utf8(self._uint(8))

    def _binary(self, size: int) -> None:
        self._sized(size)
        self.stack.append(pv.BYTES)

    def op_binbytes(self) -> None:
        self._binary(self._uint(4))

    def op_short_binbytes(self) -> None:
        self._binary(self._uint(1))

    def op_binbytes8(self) -> None:  # also BYTEARRAY8
        self._binary(self._uint(8))
