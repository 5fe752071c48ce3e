"""The pickle stack machine: marks, memo, globals and calls, with explicit limits.

One frame per open MARK (as torch's weights-only unpickler keeps them), values as in
:mod:`pickle_values`. Every handler mirrors what CPython's unpickler does with the same
opcode, so the walk stops exactly where a real load would fail, and no earlier.
"""

from __future__ import annotations

import _compat_pickle
from collections.abc import Callable

from app.core.inspection import pickle_values as pv
from app.core.inspection.byte_source import ByteReader
from app.core.inspection.failure import BadFile
from app.core.inspection.pickle_literals import LiteralOps, Stop, corrupt, truncated
from app.core.inspection.records import PROBLEM_CORRUPT, PROBLEM_UNSAFE_PICKLE

UNRESOLVED = "<unresolved STACK_GLOBAL>"
EXTENSION = "<copyreg extension {}>"
OVERLONG = "<overlong name>"

MAX_OPCODES = 2_000_000  # a large checkpoint's pickle has about 100,000
MAX_MEMO_INDEX = 1 << 21  # CPython sizes its memo table by the largest index
MAX_STACK = 1_000_000
MAX_MARKS = 10_000


def cannot_prove(why: str) -> BadFile:
    """The refusal for a file whose safety the scan could not establish."""
    return BadFile.of(PROBLEM_UNSAFE_PICKLE, "pickle.unproven", why=why)


