"""Fooocus (and its Windows package with ``python_embeded/``).

``config.txt`` is JSON; ``path_vae`` (a string) and ``path_checkpoints`` (a
list) are used only if they exist, and an environment variable with the same
name overrides the file (ui-layouts.md §7). Relative paths are taken from the
Fooocus folder, which the launcher makes the working directory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from app.core.installs.base import Recognizer, ScanContext, prefixed
from app.core.installs.listing import (
    Listing,
    folder,
    read_head,
    read_json,
    resolve_under,
    unique_folders,
)
from app.core.installs.records import KIND_FOOOCUS, Folder, Install

MARKERS = "entry_with_update.py + fooocus_version.py + modules/config.py"
PACKAGE_MARKERS = "python_embeded/ + Fooocus/entry_with_update.py + run.bat (Windows package)"


def _version(root: Path) -> str | None:
    m = re.search(r"version\s*=\s*['\"]([^'\"]+)", read_head(root / "fooocus_version.py", 1024))
    return m.group(1) if m else None


def _configured(
    root: Path, ctx: ScanContext, cfg: Mapping[str, object], key: str, default: str
) -> list[Folder]:
    """Env var, then config.txt (existing folders only), then the default folder."""
    candidates: list[tuple[str, str]] = []
    if env_value := ctx.env.vars.get(key):
        candidates.append((env_value, f"${key}"))
    value = cfg.get(key)
    values = value if isinstance(value, list) else [value]
    candidates += [(v, f"config.txt {key}") for v in values if isinstance(v, str) and v.strip()]
    found = [
        folder(resolve_under(root, v), how)
        for v, how in candidates
        if resolve_under(root, v).is_dir()
    ]
    return found or [folder(root / "models" / default, f"default models/{default}")]


def detect(listing: Listing, ctx: ScanContext) -> list[Install]:
    """Recognise a Fooocus folder and read its config.txt."""
    if not (
        listing.has_files("entry_with_update.py", "fooocus_version.py")
        and listing.exists("modules/config.py")
    ):
        return []
    root = listing.path
    config = resolve_under(root, ctx.env.vars.get("config_path") or "config.txt")
    cfg = read_json(config) or {}
    vae = _configured(root, ctx, cfg, "path_vae", "vae")
    ckpt = _configured(root, ctx, cfg, "path_checkpoints", "checkpoints")
    return [
        Install(
            KIND_FOOOCUS,
            root,
            _version(root),
            unique_folders(vae),
            unique_folders(ckpt),
            f"markers: {MARKERS}",
        )
    ]


def detect_package(listing: Listing, ctx: ScanContext) -> list[Install]:
    """``Fooocus_win64_*``: the real root is ``Fooocus/``."""
    if not (listing.has_dirs("python_embeded", "Fooocus") and listing.has_files("run.bat")):
        return []
    found = ctx.detect(listing.path / "Fooocus")
    return [prefixed(i, f"Windows package {listing.path}") for i in found]


RECOGNIZER = Recognizer("Fooocus", MARKERS, detect)
PACKAGE = Recognizer("Fooocus Windows package", PACKAGE_MARKERS, detect_package)
