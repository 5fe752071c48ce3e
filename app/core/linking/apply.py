"""Carry out a :class:`LinkPlan` as one undoable operation.

Only ``create`` entries write anything. Each created link is recorded the
moment it exists, so an interrupted apply can still be undone. The source is
re-checked first: if it changed since planning, the plan is stale.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import Cancelled, UserError
from app.core.linking.fsops import MODE_SYMLINK, FileOps, create
from app.core.linking.plan import ACTION_CONFLICT, ACTION_CREATE, ACTION_ERROR, LinkPlan, PlanEntry
from app.core.linking.records import LinkStore
from app.core.tasks import CancelToken, ProgressCallback, no_progress

CREATED = "created"


@dataclass(frozen=True)
class LinkOutcome:
    """What happened for one plan entry."""

    target: str
    dest: Path | None
    action: str
    mode: str | None
    reason: str = ""

    def to_json(self) -> dict[str, object]:
        """Plain JSON for ``link --json``."""
        return {
            "target": self.target,
            "dest": str(self.dest) if self.dest else None,
            "action": self.action,
            "mode": self.mode,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class LinkResult:
    """The outcome of :func:`apply_plan`; ``operation_id`` is what :func:`undo` takes."""

    operation_id: str | None
    source: Path
    outcomes: tuple[LinkOutcome, ...]

    @property
    def created(self) -> tuple[LinkOutcome, ...]:
        """Links made by this operation."""
        return tuple(o for o in self.outcomes if o.action == CREATED)

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {
            "operation_id": self.operation_id,
            "source": str(self.source),
            "outcomes": [o.to_json() for o in self.outcomes],
        }


def _check_source(plan: LinkPlan) -> None:
    try:
        st = os.stat(plan.source)
    except OSError as exc:
        raise UserError(f"{plan.source} is gone since the plan was made.") from exc
    if (st.st_size, st.st_mtime_ns) != (plan.size, plan.mtime_ns):
        raise UserError(f"{plan.source} changed since the plan was made; plan again.")


def _apply_one(plan, entry: PlanEntry, op_id, store, ops, cancel, progress) -> LinkOutcome:
    try:
        entry.folder.mkdir(exist_ok=True)
        used = create(plan.source, entry.dest, plan.requested_mode, ops=ops, cancel=cancel,
                      progress=progress, sha256=plan.sha256)  # fmt: skip
    except FileExistsError:
        reason = f"{entry.dest.name} appeared after planning; left alone"
        return LinkOutcome(entry.target, entry.dest, ACTION_CONFLICT, None, reason)
    except OSError as exc:
        return LinkOutcome(entry.target, entry.dest, ACTION_ERROR, None, str(exc))
    st = os.stat(entry.dest)
    store.add_link(
        op_id, entry.dest, plan.source, used,
        link_target=os.readlink(entry.dest) if used == MODE_SYMLINK else None,
        sha256=plan.sha256, size=plan.size, dev=st.st_dev, ino=st.st_ino,
    )  # fmt: skip
    return LinkOutcome(entry.target, entry.dest, CREATED, used, entry.reason)


def apply_plan(
    plan: LinkPlan,
    *,
    store: LinkStore | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback = no_progress,
    ops: FileOps | None = None,
) -> LinkResult:
    """Create the planned links; never replaces an existing name (those become conflicts)."""
    store = store or LinkStore()
    op_id = None
    if plan.to_create:
        _check_source(plan)
        op_id = store.new_operation("link")
    outcomes: list[LinkOutcome] = []
    for entry in plan.entries:
        if entry.action != ACTION_CREATE:
            outcomes.append(LinkOutcome(entry.target, entry.dest, entry.action, None, entry.reason))
            continue
        try:
            outcomes.append(_apply_one(plan, entry, op_id, store, ops, cancel, progress))
        except Cancelled:
            made = sum(o.action == CREATED for o in outcomes)
            raise Cancelled(
                f"cancelled; {made} link(s) made before that can be undone (operation {op_id})"
            ) from None
    return LinkResult(op_id, plan.source, tuple(outcomes))
