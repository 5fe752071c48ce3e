"""JSON from files nobody vouches for, parsed within fixed limits of time and memory.

Python's ``json`` recurses once per nesting level (a deep ``[[[[`` raises
RecursionError), keeps every value as an object (100 MB of ``{}`` is 2 GB of
dicts), and a 5,000-digit number raises a ValueError that is no JSONDecodeError.
:func:`loads_bounded` first measures nesting depth and value count with one
vectorised pass over the bytes (numpy, 1 MiB at a time, strings skipped), then
parses with hooks that bound numbers, so every refusal is one
:class:`BoundedJsonError` with a reason and a sentence.

Small documents (every real safetensors header, settings and sidecar files) skip
the scan and numpy's import (about 60 ms, most of what ``import`` spent before
reading its first byte): at most :data:`FAST_MAX_BYTES` of JSON builds at most a
few tens of MB of objects in bounded time, ``json``'s own recursion guard stops
deep nesting, and the parsed value is measured instead. Only a document that
parses cleanly is answered that way; any error sends it down the scanning path,
so every refusal keeps its reason and sentence.
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

DEFAULT_MAX_DEPTH = 64  # System.Text.Json's default; serde_json (safetensors) stops at 128
DEFAULT_MAX_BYTES = 16 << 20
DEFAULT_MAX_VALUES = 1_000_000
PYTHON_INT_DIGITS = 4300  # CPython's default int/str conversion limit
MAX_FLOAT_CHARS = 1000

REASON_TOO_LARGE = "too-large"
REASON_TOO_DEEP = "too-deep"
REASON_TOO_MANY_VALUES = "too-many-values"
REASON_BAD_NUMBER = "bad-number"
REASON_DUPLICATE_KEY = "duplicate-key"
REASON_NOT_UTF8 = "not-utf8"
REASON_INVALID = "invalid"
REASON_NOT_A_FILE = "not-a-file"

_CHUNK = 1 << 20  # ~35 MB of numpy temporaries per chunk
FAST_MAX_BYTES = 1 << 20
"""Documents up to this size are parsed first and measured after (about 30 MB of objects
at most: a 1 MiB ``[{},{},...]``); larger ones are scanned with numpy before parsing."""
_QUOTE, _BACKSLASH, _COMMA = 0x22, 0x5C, 0x2C
_OPENERS, _CLOSERS = (0x5B, 0x7B), (0x5D, 0x7D)


class BoundedJsonError(ValueError):
    """JSON refused: ``reason`` is a short code, the message a predicate ("nests ...")."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def loads_bounded(
    data: bytes | str,
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_values: int = DEFAULT_MAX_VALUES,
    max_int_digits: int = PYTHON_INT_DIGITS,
    strict: bool = False,
) -> object:
    """Parse ``data`` (UTF-8 bytes or text) or raise :class:`BoundedJsonError`.

    ``strict`` reads numbers and keys as serde_json (the safetensors loader) does:
    no NaN/Infinity, no float beyond float64's range, no key twice in one object,
    and ``-0`` is a float. Without it the result is what ``json.loads`` gives.
    """
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    if len(raw) > max_bytes:
        raise BoundedJsonError(REASON_TOO_LARGE, f"is {len(raw):,} bytes (limit {max_bytes:,})")
    # A document of at most max_values bytes holds at most max_values values (the scan
    # counts openers and commas), so only its depth is left to check, on the result.
    if len(raw) <= min(FAST_MAX_BYTES, max_values):
        try:
            value = _parse(data, max_depth, max_int_digits, strict)
        except (BoundedJsonError, RecursionError):
            pass  # the scan below finds the same fault first, as it always did
        else:
            if nesting_depth(value, max_depth) > max_depth:
                raise BoundedJsonError(REASON_TOO_DEEP, f"nests deeper than {max_depth} levels")
            return value
    measure_structure(raw, max_depth=max_depth, max_values=max_values)
    return _parse(data, max_depth, max_int_digits, strict)


