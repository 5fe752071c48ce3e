"""ComfyUI's ``extra_model_paths.yaml`` read the way ``utils/extra_config.py`` reads it.

Every top-level section counts (``a111``, ``comfyui``, ``stability_matrix``,
``comfyui_desktop``, ...). ``base_path`` gets ``~``/``$VAR`` expansion and is
taken relative to the YAML file's folder; each folder-type value is a string
holding one path per line; ``is_default`` sections go to the front.

PyYAML's pure-Python loader recurses once per nesting level, expands merge keys
(``<<: [*a, *a]``) by copying, and needs tens of seconds for a few MB, so the file
is read with limits (size, nesting, node count, merged entries) and anything past
them, or that ComfyUI's own ``yaml.safe_load`` would fail on (a 5,000-digit int, a
date like 2024-13-45), makes the file count as unreadable: no folders from it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import yaml

from app.core.installs.listing import folder, read_text
from app.core.installs.records import Folder

LEGACY_NAMES = {"unet": "diffusion_models", "clip": "text_encoders"}
MAX_YAML_BYTES = 256 << 10  # a real extra_model_paths.yaml is a few KB
MAX_YAML_DEPTH = 32  # a real one nests 2 deep (section, folder type)
MAX_YAML_NODES = 10_000  # nodes composed plus entries merge keys add
MAX_PATHS = 1_000  # folders taken from one file


class YamlLimitError(yaml.YAMLError):
    """The YAML went past one of the limits above."""


class _BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that counts depth and nodes as it composes and merges."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def _enter(self, what: str) -> None:
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            raise YamlLimitError(f"{what} nested deeper than {MAX_YAML_DEPTH} levels")

    def _count(self, nodes: int) -> None:
        self._nodes += nodes
        if self._nodes > MAX_YAML_NODES:
            raise YamlLimitError(f"more than {MAX_YAML_NODES:,} nodes (with merged keys)")

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._count(1)
        self._enter("nodes")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        self._enter("merge keys")
        try:
            super().flatten_mapping(node)
        finally:
            self._depth -= 1
        self._count(len(node.value))


def load_yaml(text: str) -> object | None:
    """``yaml.safe_load`` within the limits above; None when it fails or goes past them."""
    if len(text) > MAX_YAML_BYTES:
        return None
    loader = _BoundedLoader(text)
    try:
        data: object = loader.get_single_data()
        return data
    # ValueError/OverflowError: int("9" * 5000), a date like 2024-13-45, inside PyYAML.
    except (yaml.YAMLError, ValueError, OverflowError, TypeError):
        return None
    finally:
        loader.dispose()


def read_model_paths(yaml_file: Path, kind: str) -> list[tuple[Folder, bool]]:
    """Every folder of folder type ``kind`` (``vae``, ``checkpoints``) with its ``is_default``."""
    text = read_text(yaml_file, limit=MAX_YAML_BYTES)
    data = load_yaml(text) if text else None
    if not isinstance(data, dict):
        return []
    out: list[tuple[Folder, bool]] = []
    for section, body in data.items():
        if isinstance(body, dict):
            is_default = bool(body.get("is_default"))
            out += [(f, is_default) for f in _section_paths(yaml_file, str(section), body, kind)]
    return out[:MAX_PATHS]


def _section_paths(
    yaml_file: Path, section: str, body: Mapping[object, object], kind: str
) -> list[Folder]:
    here = yaml_file.parent
    base = body.get("base_path")
    base_path = None
    if isinstance(base, str) and base.strip() and "\0" not in base:
        base_path = os.path.join(here, os.path.expandvars(os.path.expanduser(base.strip())))
    out: list[Folder] = []
    for key, value in body.items():
        if LEGACY_NAMES.get(str(key), str(key)) != kind or not isinstance(value, str):
            continue
        for line in value.split("\n", MAX_PATHS)[:MAX_PATHS]:
            entry = line.strip()
            if not entry or "\0" in entry:  # NUL: no such folder, and os calls would raise
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
    text = read_text(yaml_file, limit=MAX_YAML_BYTES)
    data = load_yaml(text) if text else None
    if not isinstance(data, dict):
        return None
    for name in sections:
        body = data.get(name)
        base = body.get("base_path") if isinstance(body, dict) else None
        if isinstance(base, str) and "\0" not in base:
            base = os.path.expandvars(os.path.expanduser(base))
            return Path(os.path.normpath(os.path.join(yaml_file.parent, base)))
    return None
