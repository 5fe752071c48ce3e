"""Find the local Stable Diffusion UIs and the folders they read VAEs from.

The names below load on first use (:mod:`app.core.lazy_names`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.lazy_names import lazy_names

if TYPE_CHECKING:
    from app.core.installs.discovery import (
        DEFAULT_MAX_DEPTH,
        DEFAULT_TIME_BUDGET_S,
        add_install,
        discover,
        discover_report,
        install_at,
        recognize,
        remove_install,
    )
    from app.core.installs.environment import Environment, SearchRoot
    from app.core.installs.records import Folder, Install

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_TIME_BUDGET_S",
    "Environment",
    "Folder",
    "Install",
    "SearchRoot",
    "add_install",
    "discover",
    "discover_report",
    "install_at",
    "recognize",
    "remove_install",
]

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "DEFAULT_MAX_DEPTH": "discovery",
        "DEFAULT_TIME_BUDGET_S": "discovery",
        "add_install": "discovery",
        "discover": "discovery",
        "discover_report": "discovery",
        "install_at": "discovery",
        "recognize": "discovery",
        "remove_install": "discovery",
        "Environment": "environment",
        "SearchRoot": "environment",
        "Folder": "records",
        "Install": "records",
    },
    globals(),
)
