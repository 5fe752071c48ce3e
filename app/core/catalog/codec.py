"""Paths and inspection records to and from what the catalog stores.

Safetensors metadata can hold very long values (training tag lists run to
hundreds of KB), so long values are cut to a marker: the catalog keeps what
a list view needs, and re-inspecting the file gives the rest.

Paths whose names are not valid UTF-8 are stored as BLOBs (see
:mod:`app.core.path_text`); the catalog's :func:`row_factory` turns them back
into ``str`` on every read, so only the writes need :func:`path_to_db`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3

from app.core.inspection.records import Inspection, Problem
from app.core.path_text import path_from_db, path_to_db

__all__ = [
    "inspection_from_json",
    "inspection_to_json",
    "json_text",
    "path_from_db",
    "path_to_db",
    "row_factory",
    "text_to_db",
]

MAX_METADATA_VALUE = 1024

_FIELDS = tuple(f.name for f in dataclasses.fields(Inspection))


def text_to_db(text: str | None) -> str | None:
    """A message as SQLite text: a lone surrogate (from a path in it) is written as an escape."""
    if text is None or text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def row_factory(cursor: sqlite3.Cursor, values: tuple[object, ...]) -> sqlite3.Row:
    """``sqlite3.Row`` with BLOB paths turned back into ``str`` (the catalog has no other BLOBs)."""
    for value in values:
        if type(value) is bytes:
            values = tuple(os.fsdecode(v) if type(v) is bytes else v for v in values)
            break
    return sqlite3.Row(cursor, values)


def json_text(value: object) -> str:
    """Compact JSON that SQLite can store: readable non-ASCII, escaped lone surrogates."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in a path: \udcXX escapes round-trip
        return json.dumps(value, separators=(",", ":"))
    return text


def inspection_to_json(inspection: Inspection) -> str:
    """Serialise an inspection, trimming long metadata values."""
    # Shallow by hand: dataclasses.asdict deep-copies everything, which a scan feels.
    record = {name: getattr(inspection, name) for name in _FIELDS}
    record["problems"] = [p.to_json() for p in inspection.problems]
    record["metadata"] = {k: _trim(v) for k, v in inspection.metadata.items()}
    return json_text(record)


def inspection_from_json(text: str | None) -> Inspection | None:
    """Rebuild an inspection; keys this version does not know are ignored."""
    if not text:
        return None
    record = {k: v for k, v in json.loads(text).items() if k in _FIELDS}
    record["problems"] = [Problem(p["code"], p["message"]) for p in record.get("problems", [])]
    return Inspection(**record)


def _trim(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    if len(text) <= MAX_METADATA_VALUE:
        return text
    return f"<{len(text)} characters, not kept in the catalog>"
