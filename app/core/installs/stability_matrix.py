"""A Stability Matrix library: shared ``Models/`` plus every package in ``Packages/``.

The library itself is reported as one install whose VAE folder is the shared
``Models/VAE`` (or ``ModelDirectoryOverride``): for packages in symlink mode
their ``models/VAE`` is a link to it, so that is the folder to link into once.
Each package is reported too, recognised by its own markers, with the link
noted on its folder (ui-layouts.md §9).
"""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

from app.core.installs.base import Recognizer, ScanContext, prefixed
from app.core.installs.listing import Listing, folder, read_json, resolve_under
from app.core.installs.records import KIND_STABILITY_MATRIX, Install

MARKERS = "settings.json + Packages/ + Models/"


def library_path(app_data: Path) -> Path | None:
    """``LibraryPath`` from ``<app data>/library.json``."""
    value = (read_json(app_data / "library.json") or {}).get("LibraryPath")
    return Path(value) if isinstance(value, str) and value.strip() else None


def _models(root: Path, settings: dict) -> tuple[Path, str]:
    override = settings.get("ModelDirectoryOverride")
    if isinstance(override, str) and override.strip():
        return resolve_under(root, override), "settings.json ModelDirectoryOverride + "
    return root / "Models", "shared Models/"


def _packages(root: Path, settings: dict) -> list[tuple[Path, str]]:
    """Package folders with a label: settings.json entries, then unlisted Packages/*."""
    out: dict[Path, str] = {}
    for pkg in settings.get("InstalledPackages") or []:
        if not isinstance(pkg, dict) or not isinstance(pkg.get("LibraryPath"), str):
            continue
        rel = Path(*PureWindowsPath(pkg["LibraryPath"]).parts)
        name = pkg.get("DisplayName") or rel.name
        method = pkg.get("PreferredSharedFolderMethod") or "default"
        out[root / rel] = f"'{name}' ({pkg.get('PackageName', '?')}, shared folders: {method})"
    try:
        for entry in sorted((root / "Packages").iterdir()):
            if entry.is_dir():
                out.setdefault(entry, f"'{entry.name}'")
    except OSError:
        pass
    return list(out.items())


def detect(listing: Listing, ctx: ScanContext) -> list[Install]:
    """The library (shared folders) followed by each recognised package."""
    if not (listing.has_files("settings.json") and listing.has_dirs("Packages", "Models")):
        return []
    root = listing.path
    settings = read_json(root / "settings.json") or {}
    models, how = _models(root, settings)
    portable = " (portable)" if (root / ".sm-portable").exists() else ""
    library = Install(
        KIND_STABILITY_MATRIX,
        root,
        None,
        (folder(models / "VAE", f"{how}VAE"),),
        (folder(models / "StableDiffusion", f"{how}StableDiffusion"),),
        f"Stability Matrix library{portable}: {MARKERS}",
    )
    found = [library]
    for path, label in _packages(root, settings):
        for install in ctx.detect(path):
            found.append(prefixed(install, f"Stability Matrix package {label} in {root}"))
    return found


RECOGNIZER = Recognizer("Stability Matrix library", MARKERS, detect)