def normalize_global(module: str, name: str) -> str:
    """``module.name`` with Python 2 pickle names mapped the way the unpickler maps them."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        module, name = _compat_pickle.NAME_MAPPING[(module, name)]
    module = _compat_pickle.IMPORT_MAPPING.get(module, module)
    return f"{module}.{name}"


def _underflow() -> Stop:
    return corrupt("stack underflow")


def _importable(module: str) -> bool:
    # An import of a name with NUL bytes or that is not dotted identifiers finds no module
    # on sys.path, so the unpickler fails there (ModuleNotFoundError/ValueError).
    return all(part.isidentifier() for part in module.split("."))


class Machine(LiteralOps):
    """Walks one pickle; ``globals`` and ``refusals`` say what loading it would do."""

    def __init__(self, reader: ByteReader, persistent_ids: bool, max_opcodes: int) -> None:
        self.r = reader
        self.max_opcodes = max_opcodes
        self.persistent_ids = persistent_ids
        self.stack: list[object] = []
        self.frames: list[list[object]] = []
        self.memo: dict[int, object] = {}
        self.globals: set[str] = set()
        self.refusals: list[str] = []
        self.proto = 0
        self.refs: dict[str, pv.GlobalRef] = {}
        self.kept = 0

    def run(self) -> None:
        table = _TABLE
        r = self.r
        for count in range(self.max_opcodes):
            op = r.byte()
            if op < 0:
                raise truncated()
            handler = table[op]
            if handler is None:
                raise corrupt(f"byte 0x{op:02x} at offset {r.tell() - 1:,} is no opcode")
            if handler(self):
                return
            if not count & 0xFFFF:
                self._check_size()
        raise cannot_prove(f"the pickle has more than {self.max_opcodes:,} opcodes")

    def _check_size(self) -> None:
        if len(self.stack) + sum(map(len, self.frames)) > MAX_STACK:
            raise cannot_prove(f"the pickle stack grows past {MAX_STACK:,} items")

    def _name_line(self) -> str:
        data = self._line()
        if data is None:
            return OVERLONG
        if not data:
            raise corrupt("empty GLOBAL name")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise corrupt("GLOBAL name not UTF-8") from None

    def _decimal(self) -> int:
        data = self._line()
        try:
            return int(data or b"x")
        except ValueError:
            raise corrupt("bad memo index") from None

    def _pop_frame(self) -> list[object]:
        if not self.frames:
            raise corrupt("no MARK to pop to")
        items = self.stack
        self.stack = self.frames.pop()
        return items

    def _need(self, n: int) -> None:
        if len(self.stack) < n:
            raise _underflow()

    def _refuse(self, why: str | None) -> None:
        if why is not None and why not in self.refusals:
            self.refusals.append(why)

    def _tuple(self, items: list[object], *, frozen: bool = False) -> pv.TupleRef:
        value = pv.TupleRef(items, frozen=frozen)
        if value.depth > pv.MAX_NESTING:  # hashing such a key recurses in C and can crash
            raise cannot_prove(f"it nests tuples more than {pv.MAX_NESTING} deep")
        return value

    def _import(self, module: str, name: str) -> pv.GlobalRef:
        if module != OVERLONG and not _importable(module):
            raise corrupt(f"no module can be named {module!r}")
        full = normalize_global(module, name) if self.proto < 3 else f"{module}.{name}"
        ref = self.refs.get(full)
        if ref is None:
            if len(self.refs) >= MAX_MEMO_INDEX:
                raise cannot_prove(f"the pickle names more than {MAX_MEMO_INDEX:,} globals")
            self.globals.add(full)
            ref = self.refs[full] = pv.GlobalRef(full)
        return ref

    def _memo_put(self, index: int) -> None:
        if not self.stack:
            raise _underflow()
        if not 0 <= index <= MAX_MEMO_INDEX:
            raise cannot_prove(f"memo index {index:,} is past the limit of {MAX_MEMO_INDEX:,}")
        self.memo[index] = self.stack[-1]

    def _memo_get(self, index: int) -> None:
        if index not in self.memo:
            raise corrupt("memo value not found")
        self.stack.append(self.memo[index])

    def op_mark(self) -> None:
        if len(self.frames) >= MAX_MARKS:
            raise cannot_prove(f"the pickle opens more than {MAX_MARKS:,} MARKs at once")
        self.frames.append(self.stack)
        self.stack = []

    def op_stop(self) -> bool:
        self._need(1)
        return True

    def op_pop(self) -> None:
        if self.stack:
            self.stack.pop()
        elif self.frames:
            self.stack = self.frames.pop()
        else:
            raise _underflow()

    def op_pop_mark(self) -> None:
        self._pop_frame()

    def op_dup(self) -> None:
        self._need(1)
        self.stack.append(self.stack[-1])

    def op_proto(self) -> None:
        self.proto = self._uint(1)

    def op_empty_tuple(self) -> None:
        self.stack.append(_EMPTY_TUPLE)

    def op_global(self) -> None:
        module = self._name_line()
        name = self._name_line()
        self.stack.append(self._import(module, name))

    def op_stack_global(self) -> None:
        self._need(2)
        name = self.stack.pop()
        module = self.stack.pop()
        if pv.cannot_be_str(module) or pv.cannot_be_str(name):
            raise corrupt("STACK_GLOBAL needs strings")
        if isinstance(module, str) and isinstance(name, str):
            self.stack.append(self._import(module, name))
        else:
            self.globals.add(UNRESOLVED)
            self.stack.append(pv.OTHER)

    def op_inst(self) -> None:
        args = self._pop_frame()
        cls = self._import(self._name_line(), self._name_line())
        self._refuse(pv.call_refusal(cls, self._tuple(args)))
        self.stack.append(pv.OTHER)

    def op_obj(self) -> None:
        items = self._pop_frame()
        if not items:
            raise _underflow()
        self._refuse(pv.call_refusal(items[0], self._tuple(items[1:])))
        self.stack.append(pv.OTHER)

    def op_ext(self, size: int) -> None:
        # copyreg's extension registry is empty unless the loading program fills it (no UI
        # or torch does), so the unpickler fails here; it is still counted as an import.
        self.globals.add(EXTENSION.format(self._uint(size)))
        raise corrupt("copyreg extension code")

    def op_reduce(self) -> None:
        self._need(2)
        args = self.stack.pop()
        why = pv.call_refusal(self.stack[-1], args)
        self._refuse(why)
        self.stack[-1] = pv.call_result(self.stack[-1], why is not None)

    def op_newobj(self) -> None:
        self._need(2)
        args = self.stack.pop()
        self._refuse(pv.call_refusal(self.stack[-1], args))
        self.stack[-1] = pv.OTHER

    def op_newobj_ex(self) -> None:
        self._need(3)
        self.stack.pop()  # kwargs
        args = self.stack.pop()
        self._refuse(pv.call_refusal(self.stack[-1], args))
        self.stack[-1] = pv.OTHER

    def op_build(self) -> None:
        self._need(2)
        self.stack.pop()

    def op_persid(self) -> None:
        self._line()
        self._persistent()

    def op_binpersid(self) -> None:
        self._need(1)
        self.stack.pop()
        self._persistent()

    def _persistent(self) -> None:
        if not self.persistent_ids:
            raise Stop(PROBLEM_CORRUPT, "not a valid pickle here (persistent id)")
        self.stack.append(pv.OTHER)

    def op_tuple(self) -> None:
        value = self._tuple(self._pop_frame())  # pops first: self.stack changes
        self.stack.append(value)

    def _tuple_n(self, n: int) -> None:
        self._need(n)
        items = self.stack[-n:]
        del self.stack[-n:]
        self.stack.append(self._tuple(items))

    def op_tuple1(self) -> None:
        self._tuple_n(1)

    def op_tuple2(self) -> None:
        self._tuple_n(2)

    def op_tuple3(self) -> None:
        self._tuple_n(3)

    def op_list(self) -> None:
        self._pop_frame()
        self.stack.append(pv.NOT_STR)

    def op_dict(self) -> None:
        self._pop_frame()
        self.stack.append(pv.NOT_STR)

    def op_frozenset(self) -> None:
        value = self._tuple(self._pop_frame(), frozen=True)
        self.stack.append(value)

    def op_append(self) -> None:
        self._need(2)
        self.stack.pop()

    def op_setitem(self) -> None:
        self._need(3)
        del self.stack[-2:]

    def op_into_container(self) -> None:  # APPENDS, SETITEMS, ADDITEMS
        self._pop_frame()
        self._need(1)

    def op_put_line(self) -> None:
        self._memo_put(self._decimal())

    def op_binput(self) -> None:
        self._memo_put(self._uint(1))

    def op_long_binput(self) -> None:
        self._memo_put(self._uint(4))

    def op_memoize(self) -> None:
        self._memo_put(len(self.memo))

    def op_get_line(self) -> None:
        self._memo_get(self._decimal())

    def op_binget(self) -> None:
        self._memo_get(self._uint(1))

    def op_long_binget(self) -> None:
        self._memo_get(self._uint(4))

    def op_next_buffer(self) -> None:
        raise Stop(PROBLEM_CORRUPT, "not a valid pickle here (out-of-band buffer)")

    def op_readonly_buffer(self) -> None:
        self._need(1)


_Handler = Callable[[Machine], "bool | None"]
"""An opcode's method: True means the pickle ended (STOP)."""


