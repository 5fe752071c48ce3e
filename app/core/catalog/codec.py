"""Inspection records to and from the JSON the catalog stores.

Safetensors metadata can hold very long values (training tag lists run to
hundreds of KB), so long values are cut to a marker: the catalog keeps what
a list view needs, and re-inspecting the file gives the rest.
"""

from __future__ import annotations

import dataclasses
import json

from app.core.inspection.records import Inspection, Problem

MAX_METADATA_VALUE = 1024

_FIELDS = tuple(f.name for f in dataclasses.fields(Inspection))


def inspection_to_json(inspection: Inspection) -> str:
    """Serialise an inspection, trimming long metadata values."""
    # Shallow by hand: dataclasses.asdict deep-copies everything, which a scan feels.
    record = {name: getattr(inspection, name) for name in _FIELDS}
    record["problems"] = [p.to_json() for p in inspection.problems]
    record["metadata"] = {k: _trim(v) for k, v in inspection.metadata.items()}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


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
