"""Import: file models into the library, as one recorded (undoable) operation.

Wraps :func:`app.core.library.importer.import_paths`. Each new library file is a
``file-added`` step the moment its outcome is final, with its identity (dev,
inode, size, SHA-256) and how it came in. Undo never loses the user's data: a
copied (or extracted/converted) file goes to the trash only while it is still
exactly that file and the source it came from still exists; a moved file is moved
back to where it came from, if that name is free. The catalog follows either way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.catalog.store import Catalog
from app.core.errors import UserError
from app.core.library.records import (
    ACTION_CONVERTED,
    ACTION_EXTRACTED,
    ACTION_IMPORTED,
    ACTION_REFUSED,
    MODE_HARDLINK,
    MODE_MOVE,
    ImportOptions,
    ImportOutcome,
)
from app.core.messages import say
from app.core.operations.journal import Journal, OperationKind, Step, StepKind
from app.core.operations.words import short_list
from app.core.registry import Registry
from app.core.tasks import CancelToken, ProgressCallback, no_progress

if TYPE_CHECKING:  # undo and the trash load only when a step is undone: an import never needs them
    from app.core.operations.undo import StepUndone

FILE_ADDED = StepKind.FILE_ADDED
_NEW_FILE_ACTIONS = (ACTION_IMPORTED, ACTION_EXTRACTED, ACTION_CONVERTED)


@dataclass(frozen=True)
class ImportResult:
    """The import's outcomes and its operation (None when no new file came in)."""

    operation_id: str | None
    outcomes: tuple[ImportOutcome, ...]
    undo_description: str | None = None  # what ``undo operation_id`` would do, in words

    @property
    def refused(self) -> bool:
        """Whether any file was refused."""
        return any(o.action == ACTION_REFUSED for o in self.outcomes)

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {
            "operation_id": self.operation_id,
            "outcomes": [o.to_json() for o in self.outcomes],
        }


def _summary(paths: list[Path]) -> str:
    return say("op.import", names=short_list([p.name for p in paths]))


def import_files(
    paths: Iterable[Path | str],
    options: ImportOptions,
    *,
    catalog: Catalog,
    registry: Registry,
    journal: Journal | None = None,
    progress: ProgressCallback = no_progress,
    on_file: Callable[[Path], None] | None = None,
    cancel: CancelToken | None = None,
    library: Path | None = None,
) -> ImportResult:
    """Import ``paths`` (folders recursively) and record each new library file as it lands."""
    from app.core.library.importer import import_paths

    inputs = [Path(os.path.abspath(p)) for p in paths]
    if not inputs:
        raise UserError("Name at least one file or folder to import.")
    journal = journal or Journal()
    op_id = journal.begin(OperationKind.IMPORT, _summary(inputs))

    def record(outcome: ImportOutcome) -> None:
        if outcome.action in _NEW_FILE_ACTIONS and outcome.dest is not None:
            journal.add_step(op_id, _step(outcome, options, catalog))

    try:
        outcomes = import_paths(
            inputs,
            options,
            catalog=catalog,
            registry=registry,
            progress=progress,
            on_file=on_file,
            cancel=cancel,
            library=library,
            on_outcome=record,
        )
    finally:
        journal.discard_if_empty(op_id)
    kept = journal.get(op_id)  # None: no new file came in, so nothing was recorded
    if kept is None:
        return ImportResult(None, tuple(outcomes))
    return ImportResult(kept.id, tuple(outcomes), kept.undo_description)


def _step(outcome: ImportOutcome, options: ImportOptions, catalog: Catalog) -> Step:
    assert outcome.dest is not None  # checked by the caller
    st = os.lstat(outcome.dest)
    how = options.mode if outcome.action == ACTION_IMPORTED else outcome.action
    return Step(
        FILE_ADDED,
        {
            "path": os.fspath(outcome.dest),
            "source": os.fspath(outcome.path),
            "how": how,
            "dev": st.st_dev,
            "ino": st.st_ino,
            "size": st.st_size,
            "sha256": outcome.sha256,
            "catalog": os.fspath(catalog.path),
        },
    )


def _forget(step: Step, path: Path) -> None:
    from app.core.library.catalog_sync import forget_path

    with Catalog(Path(str(step.data["catalog"]))) as catalog:
        forget_path(catalog, path)


def undo_file_added(step: Step) -> StepUndone:
    """Take a new library file back out: moved back, or trashed while a source remains."""
    from app.core.operations.undo import StepUndone
    from app.core.trash import trash_name

    path = Path(str(step.data["path"]))
    source = Path(str(step.data["source"]))
    how = str(step.data["how"])
    description = (
        say("step.move-back", name=path.name, folder=source.parent)
        if how == MODE_MOVE
        else say("step.trash-library-copy", name=path.name, trash=trash_name())
    )
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return StepUndone(description, True, say("undone.gone-from-library"))
    if (st.st_dev, st.st_ino, st.st_size) != (
        step.data["dev"],
        step.data["ino"],
        step.data["size"],
    ):
        return StepUndone(description, False, say("undone.changed-since-import", path=path))
    try:
        if how == MODE_MOVE:
            return StepUndone(description, True, _move_back(step, path, source))
        return StepUndone(description, True, _trash_copy(step, path, source, how))
    except UserError as exc:
        return StepUndone(description, False, str(exc))


def _move_back(step: Step, path: Path, source: Path) -> str:
    from app.core.library.catalog_sync import relocate
    from app.core.library.transfer import move_file
    from app.core.operations.undo import undo_context

    if os.path.lexists(source):
        raise UserError(say("undone.move-back-taken", name=path.name, path=source))
    ctx = undo_context()
    sha = step.data.get("sha256")
    try:
        source.parent.mkdir(parents=True, exist_ok=True)
        move_file(
            path,
            source,
            expected_sha256=sha if isinstance(sha, str) else None,
            progress=ctx.progress,
            cancel=ctx.cancel,
        )
    except FileExistsError as exc:
        raise UserError(say("undone.move-back-taken-now", name=path.name, path=source)) from exc
    except OSError as exc:
        why = say("undone.move-back-failed", name=path.name, path=source, why=exc.strerror or exc)
        raise UserError(why) from exc
    with Catalog(Path(str(step.data["catalog"]))) as catalog:
        relocate(catalog, path, source)
    return say("undone.moved-back", path=source)


def _trash_copy(step: Step, path: Path, source: Path, how: str) -> str:
    from app.core.trash import move_to_trash, trash_name

    try:
        src = os.stat(source)
    except OSError:
        raise UserError(say("undone.kept-source-gone", path=path, source=source)) from None
    if how == MODE_HARDLINK and (src.st_dev, src.st_ino) != (step.data["dev"], step.data["ino"]):
        raise UserError(say("undone.kept-source-replaced", path=path, source=source))
    if os.path.samefile(source, path) and how != MODE_HARDLINK:
        raise UserError(say("undone.kept-is-source", path=path))
    move_to_trash(path)
    _forget(step, path)
    return say("undone.trashed-copy", name=path.name, trash=trash_name(), source=source)
