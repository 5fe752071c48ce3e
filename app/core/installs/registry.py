"""The recognisers in the order they must be tried, and the glue that runs them.

Order matters because forks carry their parent's markers: Stability Matrix and
Swarm contain whole UIs, SD.Next/Forge/reForge contain A1111's files
(ui-layouts.md §13).
"""

from __future__ import annotations

from pathlib import Path

from app.core.installs import (
    a1111_family,
    comfyui,
    comfyui_desktop,
    fooocus,
    invokeai,
    sdnext,
    stability_matrix,
    swarmui,
)
from app.core.installs.base import Recognizer, ScanContext
from app.core.installs.environment import Environment
from app.core.installs.listing import Listing
from app.core.installs.records import Install

RECOGNIZERS: tuple[Recognizer, ...] = (
    stability_matrix.RECOGNIZER,
    swarmui.RECOGNIZER,
    comfyui_desktop.RECOGNIZER,
    comfyui.RECOGNIZER,
    comfyui.PORTABLE,
    invokeai.RECOGNIZER,
    fooocus.RECOGNIZER,
    fooocus.PACKAGE,
    sdnext.RECOGNIZER,
    a1111_family.RECOGNIZER,
    a1111_family.WRAPPER,
)


def detect_listing(listing: Listing, ctx: ScanContext) -> list[Install]:
    """The installs the first matching recogniser finds in this folder."""
    for recognizer in RECOGNIZERS:
        try:
            found = recognizer.detect(listing, ctx)
        except OSError as exc:
            ctx.skipped.append((listing.path, f"{recognizer.name}: {exc}"))
            continue
        if found:
            return found
    return []


def detect_path(path: Path, ctx: ScanContext) -> list[Install]:
    """List ``path`` and recognise it; an unreadable folder is noted, not raised."""
    try:
        listing = Listing.read(path)
    except OSError as exc:
        ctx.skipped.append((Path(path), str(exc)))
        return []
    return detect_listing(listing, ctx)


def make_context(env: Environment) -> ScanContext:
    """A context whose ``detect`` runs the whole registry (for wrappers and packages)."""
    ctx = ScanContext(env=env, detect=lambda p: detect_path(p, ctx))
    ctx.desktop_bases = comfyui_desktop.desktop_bases(env.comfy_desktop_data)
    return ctx


def markers_help() -> str:
    """What was looked for, one UI per line, for error messages."""
    return "\n".join(f"  - {r.name}: {r.markers}" for r in RECOGNIZERS)
