"""The ComfyUI desktop app's base folder (its ``basePath``), which has no ``main.py``.

The app keeps its code in its own resources and the user's data in basePath;
``<userData>/config.json`` says where basePath is and
``<userData>/extra_models_config.yaml`` adds model folders (ui-layouts.md §5.4).
"""

from __future__ import annotations

from pathlib import Path

from app.core.installs.base import Recognizer, ScanContext
from app.core.installs.comfy_yaml import read_model_paths, read_section_base
from app.core.installs.listing import Listing, folder, path_key, read_json, unique_folders
from app.core.installs.records import KIND_COMFYUI_DESKTOP, Folder, Install

MARKERS = "models/ + input/ + output/ + user/ + custom_nodes/ + .venv/, no main.py"
YAML_NAME = "extra_models_config.yaml"


def desktop_base(user_data: Path) -> Path | None:
    """The base folder: ``basePath`` in config.json, else the YAML's desktop section."""
    cfg = read_json(user_data / "config.json") or {}
    base = cfg.get("basePath")
    if isinstance(base, str) and base.strip():
        return Path(base)
    return read_section_base(user_data / YAML_NAME, "comfyui_desktop", "comfyui")


def desktop_bases(user_data_dirs: tuple[Path, ...]) -> dict[str, Path]:
    """``path_key(basePath)`` -> userData, for every desktop app config that exists."""
    found: dict[str, Path] = {}
    for user_data in user_data_dirs:
        base = desktop_base(user_data)
        if base is not None:
            found[path_key(base)] = user_data
    return found


def _folders(base: Path, user_data: Path | None, kind: str, sub: str) -> tuple[Folder, ...]:
    front: list[Folder] = []
    back: list[Folder] = []
    if user_data is not None:
        for f, is_default in read_model_paths(user_data / YAML_NAME, kind):
            (front if is_default else back).append(f)
    default = folder(base / "models" / sub, f"default models/{sub} (desktop base folder)")
    return unique_folders(front + [default] + back)


def detect(listing: Listing, ctx: ScanContext) -> list[Install]:
    """A folder named by a desktop config, or one with every base-folder marker."""
    markers = listing.has_dirs("models", "input", "output", "user", "custom_nodes")
    if "main.py" in listing.files or not markers:
        return []
    user_data = ctx.desktop_bases.get(path_key(listing.path))
    if user_data is None and not listing.has_dirs(".venv"):
        return []
    if user_data is not None:
        source = f"ComfyUI desktop base folder (basePath in {user_data / 'config.json'})"
    else:
        source = f"ComfyUI desktop base folder (markers: {MARKERS}; no desktop config found)"
    return [
        Install(
            KIND_COMFYUI_DESKTOP,
            listing.path,
            None,
            _folders(listing.path, user_data, "vae", "vae"),
            _folders(listing.path, user_data, "checkpoints", "checkpoints"),
            source,
        )
    ]


RECOGNIZER = Recognizer("ComfyUI Desktop base folder", MARKERS, detect)