def _build_table() -> list[_Handler | None]:
    w = Machine
    ops: dict[bytes, _Handler] = {
        b"(": w.op_mark, b".": w.op_stop, b"0": w.op_pop, b"1": w.op_pop_mark,
        b"2": w.op_dup, b"F": w.op_float_line, b"I": w.op_int_line, b"J": w.op_binint,
        b"K": w.op_binint1, b"L": w.op_long_line, b"M": w.op_binint2, b"N": w.op_const,
        b"P": w.op_persid, b"Q": w.op_binpersid, b"R": w.op_reduce, b"S": w.op_string,
        b"T": w.op_binstring, b"U": w.op_short_binstring, b"V": w.op_unicode,
        b"X": w.op_binunicode, b"a": w.op_append, b"b": w.op_build, b"c": w.op_global,
        b"d": w.op_dict, b"}": w.op_const, b"e": w.op_into_container, b"g": w.op_get_line,
        b"h": w.op_binget, b"i": w.op_inst, b"j": w.op_long_binget, b"l": w.op_list,
        b"]": w.op_const, b"o": w.op_obj, b"p": w.op_put_line, b"q": w.op_binput,
        b"r": w.op_long_binput, b"s": w.op_setitem, b"t": w.op_tuple,
        b")": w.op_empty_tuple, b"u": w.op_into_container, b"G": w.op_binfloat,
        b"\x80": w.op_proto, b"\x81": w.op_newobj, b"\x82": lambda s: s.op_ext(1),
        b"\x83": lambda s: s.op_ext(2), b"\x84": lambda s: s.op_ext(4),
        b"\x85": w.op_tuple1, b"\x86": w.op_tuple2, b"\x87": w.op_tuple3,
        b"\x88": w.op_const, b"\x89": w.op_const, b"\x8a": w.op_long1, b"\x8b": w.op_long4,
        b"B": w.op_binbytes, b"C": w.op_short_binbytes, b"\x8c": w.op_short_binunicode,
        b"\x8d": w.op_binunicode8, b"\x8e": w.op_binbytes8, b"\x8f": w.op_const,
        b"\x90": w.op_into_container, b"\x91": w.op_frozenset, b"\x92": w.op_newobj_ex,
        b"\x93": w.op_stack_global, b"\x94": w.op_memoize, b"\x95": w.op_frame,
        b"\x96": w.op_binbytes8, b"\x97": w.op_next_buffer, b"\x98": w.op_readonly_buffer,
    }  # fmt: skip
    table: list[_Handler | None] = [None] * 256
    for code, handler in ops.items():
        table[code[0]] = handler
    return table


_TABLE = _build_table()
_EMPTY_TUPLE = pv.TupleRef([])
