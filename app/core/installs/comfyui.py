"""ComfyUI from a git clone, the Windows portable package, or an aki package.

Model folders are ``<base>/models/vae`` plus every ``vae`` entry of
``extra_model_paths.yaml`` (next to ``main.py``) and of each
``--extra-model-paths-config`` given in the portable package's ``run_*.bat``.
``is_default`` sections come first, as ComfyUI puts them first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from app.core.installs.base import Recognizer, ScanContext, prefixed
from app.core.installs.comfy_yaml import read_model_paths
from app.core.installs.listing import (
    Listing,
    folder,
    read_head,
    read_text,
    resolve_under,
    unique_folders,
)
from app.core.installs.records import KIND_COMFYUI, Folder, Install
from app.core.installs.shell_text import Traced
from app.core.installs.webui_args import split_windows

MARKERS = "main.py + folder_paths.py + nodes.py + comfy/"
PORTABLE_MARKERS = "python_embeded/ + ComfyUI/main.py + run_*.bat (portable package)"
AKI_LAUNCHERS = ("A绘世启动器.exe", "A启动器.exe")


def _version(root: Path) -> str | None:
    m = re.search(r"__version__\s*=\s*['\"]([^'\"]+)", read_head(root / "comfyui_version.py", 2048))
    return m.group(1) if m else None


def _launcher_args(wrapper: Path, listing: Listing) -> tuple[Folder | None, list[tuple[Path, str]]]:
    """``--base-directory`` and ``--extra-model-paths-config`` from the run_*.bat files."""
    base: Folder | None = None
    configs: list[tuple[Path, str]] = []
    for name in sorted(n for n in listing.files if re.fullmatch(r"run_.*\.bat", n, re.I)):
        for number, line in enumerate((read_text(wrapper / name) or "").splitlines(), start=1):
            if "main.py" not in line:
                continue
            tokens = [t.text for t in split_windows(Traced.of(line.split("main.py", 1)[1], number))]
            where = f"{name} line {number}"
            for i, tok in enumerate(tokens):
                if tok == "--base-directory" and i + 1 < len(tokens) and base is None:
                    base = folder(
                        resolve_under(wrapper, tokens[i + 1]), f"--base-directory in {where}"
                    )
                elif tok == "--extra-model-paths-config":
                    for value in _until_next_flag(tokens[i + 1 :]):
                        configs.append((resolve_under(wrapper, value), where))
    return base, configs


def _until_next_flag(tokens: list[str]) -> list[str]:
    out = []
    for tok in tokens:
        if tok.startswith("--"):
            break
        out.append(tok)
    return out


def install_at(
    root: Path,
    base: Folder | None = None,
    configs: Sequence[tuple[Path, str]] = (),
    source: str = "",
) -> Install:
    """Build the install for a ComfyUI code root with optional launcher redirects."""
    base_path = base.path if base else root
    how = f"{base.source} + " if base else "default "
    defaults = {
        "vae": folder(base_path / "models" / "vae", f"{how}models/vae"),
        "checkpoints": folder(base_path / "models" / "checkpoints", f"{how}models/checkpoints"),
    }
    yamls = [root / "extra_model_paths.yaml"] + [p for p, _ in configs]
    found: dict[str, list[Folder]] = {}
    for kind, default in defaults.items():
        front: list[Folder] = []
        back: list[Folder] = []
        for yaml_file in yamls:
            for f, is_default in read_model_paths(yaml_file, kind):
                (front if is_default else back).append(f)
        found[kind] = front + [default] + back
    output_vae = base_path / "output" / "vae"
    if output_vae.is_dir():
        found["vae"].append(folder(output_vae, "output/vae (ComfyUI also lists it)"))
    return Install(
        KIND_COMFYUI,
        root,
        _version(root),
        unique_folders(found["vae"]),
        unique_folders(found["checkpoints"]),
        source or f"markers: {MARKERS}",
    )


def is_core(listing: Listing) -> bool:
    """Whether the folder holds ComfyUI's code."""
    return listing.has_files("main.py", "folder_paths.py", "nodes.py") and listing.has_dirs("comfy")


def detect(listing: Listing, ctx: ScanContext) -> list[Install]:
    """A git clone or an aki package (``main.py`` at the package root)."""
    if not is_core(listing):
        return []
    source = f"markers: {MARKERS}"
    if listing.path.name.lower().startswith("comfyui-aki") or listing.files & set(AKI_LAUNCHERS):
        source += "; aki package (its launcher's own arguments are not read)"
    return [install_at(listing.path, source=source)]


def detect_portable(listing: Listing, ctx: ScanContext) -> list[Install]:
    """The Windows portable package: the real root is ``ComfyUI/`` beside ``python_embeded/``."""
    if not (listing.has_dirs("python_embeded", "ComfyUI") and listing.exists("ComfyUI/main.py")):
        return []
    inner = Listing.read(listing.path / "ComfyUI")
    if not is_core(inner):
        return []
    base, configs = _launcher_args(listing.path, listing)
    install = install_at(inner.path, base, configs, f"markers: {MARKERS}")
    return [prefixed(install, f"portable package {listing.path}")]


RECOGNIZER = Recognizer("ComfyUI", MARKERS, detect)
PORTABLE = Recognizer("ComfyUI portable", PORTABLE_MARKERS, detect_portable)
