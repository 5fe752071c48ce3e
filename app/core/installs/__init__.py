"""Find the local Stable Diffusion UIs and the folders they read VAEs from."""

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
