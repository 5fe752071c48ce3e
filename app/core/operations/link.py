"""Link: put a library file into UI folders, as one recorded (undoable) operation.

:func:`plan_links` / :func:`apply_plan` stay the engine. :func:`link_into` is the
command line's plan-then-apply; :func:`apply_link_changes` is the link dialog's
Apply: the ticked entries are created and the unticked installs' links the app
made are removed in ONE operation, so undo reverses the whole click.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from app.core.errors import UserError
from app.core.linking.apply import LinkOutcome, LinkResult, apply_plan, short_target
from app.core.linking.plan import ACTION_CREATE, LinkPlan, PlanEntry, Target, plan_links
from app.core.linking.removal import UnlinkOutcome
from app.core.messages import say
from app.core.operations.guard import release_removed
from app.core.operations.journal import Journal, OperationKind
from app.core.operations.unlink import NOT_OURS, remove_link
from app.core.operations.words import plain_list
from app.core.tasks import CancelToken, ProgressCallback, no_progress


@dataclass(frozen=True)
class LinkChanges:
    """What :func:`apply_link_changes` did, as one operation (None when nothing changed)."""

    operation_id: str | None
    source: Path
    created: tuple[LinkOutcome, ...]
    removed: tuple[UnlinkOutcome, ...]
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI and tests."""
        return {
            "operation_id": self.operation_id,
            "source": str(self.source),
            "created": [o.to_json() for o in self.created],
            "removed": [o.to_json() for o in self.removed],
            "notes": list(self.notes),
        }


def link_into(
    source: Path,
    targets: Sequence[Target],
    *,
    mode: str = "auto",
    target_name: str | None = None,
    sha256: str | None = None,
    journal: Journal | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> LinkResult:
    """Plan and create links of ``source`` in each target; conflicts are reported, not replaced."""
    if not targets:
        raise UserError("Choose at least one install to link into.")
    journal = journal or Journal()
    plan = plan_links(
        source, targets, mode, target_name, sha256=sha256, progress=progress, cancel=cancel
    )
    return apply_plan(plan, store=journal.links, cancel=cancel, progress=progress)


def _summary(plan: LinkPlan, create: Sequence[PlanEntry], unlink_from: Sequence[str]) -> str:
    name, into = plan.source.name, plain_list([short_target(e.target) for e in create])
    if create and unlink_from:
        return say("op.link-and-unlink", name=name, where=into, unlinked=plain_list(unlink_from))
    if create:
        return say("op.link", name=name, where=into)
    return say("op.unlink", names=name, where=plain_list(unlink_from))


def _removal(item: Path | PlanEntry) -> tuple[Path | None, str]:
    if isinstance(item, PlanEntry):
        return item.dest, short_target(item.target)
    return Path(os.path.abspath(item)), str(Path(item).parent)


def apply_link_changes(
    plan: LinkPlan,
    create: Sequence[PlanEntry],
    remove: Sequence[Path | PlanEntry],
    *,
    journal: Journal | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> LinkChanges:
    """The link dialog's Apply: create the ticked entries, remove the unticked links, as one.

    ``remove`` holds the unticked rows' entries (or link paths). Links the app did not
    make are left alone and reported. Cancelling keeps what was done recorded, so it
    can still be undone.
    """
    wrong = [e for e in create if e.action != ACTION_CREATE]
    if wrong:
        raise UserError(f"{wrong[0].target} cannot take the link: {wrong[0].reason}")
    journal = journal or Journal()
    removals = [_removal(item) for item in remove]
    records = [(journal.links.active_for_dest(d) if d else None, d, label) for d, label in removals]
    if not create and not any(r for r, _, _ in records):
        return LinkChanges(None, plan.source, (), tuple(_not_ours(d) for _, d, _ in records))
    unlink_from = [label for r, _, label in records if r is not None]
    op_id = journal.begin(OperationKind.LINK, _summary(plan, create, unlink_from))
    try:
        made: tuple[LinkOutcome, ...] = ()
        if create:
            result = apply_plan(
                replace(plan, entries=tuple(create)),
                store=journal.links,
                cancel=cancel,
                progress=progress,
                operation_id=op_id,
            )
            made = result.outcomes
        removed: list[UnlinkOutcome] = []
        for record, dest, _label in records:
            if cancel is not None:
                cancel.raise_if_cancelled()
            removed.append(remove_link(record, journal, op_id) if record else _not_ours(dest))
        notes = release_removed([o.path for o in removed if o.removed], op_id, journal)
    finally:
        journal.discard_if_empty(op_id)
    kept = op_id if journal.get(op_id) is not None else None
    return LinkChanges(kept, plan.source, made, tuple(removed), notes)


def _not_ours(dest: Path | None) -> UnlinkOutcome:
    return UnlinkOutcome(dest or Path(), False, NOT_OURS)
