"""Remove: a library entry's files go to the system trash, as one recorded operation.

First the app's own links of the entry are removed (``link-removed`` steps: undo
re-creates them), then each location is trashed with send2trash (a
``file-trashed`` step with where the trash put it). Nothing is ever deleted for
good. Undo takes each file back out of the freedesktop trash when its name is
free (:func:`app.core.trash.restore`); on Windows and macOS it says plainly that
the file is in the Recycle Bin / Trash.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import UserError
from app.core.linking.records import LinkRecord, dest_key
from app.core.linking.removal import UnlinkOutcome
from app.core.messages import say
from app.core.operations.guard import release_removed
from app.core.operations.journal import Journal, OperationKind, Step, StepKind
from app.core.operations.undo import StepUndone
from app.core.operations.unlink import remove_link
from app.core.operations.words import plain_list
from app.core.tasks import CancelToken, ProgressCallback, no_progress
from app.core.trash import TrashedFile, move_to_trash, restore, trash_name

if TYPE_CHECKING:
    from app.core.catalog.store import Catalog

FILE_TRASHED = StepKind.FILE_TRASHED


@dataclass(frozen=True)
class TrashOutcome:
    """What happened to one location."""

    path: Path
    trashed: bool
    reason: str

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {"path": str(self.path), "trashed": self.trashed, "reason": self.reason}


@dataclass(frozen=True)
class RemoveResult:
    """What :func:`remove` did; ``operation_id`` is None when nothing changed."""

    operation_id: str | None
    unlinked: tuple[UnlinkOutcome, ...]
    outcomes: tuple[TrashOutcome, ...]
    notes: tuple[str, ...] = ()

    @property
    def trashed(self) -> tuple[Path, ...]:
        """Locations now in the trash."""
        return tuple(o.path for o in self.outcomes if o.trashed)

    @property
    def folders(self) -> tuple[Path, ...]:
        """Folders whose contents changed (for a rescan)."""
        changed = [o.path for o in self.outcomes if o.trashed]
        changed += [o.path for o in self.unlinked if o.removed]
        return tuple(sorted({p.parent for p in changed}))

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {
            "operation_id": self.operation_id,
            "unlinked": [o.to_json() for o in self.unlinked],
            "outcomes": [o.to_json() for o in self.outcomes],
            "notes": list(self.notes),
        }


def _links_of(locations: Sequence[Path], sha256: str | None, journal: Journal) -> list[LinkRecord]:
    """The app's live links made from these files (or, given the hash, of these bytes)."""
    keys = {dest_key(p) for p in locations}
    return [
        r
        for r in journal.links.active_links()
        if dest_key(r.source) in keys or (sha256 is not None and r.sha256 == sha256)
    ]


def remove(
    locations: Sequence[Path],
    *,
    sha256: str | None = None,
    journal: Journal | None = None,
    catalog: Catalog | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> RemoveResult:
    """Move a library entry's files (``locations``) to the trash, its app-made links first.

    ``sha256`` (the entry's) also finds links the app made from another copy of the
    same bytes. One file the trash refuses is reported; the others still go.
    ``catalog``, when given, forgets every path that is gone (both fronts pass
    theirs, so neither shows a trashed file until the next scan); undo brings the
    files back and the next scan of their folders catalogs them again.
    """
    paths = [Path(os.path.abspath(p)) for p in locations]
    if not paths:
        raise UserError("Name at least one file to move to the trash.")
    present = [p for p in paths if os.path.lexists(p)]
    if not present:
        raise UserError(f"Nothing to remove: {plain_list([str(p) for p in paths])} is not there.")
    journal = journal or Journal()
    records = _links_of(paths, sha256, journal)
    names = plain_list(sorted({p.name for p in present}))
    op_id = journal.begin(OperationKind.REMOVE, say("op.remove", names=names, trash=trash_name()))
    try:
        unlinked = []
        for record in records:
            if cancel is not None:
                cancel.raise_if_cancelled()
            unlinked.append(remove_link(record, journal, op_id))
        gone = {dest_key(o.path) for o in unlinked if o.removed}
        outcomes = []
        for done, path in enumerate(paths, start=1):
            if cancel is not None:
                cancel.raise_if_cancelled()
            if dest_key(path) in gone:
                outcomes.append(TrashOutcome(path, False, say("outcome.was-app-link")))
            else:
                outcomes.append(_trash_one(path, journal, op_id))
            progress(done, len(paths))
        removed = [o.path for o in unlinked if o.removed] + [o.path for o in outcomes if o.trashed]
        notes = release_removed(removed, op_id, journal)
        if catalog is not None:
            notes += _forget(catalog, removed)
    finally:
        journal.discard_if_empty(op_id)
    kept = op_id if journal.get(op_id) is not None else None
    return RemoveResult(kept, tuple(unlinked), tuple(outcomes), notes)


def _forget(catalog: Catalog, removed: Sequence[Path]) -> tuple[str, ...]:
    """Drop the removed paths from the catalog; a catalog that refuses is a note, not a failure.

    The files are in the trash already (and recorded for undo): a locked or damaged
    catalog only means it lists them until the next scan.
    """
    from app.core.library.catalog_sync import forget_path

    try:
        for path in removed:
            forget_path(catalog, path)
    except UserError as exc:
        names = plain_list(sorted({p.name for p in removed}))
        return (say("note.catalog-later", names=names, why=str(exc)),)
    return ()


def _trash_one(path: Path, journal: Journal, op_id: str) -> TrashOutcome:
    try:
        trashed = move_to_trash(path)
    except UserError as exc:
        return TrashOutcome(path, False, str(exc))
    if trashed is None:
        return TrashOutcome(path, False, say("undone.already-gone"))
    journal.add_step(op_id, Step(FILE_TRASHED, {**trashed.to_json(), "platform": sys.platform}))
    return TrashOutcome(path, True, say("outcome.trashed", trash=trash_name()))


def undo_file_trashed(step: Step) -> StepUndone:
    """Take the file back out of the trash (Linux), or say where it is (Windows, macOS)."""
    trashed = TrashedFile.from_json(dict(step.data))
    description = say("step.restore-trashed", path=trashed.original, trash=trash_name())
    try:
        return StepUndone(description, True, restore(trashed))
    except UserError as exc:
        return StepUndone(description, False, str(exc))
