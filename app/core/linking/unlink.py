"""Remove links the app made, and nothing else (the older entry points, now recorded).

A path is removed only if a live record says the app made it, the file there
is still exactly that link (see :mod:`removal`), and removing it cannot lose
the only copy of the data. Everything else is reported and left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.core.linking.records import LinkStore, dest_key
from app.core.linking.removal import UnlinkOutcome, UnlinkResult, remove_record

__all__ = ["UnlinkOutcome", "UnlinkResult", "remove_record", "unlink", "unlink_source"]


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
