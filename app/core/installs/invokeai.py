"""InvokeAI roots: recognised, but with no VAE folder to drop files into.

InvokeAI keeps its models in a database and moves managed files to
``<models>/<key>/``; a VAE is registered through Model Manager or
``POST /api/v2/models/install?inplace=true`` (ui-layouts.md §6), so linking
reports it as an error with that advice instead of writing anywhere.
"""

from __future__ import annotations

from pathlib import Path

from app.core.installs.base import Recognizer, ScanContext
from app.core.installs.listing import Listing
from app.core.installs.records import KIND_INVOKEAI, Install

MARKERS = "invokeai.yaml + databases/invokeai.db"
NO_FOLDER = (
    "InvokeAI has no VAE folder; add the file in Model Manager (Scan Folder / URL or "
    "Local Path, 'in place')"
)


def _version(root: Path) -> str | None:
    """From the launcher venv's dist-info name: no file is opened."""
    for lib in (root / ".venv" / "lib", root / ".venv" / "Lib"):
        try:
            pythons = [lib] if lib.name == "Lib" else sorted(lib.glob("python3*"))
            for py in pythons:
                for info in (py / "site-packages").glob("invokeai-*.dist-info"):
                    return info.name.removeprefix("invokeai-").removesuffix(".dist-info")
        except OSError:
            continue
    return None


def detect(listing: Listing, ctx: ScanContext) -> list[Install]:
    """Recognise an InvokeAI root folder."""
    if not (listing.has_files("invokeai.yaml") and listing.exists("databases/invokeai.db")):
        return []
    source = f"markers: {MARKERS}; {NO_FOLDER}"
    return [Install(KIND_INVOKEAI, listing.path, _version(listing.path), (), (), source)]


RECOGNIZER = Recognizer("InvokeAI", MARKERS, detect)
