"""Where a VAE of a given family belongs in a given UI, or why that UI cannot use it.

Real VAEs go to one of the install's VAE folders (``vae_dirs``, the default first: a
redirect such as ``--vae-dir`` or an ``is_default`` ``extra_model_paths.yaml`` section is
already first there); :attr:`Placement.reads` lists every folder the UI lists that family
from, so a plan can tell "already there" from "not there". TAESD-class
preview decoders do not: ComfyUI lists them from ``models/vae_approx`` (``folder_paths.py``,
and ``latent_preview.py`` looks them up there by name), A1111/Forge/reForge load
``taesd_decoder.pth``/``taesdxl_decoder.pth``/``taesd3_decoder.pth`` from
``models/VAE-approx`` (``modules/sd_vae_taesd.py``), Stability Matrix's shared folder calls
it ``ApproxVAE``. A UI that has no model code for a family (a video or audio VAE in
A1111/Forge, FLUX.2 in A1111) gets a plain sentence saying so instead of a link it would
ignore. Families come from :mod:`app.core.inspection.vae_families`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserError
from app.core.inspection.vae_families import FamilyFacts, facts_for
from app.core.inspection.vae_families.facts import (
    UI_A1111,
    UI_COMFYUI,
    UI_COMFYUI_DESKTOP,
    UI_FORGE,
    UI_REFORGE,
    UI_STABILITY_MATRIX,
)
from app.core.installs.records import (
    KIND_A1111,
    KIND_FORGE,
    KIND_LABELS,
    KIND_REFORGE,
    VAE_EXTENSIONS,
    Folder,
    Install,
)

# The preview-decoder folder next to each UI's VAE folder, and the VAE folder's own name.
_APPROX_FOLDERS: dict[str, tuple[str, str]] = {
    UI_COMFYUI: ("vae", "vae_approx"),
    UI_COMFYUI_DESKTOP: ("vae", "vae_approx"),
    UI_A1111: ("VAE", "VAE-approx"),
    UI_FORGE: ("VAE", "VAE-approx"),
    UI_REFORGE: ("VAE", "VAE-approx"),
    UI_STABILITY_MATRIX: ("VAE", "ApproxVAE"),
}


# A1111, Forge and reForge also list ``*.vae.ckpt|pt|safetensors`` from their checkpoint
# folders (models/Stable-diffusion and --ckpt-dir): AUTOMATIC1111 modules/sd_vae.py,
# refresh_vae_list / vae_search_paths. Those folders are read, never linked into.
_A1111_FAMILY = (KIND_A1111, KIND_FORGE, KIND_REFORGE)
_VAE_IN_CHECKPOINTS = (".vae.ckpt", ".vae.pt", ".vae.safetensors")


@dataclass(frozen=True)
class ReadFolder:
    """One folder a UI lists this kind of file from."""

    path: Path
    suffixes: tuple[str, ...] = ()
    """File-name endings the UI lists there (lower case); empty: any name."""
    offered: bool = True
    """Whether a link may be put there (checkpoint folders are only read)."""


@dataclass(frozen=True)
class Placement:
    """The folder a file goes to in one install, or why the install cannot use it."""

    folder: Path | None
    usable: bool
    reason: str = ""
    """Why this folder (a note for the plan), or why the UI cannot use the file."""
    reads: tuple[ReadFolder, ...] = ()
    """Every folder the UI lists the file's family from, the default first."""

    @property
    def offered(self) -> tuple[Path, ...]:
        """The folders a link may go to, in the order they are tried."""
        return tuple(r.path for r in self.reads if r.offered)


def family_of(source: Path) -> str | None:
    """The family a file's header names (no hashing); None when it cannot be read."""
    from app.core.inspection import inspect_path

    try:
        inspection = inspect_path(source)
    except UserError:
        return None
    return inspection.family if inspection.is_vae_like else None


def place(target: Install | Folder, family: str | None, filename: str) -> Placement:
    """Where ``filename`` of ``family`` goes in ``target``; an explicit folder is taken as is."""
    if isinstance(target, Folder):
        return Placement(target.path, True, reads=(ReadFolder(target.path),))
    default = target.vae_dirs[0].path if target.vae_dirs else None
    facts = facts_for(family)
    if facts is None:  # unknown family: the VAE folders, as for any file
        return Placement(default, True, reads=vae_reads(target))
    label = KIND_LABELS.get(target.kind, target.kind)
    if not facts.uses(target.kind):
        return Placement(None, False, cannot_use(facts, label))
    if not facts.preview_decoder:
        return Placement(default, True, reads=vae_reads(target))
    return _approx(target, facts, label, filename)


def vae_reads(install: Install) -> tuple[ReadFolder, ...]:
    """Every folder ``install`` lists VAEs from: its VAE folders, then checkpoint folders."""
    endings = tuple(e.lower() for e in VAE_EXTENSIONS.get(install.kind, ()))
    reads = [ReadFolder(f.path, endings) for f in install.vae_dirs]
    if install.kind in _A1111_FAMILY:
        reads += [ReadFolder(f.path, _VAE_IN_CHECKPOINTS, False) for f in install.checkpoint_dirs]
    return tuple(reads)


def cannot_use(facts: FamilyFacts, label: str) -> str:
    """The sentence a user reads when ``label`` has no model code for this family."""
    if facts.modality != "image":
        return (
            f"{label} has no {facts.modality} models: {facts.name} is a {facts.modality} VAE, "
            "used only by ComfyUI and the UIs built on it"
        )
    if facts.preview_decoder:
        return f"{label} does not load {facts.name} preview decoders"
    return f"{label} cannot load {facts.name} VAEs (it has no {facts.name} model support)"


def _approx(target: Install, facts: FamilyFacts, label: str, filename: str) -> Placement:
    names = _APPROX_FOLDERS.get(target.kind)
    if names is None:
        reason = f"VAE Manager does not know where {label} keeps TAESD-class preview decoders"
        return Placement(None, False, reason)
    vae_name, approx_name = names
    folder = _beside_vae_folder(target, vae_name, approx_name)
    reason = f"{facts.name} is a preview decoder: {label} loads those from {approx_name}/"
    expected = facts.a1111_filenames if target.kind in (UI_A1111, UI_FORGE, UI_REFORGE) else ()
    if expected and filename not in expected:
        reason += f"; it only looks for {' or '.join(expected)} (pick that name)"
    return Placement(folder, True, reason, (ReadFolder(folder),))


def _beside_vae_folder(target: Install, vae_name: str, approx_name: str) -> Path:
    """``models/<approx>`` next to the default ``models/<vae>`` folder, else under the root."""
    for folder in target.vae_dirs:
        if folder.path.name == vae_name:
            return folder.path.parent / approx_name
    models = "Models" if target.kind == UI_STABILITY_MATRIX else "models"
    return target.root / models / approx_name
