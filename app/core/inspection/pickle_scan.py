"""Find every global a pickle would import, by walking its opcodes without executing it.

Pickles of every protocol (0-5) are read by their opcode grammar, the way CPython's
unpickler (``Modules/_pickle.c``) reads them: the walk stops only where that unpickler
would stop too (an unknown opcode, data that ends, a stack or memo miss, a malformed
argument it rejects), so every global it could reach before failing is seen. A small stack
simulation resolves the strings ``STACK_GLOBAL`` takes from the stack and sees what the
allow-listed callables are called with; anything it cannot resolve counts as unsafe.

Work is bounded: opcode count, memo index, stack size, mark depth and tuple nesting have
limits, and every declared length is checked against the bytes left before reading. The
machine itself lives in :mod:`pickle_machine` (control, memo, globals, calls) and
:mod:`pickle_literals` (values); this module is the interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from app.core.inspection.byte_source import ByteReader
from app.core.inspection.failure import BadFile
from app.core.inspection.pickle_globals import is_allowed
from app.core.inspection.pickle_literals import Stop
from app.core.inspection.pickle_machine import (
    EXTENSION,
    MAX_OPCODES,
    OVERLONG,
    UNRESOLVED,
    Machine,
    cannot_prove,
    normalize_global,
)

__all__ = [
    "EXTENSION",
    "OVERLONG",
    "UNRESOLVED",
    "PickleWalk",
    "cannot_prove",
    "checked_globals",
    "normalize_global",
    "scan_pickle",
    "walk_pickle",
]


@dataclass(frozen=True)
class PickleWalk:
    """What one pickle would do: its globals, refused calls, and where it ended."""

    globals: frozenset[str]
    refusals: tuple[str, ...] = ()
    end: int | None = None  # offset just after STOP; None when the pickle breaks first
    failure: BadFile | None = None  # what the unpickler would fail on, if it does

    @property
    def disallowed(self) -> list[str]:
        """Imported globals outside the allow-list, sorted."""
        return sorted(g for g in self.globals if not is_allowed(g))


def walk_pickle(
    reader: ByteReader, *, persistent_ids: bool = True, max_opcodes: int = MAX_OPCODES
) -> PickleWalk:
    """Walk one pickle from the reader's position to its STOP (or to where it breaks).

    ``persistent_ids``: whether the loader handles them (torch's object pickles) or fails.
    Raises :class:`BadFile` (unsafe) when a limit is exceeded; other failures are
    returned in :attr:`PickleWalk.failure` with the globals seen before them.
    """
    walk = Machine(reader, persistent_ids, max_opcodes)
    try:
        walk.run()
    except Stop as stop:
        return PickleWalk(frozenset(walk.globals), tuple(walk.refusals), None, stop.bad)
    return PickleWalk(frozenset(walk.globals), tuple(walk.refusals), reader.tell())


def scan_pickle(stream: BinaryIO) -> set[str]:
    """The ``module.name`` globals one pickle imports (the stream is read to its end).

    Raises :class:`BadFile` when the bytes end early (truncated), are not a pickle
    (corrupt), or ask for more than a state dict could (unsafe).
    """
    data = stream.read()
    chunks = iter([data])
    walk = walk_pickle(ByteReader(lambda n: next(chunks, b""), len(data)))
    return checked_globals(walk)


def checked_globals(walk: PickleWalk) -> set[str]:
    """The walk's globals, or the reason it must be refused (unsafe calls, breakage)."""
    if walk.disallowed:
        return set(walk.globals)  # the caller reports them by name
    if walk.refusals:
        raise cannot_prove(walk.refusals[0])
    if walk.failure is not None:
        raise walk.failure
    return set(walk.globals)
