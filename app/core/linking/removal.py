"""Removing one recorded link, and only if it is still exactly what the app made.

A path is removed only if a live record says the app made it, the file there
is still exactly that link (see :mod:`ownership`), and removing it cannot lose
the only copy of the data. Everything else is reported and left alone. Kept
apart from :mod:`app.core.linking.unlink` (whose name the package also gives its
``unlink`` function) so the operations import this without shadowing it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.core.linking.ownership import GONE, not_ours_reason, removal_blocker
from app.core.linking.records import LinkRecord, LinkStore


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
    """Outcomes of :func:`unlink` or :func:`unlink_source` (and of reversing link steps)."""

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