def _parse(data: bytes | str, max_depth: int, max_int_digits: int, strict: bool) -> object:
    """``json.loads`` with the number and key hooks; every failure as a BoundedJsonError."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BoundedJsonError(REASON_NOT_UTF8, f"is not UTF-8 (byte {exc.start:,})") from None
    hooks = _Hooks(max_int_digits, strict)
    try:
        return json.loads(
            data,
            parse_int=hooks.parse_int,
            parse_float=hooks.parse_float,
            parse_constant=hooks.parse_constant,
            object_pairs_hook=hooks.object_pairs if strict else None,
        )
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise BoundedJsonError(REASON_INVALID, f"is not valid JSON ({exc.msg}, {where})") from None
    except RecursionError:  # measure_structure makes this unreachable; kept as a backstop
        raise BoundedJsonError(REASON_TOO_DEEP, f"nests deeper than {max_depth} levels") from None
    except ValueError as exc:
        if isinstance(exc, BoundedJsonError):
            raise
        raise BoundedJsonError(
            REASON_BAD_NUMBER, f"holds a number Python cannot read ({exc})"
        ) from None


def nesting_depth(value: object, limit: int) -> int:
    """How deep lists and dicts nest in ``value`` (a scalar is 0), counting up to ``limit + 1``.

    Iterative, so a deep value cannot overflow the stack; it stops at the first
    container past ``limit``, so a refusal costs no more than that.
    """
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[object] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        stack.extend((child, depth) for child in children if isinstance(child, dict | list))
    return deepest


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``, refusing more than ``max_bytes``.

    A FIFO or device is refused without blocking (opened non-blocking, then fstat),
    and at most ``max_bytes + 1`` bytes are ever read. Raises OSError when the file
    cannot be opened or read, :class:`BoundedJsonError` when it is not a regular
    file or too large.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise BoundedJsonError(REASON_NOT_A_FILE, "is not a regular file")
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise BoundedJsonError(REASON_TOO_LARGE, f"is larger than {max_bytes:,} bytes")
    return raw


def load_path_bounded(
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_values: int = DEFAULT_MAX_VALUES,
    max_int_digits: int = PYTHON_INT_DIGITS,
    strict: bool = False,
) -> object:
    """:func:`loads_bounded` on the bytes :func:`read_bounded` gives (may raise OSError)."""
    return loads_bounded(
        read_bounded(path, max_bytes),
        max_bytes=max_bytes,
        max_depth=max_depth,
        max_values=max_values,
        max_int_digits=max_int_digits,
        strict=strict,
    )


def measure_structure(raw: bytes, *, max_depth: int, max_values: int) -> None:
    """Raise unless ``raw`` nests at most ``max_depth`` deep and holds at most ``max_values``.

    Brackets and commas inside strings do not count: a quote ends or starts a string
    unless an odd run of backslashes precedes it, as in the JSON grammar. Values are
    counted as openers plus commas outside strings, an upper bound of what
    ``json.loads`` would build. For valid JSON the depth is exact; for invalid JSON
    it is exact up to the first error, which is as far as the parser gets.
    """
    import numpy as np

    state = _ScanState()
    view = memoryview(raw)
    for start in range(0, len(raw), _CHUNK):
        chunk = np.frombuffer(view[start : start + _CHUNK], dtype=np.uint8)
        outside = state.outside_strings(chunk)
        opens = np.isin(chunk, _OPENERS) & outside
        closes = np.isin(chunk, _CLOSERS) & outside
        state.values += int(np.count_nonzero(opens)) + int(
            np.count_nonzero((chunk == _COMMA) & outside)
        )
        if state.values > max_values:
            raise BoundedJsonError(REASON_TOO_MANY_VALUES, f"holds more than {max_values:,} values")
        if opens.any() or closes.any():
            running = np.cumsum(opens.astype(np.int32) - closes, dtype=np.int64) + state.depth
            if int(running.max()) > max_depth:
                raise BoundedJsonError(REASON_TOO_DEEP, f"nests deeper than {max_depth} levels")
            state.depth = int(running[-1])


class _ScanState:
    """What one chunk of the structure scan hands to the next."""

    def __init__(self) -> None:
        self.depth = 0
        self.values = 0
        self.in_string = False
        self.backslash_run = 0  # backslashes ending the previous chunk

    def outside_strings(self, chunk: NDArray[np.uint8]) -> NDArray[np.bool_]:
        """A mask of the bytes of ``chunk`` that lie outside JSON strings."""
        import numpy as np

        is_backslash = chunk == _BACKSLASH
        quotes = np.flatnonzero(chunk == _QUOTE)
        if quotes.size and (self.backslash_run or is_backslash.any()):
            quotes = quotes[~self._escaped(quotes, is_backslash)]
        self._carry_backslashes(is_backslash)
        if not quotes.size:
            return np.full(chunk.size, not self.in_string)
        toggles = np.zeros(chunk.size, dtype=np.int32)
        toggles[quotes] = 1
        inside = (np.cumsum(toggles, dtype=np.int64) + self.in_string) % 2 == 1
        self.in_string = bool(inside[-1])
        outside: NDArray[np.bool_] = ~inside
        return outside

    def _escaped(
        self, quotes: NDArray[np.intp], is_backslash: NDArray[np.bool_]
    ) -> NDArray[np.bool_]:
        """Which quotes follow an odd run of backslashes (counting the previous chunk's)."""
        import numpy as np

        index = np.arange(is_backslash.size, dtype=np.int32)
        last_other = np.maximum.accumulate(np.where(is_backslash, -1, index))
        before = quotes - 1
        safe = np.maximum(before, 0)
        run = np.where(before >= 0, before - last_other[safe], 0)
        reaches_start = (before < 0) | (last_other[safe] < 0)
        run = run + np.where(reaches_start, self.backslash_run, 0)
        odd: NDArray[np.bool_] = run % 2 == 1
        return odd

    def _carry_backslashes(self, is_backslash: NDArray[np.bool_]) -> None:
        import numpy as np

        others = np.flatnonzero(~is_backslash)
        if not others.size:
            self.backslash_run += is_backslash.size
        else:
            self.backslash_run = is_backslash.size - 1 - int(others[-1])


class _Hooks:
    """Number and key hooks for ``json.loads`` that bound what a literal may cost."""

    def __init__(self, max_int_digits: int, strict: bool) -> None:
        self.max_int_digits = max_int_digits
        self.strict = strict

    def parse_int(self, text: str) -> int | float:
        digits = len(text) - text.startswith("-")
        if digits > self.max_int_digits:
            raise BoundedJsonError(
                REASON_BAD_NUMBER,
                f"holds a {digits:,}-digit number (limit {self.max_int_digits:,} digits)",
            )
        if self.strict and text == "-0":
            return -0.0  # serde_json reads -0 as a float, so it is no size there
        return int(text)

    def parse_float(self, text: str) -> float:
        if len(text) > MAX_FLOAT_CHARS:
            raise BoundedJsonError(REASON_BAD_NUMBER, f"holds a {len(text):,}-character number")
        value = float(text)
        if self.strict and not math.isfinite(value):
            raise BoundedJsonError(
                REASON_BAD_NUMBER, f"holds a number beyond float64's range ({text[:40]})"
            )
        return value

    def parse_constant(self, name: str) -> float:
        if self.strict:
            raise BoundedJsonError(REASON_BAD_NUMBER, f"holds {name}, which JSON does not allow")
        return float(name)

    def object_pairs(self, pairs: list[tuple[str, object]]) -> dict[str, object]:
        out = dict(pairs)
        if len(out) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    raise BoundedJsonError(
                        REASON_DUPLICATE_KEY, f"names the key {key[:80]!r} twice in one object"
                    )
                seen.add(key)
        return out
