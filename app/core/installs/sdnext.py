"""SD.Next (vladmandic/sdnext, formerly vladmandic/automatic).

It looks like A1111 but has ``installer.py`` and no ``modules_forge/``. Its
folders come from ``config.json`` (only non-default values are stored there),
with ``--data-dir``/``$SD_DATADIR`` and ``--models-dir``/``$SD_MODELSDIR``
deciding where that config and the models live (ui-layouts.md §4.2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from app.core.installs.base import Recognizer, ScanContext
from app.core.installs.listing import (
    Listing,
    folder,
    read_head,
    read_json,
    resolve_under,
    unique_folders,
)
from app.core.installs.records import KIND_SDNEXT, Folder, Install
from app.core.installs.webui_args import Flag, launch_flags

MARKERS = "webui.py + launch.py + installer.py + modules/, no modules_forge/"


def _version(root: Path) -> str | None:
    m = re.search(r'"version"\s*:\s*"([^"]+)"', read_head(root / "package.json", 4096))
    return m.group(1) if m and m.group(1) != "dev" else None


def _data_dir(root: Path, ctx: ScanContext, flags: Mapping[str, Flag]) -> tuple[Path, str]:
    if f := flags.get("--data-dir"):
        return resolve_under(root, f.value), f.describe()
    if value := ctx.env.vars.get("SD_DATADIR"):
        return resolve_under(root, value), "$SD_DATADIR"
    return root, ""


def _models_dir(
    data: Path,
    data_how: str,
    ctx: ScanContext,
    flags: Mapping[str, Flag],
    cfg: Mapping[str, object],
) -> tuple[Path, str]:
    if f := flags.get("--models-dir"):
        return resolve_under(data, f.value), f.describe() + " + "
    if value := ctx.env.vars.get("SD_MODELSDIR"):
        return resolve_under(data, value), "$SD_MODELSDIR + "
    configured = cfg.get("models_dir")
    if isinstance(configured, str) and configured:
        return resolve_under(data, configured), "config.json models_dir + "
    return data / "models", (f"{data_how} + models/" if data_how else "default models/")


def _configured(root: Path, cfg: Mapping[str, object], key: str, default: Folder) -> Folder:
    value = cfg.get(key)
    if isinstance(value, str) and value.strip():
        return folder(resolve_under(root, value), f"config.json {key}")
    return default


def detect(listing: Listing, ctx: ScanContext) -> list[Install]:
    """Recognise an SD.Next root and read its configured folders."""
    if not (
        listing.has_files("webui.py", "launch.py", "installer.py")
        and listing.has_dirs("modules")
        and not listing.has_dirs("modules_forge")
    ):
        return []
    root = listing.path
    flags = launch_flags(root)
    data, data_how = _data_dir(root, ctx, flags)
    config = resolve_under(data, ctx.env.vars.get("SD_CONFIG") or "config.json")
    cfg = read_json(config) or {}
    models, how = _models_dir(data, data_how, ctx, flags, cfg)
    vae = _configured(root, cfg, "vae_dir", folder(models / "VAE", f"{how}VAE"))
    ckpt = _configured(
        root, cfg, "ckpt_dir", folder(models / "Stable-diffusion", f"{how}Stable-diffusion")
    )
    source = f"markers: {MARKERS}"
    return [
        Install(
            KIND_SDNEXT, root, _version(root), unique_folders([vae]), unique_folders([ckpt]), source
        )
    ]


RECOGNIZER = Recognizer("SD.Next", MARKERS, detect)
