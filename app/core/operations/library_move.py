"""Library move: move the whole library to another folder, as one recorded operation.

Wraps :func:`app.core.library.move.move_library` (file by file, catalog and links
follow, resumable). The ``library-moved`` step is recorded once the library's
setting names the new folder, also when the move is interrupted; undo moves the
library back with the same engine, which refuses plainly while a move is
unfinished (finish it first) or when the library has moved elsewhere since.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.catalog.store import Catalog
from app.core.errors import UserError
from app.core.library.records import MoveReport
from app.core.messages import say
from app.core.operations.journal import Journal, OperationKind, Step, StepKind
from app.core.operations.undo import StepUndone, current_journal, undo_context
from app.core.tasks import CancelToken, ProgressCallback, no_progress

LIBRARY_MOVED = StepKind.LIBRARY_MOVED


@dataclass(frozen=True)
class LibraryMoveResult:
    """The move's report and its operation."""

    operation_id: str | None
    report: MoveReport

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {"operation_id": self.operation_id, **self.report.to_json()}


def _root() -> Path:
    from app.core.library.settings import library_root

    return Path(os.path.abspath(library_root()))


def move_library(
    new_dir: Path,
    *,
    catalog: Catalog,
    journal: Journal | None = None,
    progress: ProgressCallback = no_progress,
    on_file: Callable[[Path], None] | None = None,
    cancel: CancelToken | None = None,
) -> LibraryMoveResult:
    """Move the library to ``new_dir`` (or finish an interrupted move there), undoably."""
    from app.core.library.move import move_library as engine

    journal = journal or Journal()
    old, new = _root(), Path(os.path.abspath(new_dir))
    op_id = journal.begin(OperationKind.LIBRARY_MOVE, say("op.library-move", old=old, new=new))
    step = Step(
        LIBRARY_MOVED,
        {"old": os.fspath(old), "new": os.fspath(new), "catalog": os.fspath(catalog.path)},
    )
    try:
        report = engine(
            new,
            catalog=catalog,
            links=journal.links,
            progress=progress,
            on_file=on_file,
            cancel=cancel,
        )
        if report.old_root != old:  # finishing an earlier, interrupted move
            step = Step(LIBRARY_MOVED, {**step.data, "old": os.fspath(report.old_root)})
        journal.add_step(op_id, step)
    except BaseException:
        if old != new and _root() == new:  # it started: undo can move it back once finished
            journal.add_step(op_id, step)
        raise
    finally:
        journal.discard_if_empty(op_id)
    return LibraryMoveResult(op_id if journal.get(op_id) else None, report)


def undo_library_moved(step: Step) -> StepUndone:
    """Move the library back to where it was, with the same careful engine."""
    from app.core.library.move import move_library as engine

    old, new = Path(str(step.data["old"])), Path(str(step.data["new"]))
    description = say("step.move-library-back", new=new, old=old)
    current = _root()
    if current == old:
        return StepUndone(description, True, say("undone.already-there"))
    if current != new:
        elsewhere = say("undone.library-elsewhere", current=current, new=new)
        return StepUndone(description, False, elsewhere)
    ctx = undo_context()
    try:
        with Catalog(Path(str(step.data["catalog"]))) as catalog:
            report = engine(
                old,
                catalog=catalog,
                links=current_journal().links,
                progress=ctx.progress,
                cancel=ctx.cancel,
            )
    except UserError as exc:
        return StepUndone(description, False, str(exc))
    if report.left:
        path, why = report.left[0]
        left = say("undone.not-moved-back", count=len(report.left), path=path, why=why)
        return StepUndone(description, False, left)
    return StepUndone(description, True, say("undone.moved-files-back", count=report.moved))
