"""Carry out a :class:`LinkPlan` as one undoable operation.

Only ``create`` entries write anything. Each created link is recorded the
moment it exists, so an interrupted apply can still be undone. The source is
re-checked first: if it changed since planning, the plan is stale.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from app.core.errors import Cancelled, UserError
from app.core.linking.fsops import MODE_SYMLINK, FileOps, LinkMode, create
from app.core.linking.plan import ACTION_CREATE, LinkPlan, PlanEntry
from app.core.linking.records import LinkStore
from app.core.messages import say, say_list
from app.core.tasks import CancelToken, ProgressCallback, no_progress


class ApplyOutcome(StrEnum):
    """What happened for one plan entry: ``created``, or the plan's action it kept.

    Members equal their strings (``link --json`` prints the same words).
    """

    CREATED = "created"
    ALREADY = "already-linked"
    CONFLICT = "conflict"  # planned or appeared after planning: left alone
    ERROR = "error"
    CANNOT_USE = "cannot-use"


CREATED = ApplyOutcome.CREATED


@dataclass(frozen=True)
class LinkOutcome:
    """What happened for one plan entry."""

    target: str
    dest: Path | None
    action: ApplyOutcome
    mode: LinkMode | None
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


def short_target(target: str) -> str:
    """An entry's target without its root ("ComfyUI at /x" -> "ComfyUI"), for summaries."""
    return target.split(" at ", 1)[0]


def link_summary(plan: LinkPlan) -> str:
    """Plain words for the operation: "link vae.safetensors into ComfyUI and Forge"."""
    where = say_list([short_target(e.target) for e in plan.to_create])
    return say("op.link", name=plan.source.name, where=where)


def _check_source(plan: LinkPlan) -> None:
    try:
        st = os.stat(plan.source)
    except OSError as exc:
        raise UserError(f"{plan.source} is gone since the plan was made.") from exc
    if (st.st_size, st.st_mtime_ns) != (plan.size, plan.mtime_ns):
        raise UserError(f"{plan.source} changed since the plan was made; plan again.")


def _apply_one(
    plan: LinkPlan,
    entry: PlanEntry,
    op_id: str,
    store: LinkStore,
    ops: FileOps | None,
    cancel: CancelToken | None,
    progress: ProgressCallback,
) -> LinkOutcome:
    dest, folder = entry.dest, entry.folder
    assert dest is not None and folder is not None  # a "create" entry always has both
    try:
        folder.mkdir(exist_ok=True)
        used = create(plan.source, dest, plan.requested_mode, ops=ops, cancel=cancel,
                      progress=progress, sha256=plan.sha256)  # fmt: skip
    except FileExistsError:
        reason = f"{dest.name} appeared after planning; left alone"
        return LinkOutcome(entry.target, dest, ApplyOutcome.CONFLICT, None, reason)
    except OSError as exc:
        return LinkOutcome(entry.target, dest, ApplyOutcome.ERROR, None, str(exc))
    st = os.stat(dest)
    store.add_link(
        op_id, dest, plan.source, used,
        link_target=os.readlink(dest) if used == MODE_SYMLINK else None,
        sha256=plan.sha256, size=plan.size, dev=st.st_dev, ino=st.st_ino,
    )  # fmt: skip
    return LinkOutcome(entry.target, dest, CREATED, used, entry.reason)


def apply_plan(
    plan: LinkPlan,
    *,
    store: LinkStore | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback = no_progress,
    ops: FileOps | None = None,
    operation_id: str | None = None,
) -> LinkResult:
    """Create the planned links; never replaces an existing name (those become conflicts).

    Each link is recorded with its ``link-created`` step in a new "link" operation,
    or in ``operation_id`` when the caller's operation does more than link.
    """
    store = store or LinkStore()
    op_id: str | None = None
    if plan.to_create:
        _check_source(plan)
        op_id = operation_id or store.new_operation("link", link_summary(plan))
    outcomes: list[LinkOutcome] = []
    for entry in plan.entries:
        if entry.action != ACTION_CREATE:
            kept = ApplyOutcome(entry.action)
            outcomes.append(LinkOutcome(entry.target, entry.dest, kept, None, entry.reason))
            continue
        assert op_id is not None  # set above whenever there is an entry to create
        try:
            outcomes.append(_apply_one(plan, entry, op_id, store, ops, cancel, progress))
        except Cancelled:
            made = sum(o.action == CREATED for o in outcomes)
            raise Cancelled(
                f"cancelled; {made} link(s) made before that can be undone (operation {op_id})"
            ) from None
    if (
        op_id is not None
        and operation_id is None
        and not any(o.action == CREATED for o in outcomes)
    ):
        store.discard_if_empty(op_id)  # every entry failed: nothing to undo
        op_id = None
    return LinkResult(op_id, plan.source, tuple(outcomes))
