"""Undo one recorded operation by reversing its steps, newest first.

Each step kind has one handler (``UNDO_HANDLERS``: step kind -> "module:function",
imported on first use so this module stays light). A handler reverses one step
or refuses plainly (the file changed since, the name is taken) and leaves it
alone; the operation is marked undone only when every step is reversed or
already moot, so a refused undo can be retried once the user fixed things.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import Cancelled, Doing, UserError, from_os_error
from app.core.messages import say
from app.core.operations.journal import Journal, OperationKind, OperationRecord, Step, StepKind
from app.core.tasks import CancelToken, ProgressCallback, no_progress

# Engineers who add a step kind add its handler here (one line).
UNDO_HANDLERS: dict[str, str] = {
    StepKind.LINK_CREATED: "app.core.operations.link_steps:undo_link_created",
    StepKind.LINK_REMOVED: "app.core.operations.link_steps:undo_link_removed",
    StepKind.FILE_TRASHED: "app.core.operations.remove:undo_file_trashed",
    StepKind.FILE_ADDED: "app.core.operations.import_files:undo_file_added",
    StepKind.LIBRARY_MOVED: "app.core.operations.library_move:undo_library_moved",
    StepKind.CONFIG_VALUE: "app.core.operations.set_default:undo_config_value",
}


@dataclass(frozen=True)
class StepUndone:
    """How reversing one step went; ``done`` also when it was already moot."""

    description: str
    done: bool
    reason: str = ""
    removed: tuple[
        Path, ...
    ] = ()  # link files the reversal deleted (defaults that named them reset)

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {
            "description": self.description,
            "done": self.done,
            "reason": self.reason,
            "removed": [str(p) for p in self.removed],
        }


@dataclass(frozen=True)
class UndoResult:
    """What :func:`undo` did to one operation."""

    operation_id: str
    kind: OperationKind
    summary: str
    steps: tuple[StepUndone, ...]
    complete: bool  # every step reversed or moot; the operation is now marked undone
    notes: tuple[str, ...] = ()  # e.g. defaults reset because an undone link was the default

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {
            "operation_id": self.operation_id,
            "kind": str(self.kind),
            "summary": self.summary,
            "complete": self.complete,
            "steps": [s.to_json() for s in self.steps],
            "notes": list(self.notes),
        }

    @property
    def headline(self) -> str:
        """One line for the user: "Undone: <summary>" or "Partly undone: <summary>. Left alone:"."""
        key = "undo.done" if self.complete else "undo.partly"
        return say(key, what=self.summary or str(self.kind))


@dataclass(frozen=True)
class UndoContext:
    """What a handler may need beyond its step: the journal it came from, progress, cancel."""

    journal: Journal
    operation: OperationRecord
    progress: ProgressCallback
    cancel: CancelToken | None


_CONTEXT: ContextVar[UndoContext | None] = ContextVar("undo_context", default=None)

Handler = Callable[[Step], StepUndone]


def undo_context() -> UndoContext:
    """The undo in progress (handlers call this; outside an undo it is a bug)."""
    ctx = _CONTEXT.get()
    if ctx is None:
        raise RuntimeError("undo_context() called outside undo()")
    return ctx


def current_journal() -> Journal:
    """The journal of the undo in progress, or the default one."""
    ctx = _CONTEXT.get()
    return ctx.journal if ctx is not None else Journal()


@contextmanager
def _context(ctx: UndoContext) -> Iterator[None]:
    token = _CONTEXT.set(ctx)
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def undo_description(record: OperationRecord) -> str:
    """Plain words for the undo menu (:attr:`OperationRecord.undo_description`)."""
    return record.undo_description


def handler_for(kind: str) -> Handler | None:
    """The handler of a step kind, or None when this version cannot reverse it."""
    target = UNDO_HANDLERS.get(kind)
    if target is None:
        return None
    module_name, _, func_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise  # a real missing dependency inside the handler's module is a bug
        return None
    handler: Handler = getattr(module, func_name)
    return handler


def _reverse(step: Step) -> StepUndone:
    handler = handler_for(step.kind)
    what = say("undo.step", kind=step.kind)
    if handler is None:
        return StepUndone(what, False, say("undo.step-unknown"))
    try:
        return handler(step)
    except UserError as exc:
        return StepUndone(what, False, str(exc))
    except OSError as exc:  # the system refused: say so, keep going with the other steps
        return StepUndone(what, False, str(from_os_error(exc, Doing.UNDO)))


def _find(journal: Journal, operation_id: str | None) -> OperationRecord:
    if operation_id is None:
        record = journal.latest_undoable()
        if record is None:
            raise UserError(say("undo.nothing"))
        return record
    record = journal.get(operation_id)
    if record is None:
        raise UserError(say("undo.no-such", id=repr(operation_id)))
    if record.undone_at is not None:
        raise UserError(say("undo.already-undone", id=operation_id, summary=record.summary))
    if not record.steps:
        raise UserError(say("undo.did-nothing", id=operation_id, summary=record.summary))
    return record


def _release_defaults(
    removed: Sequence[Path], record: OperationRecord, journal: Journal
) -> tuple[str, ...]:
    """Reset A1111-family defaults that named a link this undo removed, as its own operation.

    The undone operation is closed, so the reset is recorded as a new "reset-default"
    operation (dropped again when no default named those files).
    """
    if not removed:
        return ()
    from app.core.operations.guard import release_removed

    summary = say("op.reset-after-undo", summary=record.summary)
    op_id = journal.begin(OperationKind.RESET_DEFAULT, summary)
    try:
        return release_removed(removed, op_id, journal)
    finally:
        journal.discard_if_empty(op_id)


def undo(
    operation_id: str | None = None,
    *,
    journal: Journal | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> UndoResult:
    """Reverse one operation (the latest undoable one when no id is given), newest step first.

    Raises UserError before touching anything when there is nothing to undo. Cancelling
    stops between steps (raising Cancelled); what was reversed stays reversed and a
    later undo of the same operation finds those steps moot.
    """
    journal = journal or Journal()
    record = _find(journal, operation_id)
    steps = record.steps[::-1]
    results: list[StepUndone] = []
    try:
        with _context(UndoContext(journal, record, progress, cancel)):
            for i, step in enumerate(steps):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                results.append(_reverse(step))
                progress(i + 1, len(steps))
    except Cancelled:
        _release_defaults([p for r in results for p in r.removed], record, journal)
        raise
    complete = all(r.done for r in results)
    if complete:
        journal.mark_undone(record.id)
    notes = _release_defaults([p for r in results for p in r.removed], record, journal)
    return UndoResult(record.id, record.kind, record.summary, tuple(results), complete, notes)
