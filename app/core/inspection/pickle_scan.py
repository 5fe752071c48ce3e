"""Find every global a pickle would import, by walking its opcodes without executing it.

``pickletools.genops`` only decodes opcodes; a small stack simulation resolves the module
and name strings that protocol-4 ``STACK_GLOBAL`` takes from the stack (directly or via the
memo). Anything the simulation cannot resolve counts as unsafe: the scan fails closed.
"""

from __future__ import annotations

import _compat_pickle
import pickletools
from typing import BinaryIO

from app.core.inspection.failure import BadFile
from app.core.inspection.records import PROBLEM_CORRUPT, PROBLEM_TRUNCATED

UNRESOLVED = "<unresolved STACK_GLOBAL>"

_MARK = object()
_STRING_OPS = frozenset(
    {
        "STRING",
        "BINSTRING",
        "SHORT_BINSTRING",
        "UNICODE",
        "SHORT_BINUNICODE",
        "BINUNICODE",
        "BINUNICODE8",
    }
)
_GET_OPS = frozenset({"GET", "BINGET", "LONG_BINGET"})
_PUT_OPS = frozenset({"PUT", "BINPUT", "LONG_BINPUT"})
_EXT_OPS = frozenset({"EXT1", "EXT2", "EXT4"})
# Substrings of the ValueErrors pickletools raises when the bytes run out.
_TRUNCATION_HINTS = ("exhausted", "but only", "not enough data", "no newline found")


def scan_pickle(stream: BinaryIO) -> set[str]:
    """Walk one pickle (up to its STOP) and return the ``module.name`` globals it imports.

    Leaves ``stream`` positioned just after STOP. Raises :class:`BadFile` when the bytes
    end early (truncated) or are not a pickle (corrupt).
    """
    sim = _StackSim()
    try:
        for opcode, arg, _pos in pickletools.genops(stream):
            sim.step(opcode, arg)
    except ValueError as exc:
        if any(hint in str(exc) for hint in _TRUNCATION_HINTS):
            raise BadFile(
                PROBLEM_TRUNCATED, "pickle data ends early: the file was cut short"
            ) from None
        raise BadFile(PROBLEM_CORRUPT, f"not a valid pickle ({exc})") from None
    except (IndexError, KeyError):
        raise BadFile(PROBLEM_CORRUPT, "malformed pickle (stack or memo misuse)") from None
    return sim.globals


def normalize_global(module: str, name: str) -> str:
    """``module.name`` with Python 2 pickle names mapped the way the unpickler maps them."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        module, name = _compat_pickle.NAME_MAPPING[(module, name)]
    module = _compat_pickle.IMPORT_MAPPING.get(module, module)
    return f"{module}.{name}"


class _StackSim:
    """Tracks just enough of the pickle stack and memo to resolve STACK_GLOBAL operands."""

    def __init__(self) -> None:
        self.stack: list[object] = []
        self.memo: dict[int, object] = {}
        self.globals: set[str] = set()

    def step(self, opcode: pickletools.OpcodeInfo, arg: object) -> None:
        name = opcode.name
        if name in ("GLOBAL", "INST"):
            module, _, attr = str(arg).partition(" ")
            self.globals.add(normalize_global(module, attr))
        elif name in _EXT_OPS:
            self.globals.add(f"<copyreg extension {arg}>")
        if name == "STACK_GLOBAL":
            self._stack_global()
        elif name in _STRING_OPS:
            self.stack.append(arg if isinstance(arg, str) else None)
        elif name in _GET_OPS:
            self.stack.append(self.memo.get(int(arg)))  # type: ignore[arg-type]
        elif name in _PUT_OPS:
            self.memo[int(arg)] = self.stack[-1]  # type: ignore[arg-type]
        elif name == "MEMOIZE":
            self.memo[len(self.memo)] = self.stack[-1]
        elif name == "DUP":
            self.stack.append(self.stack[-1])
        else:
            self._generic(opcode)

    def _stack_global(self) -> None:
        module, attr = self.stack[-2], self.stack[-1]
        if isinstance(module, str) and isinstance(attr, str):
            self.globals.add(normalize_global(module, attr))
        else:
            self.globals.add(UNRESOLVED)
        del self.stack[-2:]
        self.stack.append(None)

    def _generic(self, opcode: pickletools.OpcodeInfo) -> None:
        before, after = opcode.stack_before, opcode.stack_after
        is_pop_mark = opcode.name == "POP" and self.stack and self.stack[-1] is _MARK
        if pickletools.markobject in before or is_pop_mark:
            while self.stack[-1] is not _MARK:
                self.stack.pop()
            self.stack.pop()
            count = before.index(pickletools.markobject) if not is_pop_mark else 0
        else:
            count = len(before)
        if count > len(self.stack):
            raise IndexError("pickle stack underflow")
        del self.stack[len(self.stack) - count :]
        for item in after:
            self.stack.append(_MARK if item is pickletools.markobject else None)
