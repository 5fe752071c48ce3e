"""Put library files into UI folders safely: plan, apply, undo, unlink, repair."""

from app.core.linking.apply import LinkOutcome, LinkResult, apply_plan
from app.core.linking.broken import (
    BrokenLink,
    RepairOutcome,
    find_broken_links,
    folder_locator,
    repair_broken_links,
)
from app.core.linking.fsops import MODES, FileOps
from app.core.linking.plan import LinkPlan, PlanEntry, plan_links
from app.core.linking.records import LinkRecord, LinkStore, Operation
from app.core.linking.unlink import UnlinkOutcome, UnlinkResult, undo, unlink, unlink_source

__all__ = [
    "MODES",
    "BrokenLink",
    "FileOps",
    "LinkOutcome",
    "LinkPlan",
    "LinkRecord",
    "LinkResult",
    "LinkStore",
    "Operation",
    "PlanEntry",
    "RepairOutcome",
    "UnlinkOutcome",
    "UnlinkResult",
    "apply_plan",
    "find_broken_links",
    "folder_locator",
    "plan_links",
    "repair_broken_links",
    "undo",
    "unlink",
    "unlink_source",
]
