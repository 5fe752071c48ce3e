"""Unlink: remove links the app made, as one recorded (undoable) operation.

Only links a live record says the app made, and that are still exactly what it
made, are removed (:func:`app.core.linking.unlink.remove_record`). Each removal is
a ``link-removed`` step holding the link record's id and the library file's
identity then; undo re-creates the same link (same path, same mode) when the
library file is unchanged and the name is still free. A1111-family defaults that
named a removed link are reset in the same operation.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserError
from app.core.installs.records import Install
from app.core.linking.records import LinkRecord, dest_key
from app.core.linking.removal import UnlinkOutcome, remove_record
from app.core.messages import say
from app.core.operations.guard import release_removed
from app.core.operations.journal import Journal, OperationKind, Step, StepKind
from app.core.operations.words import plain_list
from app.core.tasks import CancelToken, ProgressCallback, no_progress

LINK_REMOVED = StepKind.LINK_REMOVED
NOT_OURS = say("outcome.not-ours")


@dataclass(frozen=True)
class UnlinkReport:
    """What :func:`unlink` did; ``operation_id`` is None when nothing was removed."""

    operation_id: str | None
    outcomes: tuple[UnlinkOutcome, ...]
    notes: tuple[str, ...] = ()

    @property
    def removed(self) -> tuple[Path, ...]:
        """Link paths actually removed."""
        return tuple(o.path for o in self.outcomes if o.removed)

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {
            "operation_id": self.operation_id,
            "outcomes": [o.to_json() for o in self.outcomes],
            "notes": list(self.notes),
        }


def source_identity(source: Path) -> list[int] | None:
    """(size, mtime_ns, dev, ino) of the library file, so undo knows it is unchanged."""
    try:
        st = os.stat(source)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino]


def remove_link(record: LinkRecord, journal: Journal, operation_id: str) -> UnlinkOutcome:
    """Remove one recorded link (if still the app's and safe) and record the step at once."""
    identity = source_identity(record.source)
    outcome = remove_record(record, journal.links)
    if outcome.removed:
        journal.add_step(
            operation_id,
            Step(
                LINK_REMOVED,
                {
                    "link_id": record.id,
                    "dest": os.fspath(record.dest),
                    "source": os.fspath(record.source),
                    "mode": record.mode,
                    "source_identity": identity,
                },
            ),
        )
    return outcome


def _inside(path: Path, folders: Sequence[Path]) -> bool:
    key = dest_key(path)
    return any(key.startswith(dest_key(f) + os.sep) for f in folders)


def _install_folders(install: Install) -> list[Path]:
    return [install.root, *(f.path for f in install.vae_dirs)]


def _select(
    paths: Sequence[Path], installs: Sequence[Install] | None, journal: Journal
) -> list[tuple[Path, LinkRecord | None, str]]:
    """In the paths' order: (path, a live record it names, or None and why not)."""
    store = journal.links
    folders = [f for i in installs or () for f in _install_folders(i)]
    chosen: list[tuple[Path, LinkRecord | None, str]] = []
    seen: set[int] = set()
    for path in paths:
        path = Path(os.path.abspath(path))
        record = store.active_for_dest(path)
        if record is not None and (installs is None or _inside(record.dest, folders)):
            found = [record]
        elif installs is not None:  # PATH may be the library file: its links in those installs
            found = [r for r in store.active_for_source(path) if _inside(r.dest, folders)]
        else:
            found = []
        if not found:
            why = NOT_OURS
            if installs is None and store.active_for_source(path):
                why = say("outcome.library-file")
            if installs is not None:
                where = plain_list([i.label for i in installs])
                why = say("outcome.none-in", where=where)
            chosen.append((path, None, why))
        for r in found:
            if r.id not in seen:
                seen.add(r.id)
                chosen.append((r.dest, r, ""))
    return chosen


def _summary(records: Sequence[LinkRecord], installs: Sequence[Install] | None) -> str:
    names = plain_list(sorted({r.dest.name for r in records}))
    if installs:
        folders = {i.label: _install_folders(i) for i in installs}
        where = [label for label, f in folders.items() if any(_inside(r.dest, f) for r in records)]
    else:
        where = sorted({str(r.dest.parent) for r in records})
    return say("op.unlink", names=names, where=plain_list(where))


def unlink(
    paths: Sequence[Path],
    *,
    installs: Sequence[Install] | None = None,
    journal: Journal | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> UnlinkReport:
    """Remove the app's links at ``paths``, as one undoable operation.

    With ``installs``, a path may also be a library file: its links inside those
    installs are removed. Files the app did not make, or that changed since, are
    reported and left alone.
    """
    if not paths:
        raise UserError("Name at least one link (or, with installs, a library file) to unlink.")
    journal = journal or Journal()
    chosen = _select(paths, installs, journal)
    records = [r for _, r, _ in chosen if r is not None]
    if not records:
        return UnlinkReport(None, tuple(UnlinkOutcome(p, False, why) for p, _, why in chosen))
    op_id = journal.begin(OperationKind.UNLINK, _summary(records, installs))
    outcomes: list[UnlinkOutcome] = []
    try:
        for path, record, why in chosen:
            if cancel is not None:
                cancel.raise_if_cancelled()
            if record is None:
                outcomes.append(UnlinkOutcome(path, False, why))
                continue
            outcomes.append(remove_link(record, journal, op_id))
            progress(len(outcomes), len(chosen))
        removed = [o.path for o in outcomes if o.removed]
        notes = release_removed(removed, op_id, journal)
    finally:
        journal.discard_if_empty(op_id)
    kept = journal.get(op_id) is not None
    return UnlinkReport(op_id if kept else None, tuple(outcomes), notes)
