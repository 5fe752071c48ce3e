"""Remove links the app made, and nothing else (the older entry points, now recorded).

A path is removed only if a live record says the app made it, the file there
is still exactly that link (see :mod:`removal`), and removing it cannot lose
the only copy of the data. Everything else is reported and left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.core.errors import UserError
from app.core.linking.ownership import GONE
from app.core.linking.records import LINK_CREATED, LinkStore, dest_key
from app.core.linking.removal import UnlinkOutcome, UnlinkResult, remove_record

__all__ = ["UnlinkOutcome", "UnlinkResult", "remove_record", "undo", "unlink", "unlink_source"]


def unlink(paths: Sequence[Path], *, store: LinkStore | None = None) -> UnlinkResult:
    """Remove the given link paths, but only those the app made, as one undoable operation.

    The recorded operation is :func:`app.core.operations.unlink.unlink`'s; this keeps
    the older signature for its callers.
    """
    from app.core.operations.journal import Journal
    from app.core.operations.unlink import unlink as recorded_unlink

    if not paths:
        return UnlinkResult(())
    journal = Journal(store.db_path if store else None)
    return UnlinkResult(recorded_unlink(list(paths), journal=journal).outcomes)


def unlink_source(
    source: Path, *, folders: Sequence[Path] | None = None, store: LinkStore | None = None
) -> UnlinkResult:
    """Remove every app-made link of one library file (optionally only inside ``folders``)."""
    store = store or LinkStore()
    records = store.active_for_source(source)
    if folders is not None:
        keys = {dest_key(f) for f in folders}
        records = [r for r in records if dest_key(r.dest.parent) in keys]
    return unlink([r.dest for r in records], store=store)


def undo(operation_id: str, *, store: LinkStore | None = None) -> UnlinkResult:
    """Remove exactly what one :func:`apply_plan` created, and nothing else.

    Link-only: :func:`app.core.operations.undo.undo` reverses every kind of step and
    is what the command line and the window call.
    """
    store = store or LinkStore()
    if store.operation(operation_id) is None:
        raise UserError(f"No link operation {operation_id!r} is recorded.")
    others = store.step_kinds(operation_id) - {LINK_CREATED}
    if others:
        raise UserError(
            f"Operation {operation_id} did more than make links; undo it with: undo {operation_id}"
        )
    result = UnlinkResult(
        tuple(remove_record(r, store) for r in store.active_in_operation(operation_id))
    )
    if all(o.removed or o.reason == GONE for o in result.outcomes):
        store.mark_undone(operation_id)
    return result
