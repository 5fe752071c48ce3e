"""Read pickles that should hold only plain data, refusing anything that could run code.

Other UIs' hash caches (diskcache) pickle small dicts such as
``{"mtime": 1.7e9, "sha256": "..."}``. Those need no globals at all, so this
unpickler refuses every global lookup: a value that names ``os.system`` (or any
other callable) fails before anything is imported or called. The result is then
checked to contain only dicts, lists, strings, numbers, bools and None.
"""

from __future__ import annotations

import io
import pickle
from typing import NoReturn

MAX_PICKLE_BYTES = 1 << 20
_LEAVES = (str, int, float, bool, type(None))


class UnsafePickle(ValueError):
    """A pickle that is not plain data; it was refused, nothing was executed."""


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> NoReturn:  # noqa: D102 - refuses every global
        raise UnsafePickle(f"pickle refers to {module}.{name}; refused")

    def persistent_load(self, pid: object) -> NoReturn:  # noqa: D102 - no persistent ids
        raise UnsafePickle("pickle uses persistent ids; refused")


def loads_plain(data: bytes) -> object:
    """Unpickle ``data`` if it is plain data, else raise :class:`UnsafePickle`."""
    if len(data) > MAX_PICKLE_BYTES:
        raise UnsafePickle(f"pickle is {len(data)} bytes; refusing more than {MAX_PICKLE_BYTES}")
    try:
        value = _PlainUnpickler(io.BytesIO(data)).load()
    except UnsafePickle:
        raise
    except Exception as exc:  # truncated or malformed input: any error means "not usable"
        raise UnsafePickle(f"unreadable pickle: {exc}") from exc
    _check_plain(value)
    return value


def _check_plain(value: object) -> None:
    """Walk the value without recursion (pickles may nest deeply or refer to themselves)."""
    seen: set[int] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) in _LEAVES:
            continue
        if type(item) not in (dict, list):
            raise UnsafePickle(f"pickle holds a {type(item).__name__}; only plain data is read")
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, dict):  # exactly dict or list: checked above
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
