"""ComfyUI's ``extra_model_paths.yaml`` read the way ``utils/extra_config.py`` reads it.

Every top-level section counts (``a111``, ``comfyui``, ``stability_matrix``,
``comfyui_desktop``, ...). ``base_path`` gets ``~``/``$VAR`` expansion and is
taken relative to the YAML file's folder; each folder-type value is a string
holding one path per line; ``is_default`` sections go to the front.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from app.core.installs.listing import folder, read_text
from app.core.installs.records import Folder

LEGACY_NAMES = {"unet": "diffusion_models", "clip": "text_encoders"}


def read_model_paths(yaml_file: Path, kind: str) -> list[tuple[Folder, bool]]:
    """Every folder of folder type ``kind`` (``vae``, ``checkpoints``) with its ``is_default``."""
    text = read_text(yaml_file)
    if not text:
        return []
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    if not isinstance(data, dict):
        return []
    out: list[tuple[Folder, bool]] = []
    for section, body in data.items():
        if isinstance(body, dict):
            is_default = bool(body.get("is_default"))
            out += [(f, is_default) for f in _section_paths(yaml_file, str(section), body, kind)]
    return out


def _section_paths(yaml_file: Path, section: str, body: dict, kind: str) -> list[Folder]:
    here = yaml_file.parent
    base = body.get("base_path")
    base_path = None
    if isinstance(base, str) and base.strip():
        base_path = os.path.join(here, os.path.expandvars(os.path.expanduser(base.strip())))
    out: list[Folder] = []
    for key, value in body.items():
        if LEGACY_NAMES.get(str(key), str(key)) != kind or not isinstance(value, str):
            continue
        for line in value.split("\n"):
            entry = line.strip()
            if not entry:
                continue
            if base_path is not None:
                path, how = os.path.join(base_path, entry), f"base_path + {key}"
            else:
                path, how = os.path.join(here, entry), f"{key} (relative to the yaml folder)"
                if os.path.isabs(entry):
                    how = str(key)
            out.append(
                folder(Path(os.path.normpath(path)), f"{yaml_file.name}: section {section}, {how}")
            )
    return out


def read_section_base(yaml_file: Path, *sections: str) -> Path | None:
    """``base_path`` of the first of ``sections`` that has one (desktop app fallback)."""
    text = read_text(yaml_file)
    try:
        data = yaml.safe_load(text) if text else None
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    for name in sections:
        body = data.get(name)
        if isinstance(body, dict) and isinstance(body.get("base_path"), str):
            base = os.path.expandvars(os.path.expanduser(body["base_path"]))
            return Path(os.path.normpath(os.path.join(yaml_file.parent, base)))
    return None
