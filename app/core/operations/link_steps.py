"""Reversing link steps: ``link-created`` removes that link, ``link-removed`` re-creates it.

Kept apart from the link actions themselves so undo does not import the planner.
A re-created link revives its old record, so the link operation that first made it
can still undo it later.
"""

from __future__ import annotations

import os

from app.core.errors import Doing, from_os_error
from app.core.linking.digest import sha256_of
from app.core.linking.fsops import MODE_SYMLINK, create
from app.core.linking.ownership import GONE, not_ours_reason
from app.core.linking.records import LinkRecord
from app.core.linking.removal import remove_record
from app.core.messages import say
from app.core.operations.journal import Step
from app.core.operations.undo import StepUndone, current_journal, undo_context


def _link_id(step: Step) -> int:
    value = step.data.get("link_id")
    if not isinstance(value, int):
        raise ValueError(f"a {step.kind} step without a link id: {dict(step.data)}")
    return value


def undo_link_created(step: Step) -> StepUndone:
    """Remove the link the step made, if it is still exactly what the app made."""
    store = current_journal().links
    record = store.get(_link_id(step))
    if record is None:
        gone = say("step.remove-link", path=step.data.get("dest", "?"))
        return StepUndone(gone, True, say("undone.no-record"))
    description = say("step.remove-link", path=record.dest)
    if record.removed_at is not None:
        return StepUndone(description, True, say("undone.already-removed"))
    outcome = remove_record(record, store)
    if outcome.removed:
        return StepUndone(description, True, outcome.reason, removed=(record.dest,))
    if outcome.reason == GONE:
        return StepUndone(description, True, say("undone.already-gone"))
    return StepUndone(description, False, outcome.reason)


def _source_unchanged(record: LinkRecord, identity: object) -> str | None:
    """None when the library file still holds the linked bytes, else why not."""
    try:
        st = os.stat(record.source)
    except OSError:
        return say("undone.library-file-gone", path=record.source)
    if st.st_size != record.size:
        return say("undone.library-file-changed", name=record.source.name)
    if isinstance(identity, list) and identity == [
        st.st_size,
        st.st_mtime_ns,
        st.st_dev,
        st.st_ino,
    ]:
        return None
    ctx = undo_context()
    if sha256_of(record.source, cancel=ctx.cancel) != record.sha256:
        return say("undone.library-file-changed", name=record.source.name)
    return None


def undo_link_removed(step: Step) -> StepUndone:
    """Re-create the link the step removed: same path, same mode, same library file."""
    store = current_journal().links
    record = store.get(_link_id(step))
    if record is None:
        lost = say("step.put-back-link", path=step.data.get("dest", "?"))
        return StepUndone(lost, False, say("undone.no-record"))
    description = say("step.put-back-link", path=record.dest)
    if record.removed_at is None and not_ours_reason(record) is None:
        return StepUndone(description, True, say("undone.already-there"))
    if os.path.lexists(record.dest):
        return StepUndone(description, False, say("undone.name-taken", name=record.dest.name))
    why = _source_unchanged(record, step.data.get("source_identity"))
    if why is not None:
        return StepUndone(description, False, why)
    stale = store.active_for_dest(record.dest)
    if stale is not None:  # a record whose file is gone: the name is free
        store.mark_removed(stale.id)
    ctx = undo_context()
    try:
        record.dest.parent.mkdir(exist_ok=True)  # as apply does: never a whole missing tree
        create(record.source, record.dest, record.mode, sha256=record.sha256, cancel=ctx.cancel)
    except FileExistsError:
        return StepUndone(description, False, say("undone.taken-just-now", name=record.dest.name))
    except OSError as exc:
        return StepUndone(description, False, str(from_os_error(exc, Doing.LINK, record.dest)))
    st = os.stat(record.dest)  # what apply records too (a symlink: its target's identity)
    target = os.readlink(record.dest) if record.mode == MODE_SYMLINK else None
    store.revive(record.id, link_target=target, dev=st.st_dev, ino=st.st_ino)
    return StepUndone(description, True, say("undone.recreated", mode=record.mode))
