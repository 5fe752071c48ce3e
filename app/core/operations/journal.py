"""The operations journal: what each user action did, step by step, so it can be undone.

Every action (link, unlink, set-default, import, remove, library move...) begins
an operation, records each reversible step the moment it is done (an
interrupted action stays undoable up to where it got), and :mod:`undo` reverses
the steps newest-first. The journal lives in ``links.sqlite3`` next to the link
records (schema v2 of :mod:`app.core.linking.records`), over the same single
connection, so a link and its ``link-created`` step are written in one
transaction.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import cast

from app.core.linking.records import LINK_CREATED, LinkStore


class OperationKind(StrEnum):
    """What kind of user action an operation was."""

    LINK = "link"
    UNLINK = "unlink"
    SET_DEFAULT = "set-default"
    RESET_DEFAULT = "reset-default"
    PAIR = "pair"
    UNPAIR = "unpair"
    IMPORT = "import"
    REMOVE = "remove"
    LIBRARY_MOVE = "library-move"


class StepKind(StrEnum):
    """The reversible things operations record (each has one undo handler, see ``undo.py``)."""

    LINK_CREATED = LINK_CREATED  # written by app.core.linking.records with the link itself
    LINK_REMOVED = "link-removed"
    CONFIG_VALUE = "config-value"
    FILE_TRASHED = "file-trashed"
    FILE_ADDED = "file-added"
    LIBRARY_MOVED = "library-moved"


@dataclass(frozen=True)
class Step:
    """One reversible thing an operation did; `data` is JSON and holds enough to reverse it."""

    kind: StepKind | str  # a plain str: a kind a newer version recorded (no handler here)
    data: Mapping[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {"kind": self.kind, "data": dict(self.data)}


@dataclass(frozen=True)
class OperationRecord:
    """One recorded user action and the steps it got through."""

    id: str
    kind: OperationKind
    summary: str  # plain words, shown as "Undo <summary>"
    created_at: float
    undone_at: float | None
    steps: tuple[Step, ...]

    @property
    def undoable(self) -> bool:
        """Not undone yet and did something."""
        return self.undone_at is None and bool(self.steps)

    @property
    def undo_description(self) -> str:
        """Plain words for the undo menu: "Undo link vae-ft-mse-840000.safetensors into ComfyUI"."""
        from app.core.messages import say

        return say("undo.menu", what=self.summary or str(self.kind))

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {
            "id": self.id,
            "kind": str(self.kind),
            "summary": self.summary,
            "created_at": self.created_at,
            "undone_at": self.undone_at,
            "steps": [s.to_json() for s in self.steps],
        }


def _json_default(value: object) -> object:
    """Paths are the one non-JSON type steps commonly carry; anything else is a bug."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"step data must be JSON, got {type(value).__name__}")


def _step_kind(value: str) -> StepKind | str:
    try:
        return StepKind(value)
    except ValueError:
        return value


def _kind(value: str) -> OperationKind:
    try:
        return OperationKind(value)
    except ValueError:  # written by a newer app of the same schema; still listable
        return cast(OperationKind, value)


class Journal:
    """Reads and writes operations and their steps, over its link store's one connection.

    Thread-safe, and opened on first use like :class:`~app.core.linking.records.LinkStore`.
    """

    def __init__(self, db_path: Path | None = None) -> None:
        self._store = LinkStore(db_path)
        self.db_path = self._store.db_path

    @property
    def links(self) -> LinkStore:
        """The link records in the same file (for step handlers)."""
        return self._store

    def close(self) -> None:
        """Close the connection (a later call opens it again)."""
        self._store.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def begin(self, kind: OperationKind, summary: str) -> str:
        """Start an operation; returns its new id."""
        return self._store.new_operation(str(kind), summary)

    def add_step(self, operation_id: str, step: Step) -> None:
        """Record one step right after it was done."""
        data = json.dumps(dict(step.data), default=_json_default, sort_keys=True)
        with self._store.connect() as conn:
            conn.execute(
                "INSERT INTO steps (operation_id, kind, data, created_at) VALUES (?, ?, ?, ?)",
                (operation_id, step.kind, data, time.time()),
            )

    def get(self, operation_id: str) -> OperationRecord | None:
        """One operation by id, with its steps in the order they were done."""
        with self._store.snapshot() as conn:
            row = conn.execute(f"{_SELECT} WHERE id = ?", (operation_id,)).fetchone()
            return _record(conn, row) if row else None

    def recent(self, limit: int = 50) -> list[OperationRecord]:
        """Recent operations, newest first."""
        with self._store.snapshot() as conn:
            rows = conn.execute(f"{_SELECT} {_NEWEST_FIRST} LIMIT ?", (limit,)).fetchall()
            return [_record(conn, r) for r in rows]

    def latest_undoable(self) -> OperationRecord | None:
        """The newest operation that is not undone and has steps."""
        with self._store.snapshot() as conn:
            row = conn.execute(
                f"{_SELECT} o WHERE undone_at IS NULL"
                " AND EXISTS (SELECT 1 FROM steps s WHERE s.operation_id = o.id)"
                f" {_NEWEST_FIRST} LIMIT 1"
            ).fetchone()
            return _record(conn, row) if row else None

    def mark_undone(self, operation_id: str) -> None:
        """Remember that an operation was undone."""
        self._store.mark_undone(operation_id)

    def discard_if_empty(self, operation_id: str) -> None:
        """Forget an operation that recorded no step (it did nothing worth undoing)."""
        self._store.discard_if_empty(operation_id)


_SELECT = "SELECT id, kind, summary, created_at, undone_at FROM operations"
_NEWEST_FIRST = "ORDER BY created_at DESC, rowid DESC"


def _record(
    conn: sqlite3.Connection, row: tuple[str, str, str, float, float | None]
) -> OperationRecord:
    steps = conn.execute(
        "SELECT kind, data FROM steps WHERE operation_id = ? ORDER BY id", (row[0],)
    ).fetchall()
    return OperationRecord(
        id=row[0],
        kind=_kind(row[1]),
        summary=row[2],
        created_at=row[3],
        undone_at=row[4],
        steps=tuple(Step(_step_kind(kind), json.loads(data)) for kind, data in steps),
    )
