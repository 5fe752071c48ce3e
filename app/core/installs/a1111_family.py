"""AUTOMATIC1111, Forge (1 and 2) and reForge: one code base, told apart by markers.

The forks carry every A1111 marker, so the order matters (ui-layouts.md §13):
``modules_forge/`` means Forge or reForge; ``k_diff/`` or ``random_res_config/``
exist only in reForge; ``backend/`` is Forge 2, ``ldm_patched/`` without it Forge
1. Only reForge2 (Forge 2 layout) needs the git remote to be told from Forge.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.core.installs.base import Recognizer, ScanContext, prefixed
from app.core.installs.listing import (
    Listing,
    folder,
    git_remote,
    read_head,
    resolve_under,
    unique_folders,
)
from app.core.installs.records import (
    KIND_A1111,
    KIND_FORGE,
    KIND_REFORGE,
    Folder,
    Install,
    InstallKind,
)
from app.core.installs.webui_args import Flag, launch_flags

A1111_MARKERS = (
    "webui.py + launch.py + modules/sd_vae.py + modules/paths_internal.py, no modules_forge/ "
    "(Forge/reForge: + modules_forge/; reForge: + k_diff/ or random_res_config/; "
    "Forge 2: + backend/; Forge 1: + ldm_patched/)"
)
WRAPPER_MARKERS = "webui/webui.py + system/ + run.bat (one-click package)"
AKI_LAUNCHERS = ("A绘世启动器.exe", "A启动器.exe")


def classify(listing: Listing) -> tuple[InstallKind, str | None, str] | None:
    """(kind, version, which markers decided) for an A1111-family root, else None."""
    if not (listing.has_files("webui.py", "launch.py") and listing.has_dirs("modules")):
        return None
    if not listing.has_dirs("modules_forge"):
        if listing.has_files("installer.py"):
            return None  # SD.Next
        if not (
            listing.exists("modules/sd_vae.py") and listing.exists("modules/paths_internal.py")
        ):
            return None
        return KIND_A1111, _changelog_version(listing.path), "A1111 markers, no modules_forge/"
    for marker in ("k_diff", "random_res_config"):
        if listing.has_dirs(marker):
            return KIND_REFORGE, None, f"modules_forge/ + {marker}/"
    remote = (git_remote(listing.path) or "").lower()
    if "stable-diffusion-webui-reforge" in remote:
        return KIND_REFORGE, None, "modules_forge/ + git remote reForge"
    if listing.has_dirs("backend"):
        return KIND_FORGE, "2", "modules_forge/ + backend/ (Forge 2)"
    if listing.has_dirs("ldm_patched"):
        return KIND_FORGE, "1", "modules_forge/ + ldm_patched/ (Forge 1)"
    return KIND_FORGE, None, "modules_forge/"


def _changelog_version(root: Path) -> str | None:
    text = read_head(root / "CHANGELOG.md", 4096)
    m = re.search(r"^##\s*v?(\d+\.\d+\.\d+)", text, re.MULTILINE)
    return m.group(1) if m else None


def model_folders(
    root: Path, kind: str, flags: dict[str, Flag]
) -> tuple[list[Folder], list[Folder]]:
    """VAE and checkpoint folders, following the webui's own path rules.

    ``data = --data-dir or R``; ``models = --models-dir or data/models``; a
    ``--vae-dir``/``--ckpt-dir`` comes first because it is the user's explicit choice.
    """
    data, models_how = root, "default models/"
    if f := flags.get("--data-dir"):
        data, models_how = resolve_under(root, f.value), f"{f.describe()} + models/"
    models = data / "models"
    if f := flags.get("--models-dir"):
        models, models_how = resolve_under(root, f.value), f"{f.describe()} + "
    vae = [folder(models / "VAE", f"{models_how}VAE")]
    ckpt = [folder(models / "Stable-diffusion", f"{models_how}Stable-diffusion")]
    if f := flags.get("--vae-dir"):
        vae.insert(0, folder(resolve_under(root, f.value), f.describe()))
    if f := flags.get("--ckpt-dir"):
        ckpt.insert(0, folder(resolve_under(root, f.value), f.describe()))
    ref = flags.get("--forge-ref-a1111-home")
    if kind == KIND_FORGE and ref:
        home = resolve_under(root, ref.value)
        if "--vae-dir" not in flags and (home / "models" / "VAE").is_dir():
            vae.append(folder(home / "models" / "VAE", f"{ref.describe()} + models/VAE"))
        if "--ckpt-dir" not in flags and (home / "models" / "Stable-diffusion").is_dir():
            ckpt.append(
                folder(
                    home / "models" / "Stable-diffusion",
                    f"{ref.describe()} + models/Stable-diffusion",
                )
            )
    return vae, ckpt


def detect(listing: Listing, ctx: ScanContext) -> list[Install]:
    """Recognise an A1111, Forge or reForge root."""
    found = classify(listing)
    if found is None:
        return []
    kind, version, why = found
    vae, ckpt = model_folders(listing.path, kind, launch_flags(listing.path))
    source = f"markers: {why}"
    if listing.path.name.lower().startswith("sd-webui-aki") or listing.files & set(AKI_LAUNCHERS):
        source += "; aki package (its launcher's own arguments are not read)"
    return [Install(kind, listing.path, version, unique_folders(vae), unique_folders(ckpt), source)]


def detect_wrapper(listing: Listing, ctx: ScanContext) -> list[Install]:
    """The Windows one-click zip/7z: the repo is in ``webui/`` next to ``system/``."""
    if not (listing.has_dirs("webui", "system") and listing.has_files("run.bat")):
        return []
    found = ctx.detect(listing.path / "webui")
    return [prefixed(i, f"one-click package {listing.path}") for i in found]


RECOGNIZER = Recognizer("AUTOMATIC1111 / Forge / reForge", A1111_MARKERS, detect)
WRAPPER = Recognizer("A1111 / Forge one-click package", WRAPPER_MARKERS, detect_wrapper)
