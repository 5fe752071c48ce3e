"""What each VAE family is: one record per family id, looked up by the rest of the app.

The table itself lives in :mod:`.table`; this module holds the record type, the
vocabulary it uses (modalities, UI kinds, folders) and the lookups. Identification
(:mod:`.detect`) names a family id; everything a user is told about that family
(display name, latent shape, which UIs load it, where it belongs) comes from here,
so the inspector, the link planner, the registry panel and the preview agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Modality(StrEnum):
    """What a family's latents encode."""

    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    SHAPE_3D = "3d"


# The old names (StrEnum members equal their strings).
MODALITY_IMAGE = Modality.IMAGE
MODALITY_VIDEO = Modality.VIDEO
MODALITY_AUDIO = Modality.AUDIO
MODALITY_3D = Modality.SHAPE_3D

# UI kinds, spelled like ``app.core.installs.records.KIND_*`` (inspection must not import
# installs, so the strings are repeated here; tests/core/inspection/test_vae_families.py
# checks that they stay equal).
UI_A1111 = "a1111"
UI_FORGE = "forge"
UI_REFORGE = "reforge"
UI_SDNEXT = "sdnext"
UI_COMFYUI = "comfyui"
UI_COMFYUI_DESKTOP = "comfyui-desktop"
UI_INVOKEAI = "invokeai"
UI_FOOOCUS = "fooocus"
UI_SWARMUI = "swarmui"
UI_STABILITY_MATRIX = "stability-matrix"

# ComfyUI-based front ends load everything ComfyUI's VAELoader loads (comfy/sd.py, class VAE).
COMFY_UIS = (UI_COMFYUI, UI_COMFYUI_DESKTOP, UI_SWARMUI, UI_STABILITY_MATRIX)

# Where a family's files go. ComfyUI: folder_paths.py ``vae`` -> models/vae, ``vae_approx``
# -> models/vae_approx (TAESD-class preview decoders). A1111: models/VAE, and
# models/VAE-approx for TAESD decoders (modules/sd_vae_taesd.py).
FOLDER_VAE = "vae"
FOLDER_VAE_APPROX = "vae_approx"
A1111_VAE = "VAE"
A1111_VAE_APPROX = "VAE-approx"


@dataclass(frozen=True)
class FamilyFacts:
    """Everything the app states about one VAE family.

    ``latent_channels`` and the compressions describe the latent the diffusion model
    works in as the VAE itself produces it (before any patchify); ``None`` means the
    number is not fixed or not meaningful for this family. ``temporal_compression`` is
    frames per latent frame for video and samples per latent step for audio.
    """

    id: str
    name: str
    modality: Modality
    latent_channels: int | None
    spatial_compression: int | None
    temporal_compression: int | None
    usable_by: tuple[str, ...]
    purpose: str
    also_used_by: str = ""
    comfyui_folder: str = FOLDER_VAE
    a1111_folder: str | None = None
    preview_decoder: bool = False
    """A TAESD-class tiny decoder: UIs keep these apart from real VAEs."""
    a1111_filenames: tuple[str, ...] = ()
    """The only names A1111 loads such a decoder under (modules/sd_vae_taesd.py)."""
    refines_to: tuple[str, ...] = ()
    """For a shape-level verdict: the families hints or a registry hash may pick from."""

    def uses(self, ui_kind: str) -> bool:
        """Whether a UI of this kind can load files of this family."""
        return ui_kind in self.usable_by

    def to_json(self) -> dict[str, object]:
        """The facts as plain JSON (``known`` and the preview use the same fields)."""
        return {
            "family": self.id,
            "family_name": self.name,
            "modality": self.modality,
            "latent_channels": self.latent_channels,
            "spatial_compression": self.spatial_compression,
            "temporal_compression": self.temporal_compression,
            "usable_by": list(self.usable_by),
            "purpose": self.purpose,
            "also_used_by": self.also_used_by,
            "comfyui_folder": self.comfyui_folder,
            "a1111_folder": self.a1111_folder,
        }


def facts_for(family: str | None) -> FamilyFacts | None:
    """The facts of a family id, or None for ``unknown``/None/an id the app does not know."""
    from app.core.inspection.vae_families.table import FAMILIES

    return FAMILIES.get(family or "")


def display_name(family: str | None) -> str:
    """The family as users know it; the id itself when the app has no facts for it."""
    facts = facts_for(family)
    if facts is not None:
        return facts.name
    return family or "unknown"


def all_families() -> tuple[FamilyFacts, ...]:
    """Every family the app knows, in table order (image families first)."""
    from app.core.inspection.vae_families.table import FAMILIES

    return tuple(FAMILIES.values())


def ambiguous_families() -> frozenset[str]:
    """Shape-level verdicts that a registry hash may narrow (``sd1-or-sdxl``, ...)."""
    return frozenset(f.id for f in all_families() if f.refines_to)
