"""SwarmUI: folders come from the ``Paths`` section of ``Data/Settings.fds``.

``ModelRoot`` may list several roots separated by ``;`` and ``SDVAEFolder``
several sub-folders (absolute or relative to each root). The ComfyUI that Swarm
installs under ``dlbackend/comfy`` belongs to Swarm; the walker never reaches
it because a recognised folder is not descended into.
"""

from __future__ import annotations

from pathlib import Path

from app.core.installs.base import Recognizer, ScanContext
from app.core.installs.listing import Listing, folder, read_text, resolve_under, unique_folders
from app.core.installs.records import KIND_SWARMUI, Folder, Install

MARKERS = "SwarmUI.sln or src/SwarmUI.csproj + launch-windows.bat or launch-linux.sh"
SETTINGS = "Data/Settings.fds"


def fds_section(text: str, section: str) -> dict[str, str]:
    """Direct ``key: value`` children of a top-level FDS section."""
    values: dict[str, str] = {}
    inside, child_indent = False, None
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip())
        key, _, value = raw.strip().partition(":")
        if indent == 0:
            inside, child_indent = key == section, None
        elif inside:
            child_indent = indent if child_indent is None else child_indent
            if indent == child_indent and value.strip():
                values[key.strip()] = value.strip()
    return values


def _folders(root: Path, paths: dict[str, str], key: str, default: str) -> list[Folder]:
    roots = [r.strip() for r in paths.get("ModelRoot", "Models").split(";") if r.strip()]
    subs = [s.strip() for s in paths.get(key, default).split(";") if s.strip()]
    how_root = f"{SETTINGS} Paths.ModelRoot" if "ModelRoot" in paths else "default Models"
    how_sub = f"{SETTINGS} Paths.{key}" if key in paths else default
    return [
        folder(resolve_under(resolve_under(root, r), s), f"{how_root} + {how_sub}")
        for r in roots
        for s in subs
    ]


def detect(listing: Listing, ctx: ScanContext) -> list[Install]:
    """Recognise a SwarmUI folder and read its Paths settings."""
    if not listing.files & {"launch-windows.bat", "launch-linux.sh"}:
        return []
    if not (listing.has_files("SwarmUI.sln") or listing.exists("src/SwarmUI.csproj")):
        return []
    paths = fds_section(read_text(listing.path / SETTINGS) or "", "Paths")
    vae = _folders(listing.path, paths, "SDVAEFolder", "VAE")
    ckpt = _folders(listing.path, paths, "SDModelFolder", "Stable-Diffusion")
    return [
        Install(
            KIND_SWARMUI,
            listing.path,
            None,
            unique_folders(vae),
            unique_folders(ckpt),
            f"markers: {MARKERS}",
        )
    ]


RECOGNIZER = Recognizer("SwarmUI", MARKERS, detect)
