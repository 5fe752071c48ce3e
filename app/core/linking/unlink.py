"""Remove links the app made, and nothing else.

A path is removed only if a live record says the app made it, the file there
is still exactly that link (see :mod:`ownership`), and removing it cannot lose
the only copy of the data. Everything else is reported and left alone.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserError
from app.core.linking.ownership import GONE, not_ours_reason, removal_blocker
from app.core.linking.records import LinkRecord, LinkStore, dest_key


@dataclass(frozen=True)
class UnlinkOutcome:
    """What happened to one path."""

    path: Path
    removed: bool
    reason: str

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {"path": str(self.path), "removed": self.removed, "reason": self.reason}


@dataclass(frozen=True)
class UnlinkResult:
    """Outcomes of :func:`unlink`, :func:`unlink_source` or :func:`undo`."""

    outcomes: tuple[UnlinkOutcome, ...]

    @property
    def removed(self) -> tuple[Path, ...]:
        """Paths actually removed."""
        return tuple(o.path for o in self.outcomes if o.removed)

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {"outcomes": [o.to_json() for o in self.outcomes]}


def remove_record(record: LinkRecord, store: LinkStore) -> UnlinkOutcome:
    """Remove one recorded link if it is still the app's and removing it is safe."""
    reason = not_ours_reason(record)
    if reason == GONE:
        store.mark_removed(record.id)
        return UnlinkOutcome(record.dest, False, GONE)
    if reason is None:
        reason = removal_blocker(record)
    if reason is not None:
        return UnlinkOutcome(record.dest, False, f"left alone: {reason}")
    os.unlink(record.dest)
    store.mark_removed(record.id)
    return UnlinkOutcome(record.dest, True, f"removed ({record.mode})")


def unlink(paths: Sequence[Path], *, store: LinkStore | None = None) -> UnlinkResult:
    """Remove the given link paths, but only those the app made."""
    store = store or LinkStore()
    outcomes = []
    for path in paths:
        record = store.active_for_dest(Path(path))
        if record is None:
            outcomes.append(UnlinkOutcome(Path(path), False, "left alone: not made by this app"))
        else:
            outcomes.append(remove_record(record, store))
    return UnlinkResult(tuple(outcomes))


def unlink_source(
    source: Path, *, folders: Sequence[Path] | None = None, store: LinkStore | None = None
) -> UnlinkResult:
    """Remove every app-made link of one library file (optionally only inside ``folders``)."""
    store = store or LinkStore()
    records = store.active_for_source(source)
    if folders is not None:
        keys = {dest_key(f) for f in folders}
        records = [r for r in records if dest_key(r.dest.parent) in keys]
    return UnlinkResult(tuple(remove_record(r, store) for r in records))


def undo(operation_id: str, *, store: LinkStore | None = None) -> UnlinkResult:
    """Remove exactly what one :func:`apply_plan` created, and nothing else."""
    store = store or LinkStore()
    if store.operation(operation_id) is None:
        raise UserError(f"No link operation {operation_id!r} is recorded.")
    result = UnlinkResult(
        tuple(remove_record(r, store) for r in store.active_in_operation(operation_id))
    )
    if all(o.removed or o.reason == GONE for o in result.outcomes):
        store.mark_undone(operation_id)
    return result
