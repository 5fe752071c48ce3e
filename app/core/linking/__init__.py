"""Put library files into UI folders safely: plan, apply, unlink, repair (undo: operations.undo).

The names below load on first use (:mod:`app.core.lazy_names`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.lazy_names import lazy_names

if TYPE_CHECKING:
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
    from app.core.linking.unlink import UnlinkOutcome, UnlinkResult, unlink, unlink_source

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
    "unlink",
    "unlink_source",
]

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "LinkOutcome": "apply",
        "LinkResult": "apply",
        "apply_plan": "apply",
        "BrokenLink": "broken",
        "RepairOutcome": "broken",
        "find_broken_links": "broken",
        "folder_locator": "broken",
        "repair_broken_links": "broken",
        "MODES": "fsops",
        "FileOps": "fsops",
        "LinkPlan": "plan",
        "PlanEntry": "plan",
        "plan_links": "plan",
        "LinkRecord": "records",
        "LinkStore": "records",
        "Operation": "records",
        "UnlinkOutcome": "unlink",
        "UnlinkResult": "unlink",
        "unlink": "unlink",
        "unlink_source": "unlink",
    },
    globals(),
)
