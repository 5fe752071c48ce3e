"""A Stability Matrix library: shared ``Models/`` plus every package in ``Packages/``.

The library itself is reported as one install whose VAE folder is the shared
``Models/VAE`` (or ``ModelDirectoryOverride``): for packages in symlink mode
their ``models/VAE`` is a link to it, so that is the folder to link into once.
Each package is reported too, recognised by its own markers, with the link
noted on its folder (ui-layouts.md §9).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path, PureWindowsPath

from app.core.bounded_json import BoundedJsonError, load_path_bounded
from app.core.installs.base import Recognizer, ScanContext, prefixed
from app.core.installs.listing import (
    MAX_CONFIG_BYTES,
    Listing,
    folder,
    read_json,
    resolve_under,
)
from app.core.installs.records import KIND_STABILITY_MATRIX, Install
from app.core.write_roots import write_refusal

MARKERS = "settings.json + Packages/ + Models/"
SETTINGS_MAX_DEPTH = 64  # System.Text.Json's default MaxDepth, what Stability Matrix reads with
_NOT_A_PATH = re.compile("[\\x00\\ud800-\\udfff]")  # NUL or a lone surrogate: no file has it


def library_path(app_data: Path) -> Path | None:
    """``LibraryPath`` from ``<app data>/library.json``."""
    value = _text((read_json(app_data / "library.json") or {}).get("LibraryPath"))
    return Path(value) if value is not None else None


def _text(value: object) -> str | None:
    """A usable path or label from settings: a non-blank string a file name could hold."""
    if not isinstance(value, str) or not value.strip() or _NOT_A_PATH.search(value):
        return None
    return value


def _read_settings(path: Path) -> tuple[dict[str, object], str | None]:
    """settings.json as an object, or ``{}`` and why it was ignored (never raises)."""
    try:
        data = load_path_bounded(path, max_bytes=MAX_CONFIG_BYTES, max_depth=SETTINGS_MAX_DEPTH)
    except BoundedJsonError as exc:
        return {}, f"settings.json {exc.message}"
    except OSError as exc:
        return {}, f"settings.json cannot be read ({exc.strerror or exc})"
    if not isinstance(data, dict):
        return {}, "settings.json is not a JSON object"
    return data, None


def _models(root: Path, settings: Mapping[str, object]) -> tuple[Path | None, str]:
    """The shared models folder; None (and why) for an override no app may write into."""
    override = _text(settings.get("ModelDirectoryOverride"))
    if override is not None:
        path = resolve_under(root, override)
        refused = write_refusal(path)
        if refused:
            return None, f"settings.json ModelDirectoryOverride {path} is refused: {refused}"
        return path, "settings.json ModelDirectoryOverride + "
    return root / "Models", "shared Models/"


def _type_notes(settings: Mapping[str, object]) -> list[str]:
    """What in a readable settings.json is of the wrong type and so is ignored."""
    notes = []
    override = settings.get("ModelDirectoryOverride")
    if override is not None and _text(override) is None and override != "":
        notes.append(
            f"settings.json ModelDirectoryOverride {str(override)[:80]!r} is not a usable "
            "path: ignored, default Models/ used"
        )
    packages = settings.get("InstalledPackages")
    if packages is not None and not isinstance(packages, list):
        notes.append(
            "settings.json InstalledPackages is not a list: ignored, Packages/ folders listed"
        )
    return notes


def _package_entries(settings: Mapping[str, object]) -> list[dict[str, object]]:
    """``InstalledPackages`` objects; anything but a list of objects counts as none."""
    packages = settings.get("InstalledPackages")
    return [p for p in packages if isinstance(p, dict)] if isinstance(packages, list) else []


def _packages(root: Path, settings: Mapping[str, object]) -> list[tuple[Path, str]]:
    """Package folders with a label: settings.json entries, then unlisted Packages/*."""
    out: dict[Path, str] = {}
    for pkg in _package_entries(settings):
        library_dir = _text(pkg.get("LibraryPath"))
        if library_dir is None:
            continue
        rel = Path(*PureWindowsPath(library_dir).parts)
        name = _text(pkg.get("DisplayName")) or rel.name
        method = _text(pkg.get("PreferredSharedFolderMethod")) or "default"
        package = _text(pkg.get("PackageName")) or "?"
        out[root / rel] = f"'{name}' ({package}, shared folders: {method})"
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
    settings, ignored = _read_settings(root / "settings.json")
    notes = [f"{ignored}: ignored, default folders used"] if ignored else _type_notes(settings)
    # The default folders still hold, so the library is still listed, with the reasons.
    ctx.skipped.extend((root / "settings.json", n) for n in notes)
    models, how = _models(root, settings)
    portable = " (portable)" if (root / ".sm-portable").exists() else ""
    note = "".join(f"; {n}" for n in notes)
    library = Install(
        KIND_STABILITY_MATRIX,
        root,
        None,
        (folder(models / "VAE", f"{how}VAE"),) if models else (),
        (folder(models / "StableDiffusion", f"{how}StableDiffusion"),) if models else (),
        f"Stability Matrix library{portable}: {MARKERS}" + ("" if models else f"; {how}") + note,
    )
    found = [library]
    for path, label in _packages(root, settings):
        for install in ctx.detect(path):
            found.append(prefixed(install, f"Stability Matrix package {label} in {root}"))
    return found


RECOGNIZER = Recognizer("Stability Matrix library", MARKERS, detect)
