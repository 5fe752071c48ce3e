"""File paths as SQLite values, losslessly, whatever bytes their names hold.

A file name need not be valid UTF-8 (Linux allows any bytes but ``/`` and NUL;
Python hands such a name over with surrogate escapes: U+DCFF stands for the byte
0xFF), while SQLite text must be. Such a path is stored as its raw OS bytes in a
BLOB instead, which no text value can equal, and turned back into the very same
``str`` when read, so it can be looked up, linked and verified again. Every
other path stays plain text, so existing databases need no migration.
"""

from __future__ import annotations

import os


def path_to_db(path: str | os.PathLike[str]) -> str | bytes:
    """The value a path is stored as: its text, or its OS bytes when not valid UTF-8."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text)
    return text


def path_from_db(value: str | bytes) -> str:
    """The path :func:`path_to_db` stored."""
    return value if type(value) is str else os.fsdecode(value)
