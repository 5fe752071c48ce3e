"""Set (or reset) the default VAE of an A1111-family install, as one undoable operation.

The one function both fronts call: the window's "Set as default VAE" and
``set-default PATH --install ROOT [--reset]``. A library file that is not in the
install yet is linked first, inside the same operation, so one undo removes the
link and puts the old default back. Each key written to ``config.json`` becomes a
``config-value`` step (file, key, old and new value, backup), reversed only while
the key still holds what was written.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserError
from app.core.installs.a1111_config import (
    DefaultVaeChange,
    ValueChange,
    config_path,
    lists_as_vae,
    read_config,
    restore_value,
    set_default_vae,
    supports_default_vae,
)
from app.core.installs.records import Install
from app.core.linking.plan import LinkPlan
from app.core.messages import say
from app.core.operations.journal import Journal, OperationKind, Step, StepKind
from app.core.operations.undo import StepUndone
from app.core.tasks import CancelToken, ProgressCallback, no_progress

CONFIG_VALUE = StepKind.CONFIG_VALUE


@dataclass(frozen=True)
class SetDefaultResult:
    """What set-default did: the config change, the link it made (if any), the operation."""

    operation_id: str | None
    """None when nothing changed (the VAE already was the default)."""
    install: Install
    vae: Path | None
    """The file in the install that is now the default (None: Automatic)."""
    linked: Path | None
    """The link made for it in this operation, if the file was not in the install yet."""
    change: DefaultVaeChange

    @property
    def notes(self) -> tuple[str, ...]:
        """What the user should know (restart the webui, quick settings added...)."""
        return self.change.notes

    def to_json(self) -> dict[str, object]:
        """Plain JSON for ``set-default --json``."""
        return {
            "operation_id": self.operation_id,
            "install": str(self.install.root),
            "kind": self.install.kind,
            "vae": str(self.vae) if self.vae else None,
            "linked": str(self.linked) if self.linked else None,
            **self.change.to_json(),
        }


def set_default(
    vae: Path | None,
    install: Install | Path,
    *,
    journal: Journal | None = None,
    mode: str = "auto",
    sha256: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> SetDefaultResult:
    """Make ``vae`` the install's default VAE (None: back to Automatic).

    ``vae`` may be a file in one of the install's VAE folders or a library file
    anywhere (linked in first, ``mode`` as for ``link``). Every precondition
    (install kind, readable config, linkable file) is checked before anything
    is written; UserError says what is wrong.
    """
    target = _install(install)
    if not supports_default_vae(target):
        raise UserError(f"{target.label} does not keep its default VAE in config.json.")
    read_config(config_path(target))  # refuses a broken config before a link is made
    journal = journal or Journal()
    if vae is None:
        summary = say("op.reset-default", install=target.label, root=target.root)
        op_id = journal.begin(OperationKind.RESET_DEFAULT, summary)
        try:
            change = set_default_vae(target, None)
            _record(journal, op_id, change)
        finally:
            journal.discard_if_empty(op_id)
        return SetDefaultResult(_kept(journal, op_id), target, None, None, change)
    source = Path(os.path.abspath(vae))
    if not source.is_file():
        raise UserError(f"{vae} is not a file.")
    in_place, plan = _in_install(source, target, mode, sha256, progress, cancel)
    summary = say("op.set-default", name=source.name, install=target.label, root=target.root)
    op_id = journal.begin(OperationKind.SET_DEFAULT, summary)
    linked = None
    try:
        if in_place is None:
            from app.core.operations.recorded_link import link_recorded

            assert plan is not None
            entry = plan.to_create[0]
            assert entry.dest is not None
            link_recorded(plan.source, entry.dest, operation_id=op_id, journal=journal,
                          sha256=plan.sha256, mode=mode, cancel=cancel,
                          progress=progress)  # fmt: skip
            in_place = linked = entry.dest
        change = set_default_vae(target, in_place)
        _record(journal, op_id, change)
    finally:
        journal.discard_if_empty(op_id)  # already the default: nothing to undo
    return SetDefaultResult(_kept(journal, op_id), target, in_place, linked, change)


def _kept(journal: Journal, operation_id: str) -> str | None:
    """The id, or None when the operation did nothing and was dropped."""
    return operation_id if journal.get(operation_id) is not None else None


def _install(install: Install | Path) -> Install:
    if isinstance(install, Install):
        return install
    from app.core.installs import install_at

    return install_at(Path(install))


def _where(install: Install) -> str:
    return f"{install.label} at {install.root}"


def _in_install(
    source: Path,
    install: Install,
    mode: str,
    sha256: str | None,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> tuple[Path | None, LinkPlan | None]:
    """(the file as the install lists it, None) or (None, a plan that creates the link)."""
    from app.core.linking.plan import ACTION_ALREADY, ACTION_CREATE, plan_links

    if lists_as_vae(source, install):
        return source, None
    plan = plan_links(source, [install], mode, sha256=sha256, progress=progress, cancel=cancel)
    entry = plan.entries[0]
    if entry.action == ACTION_ALREADY and entry.dest is not None:
        if lists_as_vae(entry.dest, install):
            return entry.dest, None
        raise UserError(
            f"{install.label} lists this file as {entry.dest}, outside its VAE folders; "
            "choose that file as the default."
        )
    if entry.action != ACTION_CREATE:
        raise UserError(f"Cannot put {source.name} into {_where(install)}: {entry.reason}")
    return None, plan


def _record(journal: Journal, operation_id: str, change: DefaultVaeChange) -> None:
    for step in config_steps(change):
        journal.add_step(operation_id, step)


def config_steps(change: DefaultVaeChange) -> list[Step]:
    """One ``config-value`` step per key written, each enough to put that key back."""
    return value_steps(change.config, change.backup, change.changes)


def value_steps(file: Path, backup: Path | None, changes: Sequence[ValueChange]) -> list[Step]:
    """``config-value`` steps for keys written to any JSON settings file (config, metadata)."""
    created = backup is None  # there was no file: undo may remove it again
    return [
        Step(
            CONFIG_VALUE,
            {
                "file": str(file),
                "backup": str(backup) if backup else None,
                "created": created,
                **c.to_json(),
            },
        )  # fmt: skip
        for c in changes
    ]


def undo_config_value(step: Step) -> StepUndone:
    """Put one key back as it was, only while it still holds what VAE Manager wrote."""
    data = step.data
    path = Path(str(data["file"]))
    key = str(data["key"])
    change = ValueChange(key, data.get("old"), data.get("new"), bool(data.get("had_key", True)))
    description = (
        say("step.put-value-back", key=key, path=path, old=repr(change.old))
        if change.had_key
        else say("step.remove-value", key=key, path=path)
    )
    try:
        if data.get("created") and not change.had_key and _only(path, key, change.new):
            os.unlink(path)  # the file VAE Manager created, still holding only its value
            created = say("step.remove-created-file", path=path)
            return StepUndone(created, True, say("undone.created-by-app"))
        changed, _ = restore_value(path, change)
    except UserError as exc:
        return StepUndone(description, False, str(exc))
    except OSError as exc:
        why = exc.strerror or exc
        return StepUndone(description, False, say("undone.cannot-remove", path=path, why=why))
    return StepUndone(description, True, "" if changed else say("undone.already-so"))


def _only(path: Path, key: str, value: object) -> bool:
    """Whether the file holds exactly ``{key: value}`` and nothing else."""
    if not path.is_file():
        return False
    data, _ = read_config(path)
    return data == {key: value}
