"""Row builders and UI groups for the VAE family table (:mod:`.table`, :mod:`.table_media`).

Each builder fixes the fields a modality implies: video, audio and 3D VAEs are loaded by
ComfyUI-based UIs only; TAESD-class decoders belong in ``vae_approx``.
"""

from __future__ import annotations

from typing import Any

from app.core.inspection.vae_families.facts import (
    COMFY_UIS,
    FOLDER_VAE_APPROX,
    MODALITY_3D,
    MODALITY_AUDIO,
    MODALITY_IMAGE,
    MODALITY_VIDEO,
    UI_A1111,
    UI_FOOOCUS,
    UI_FORGE,
    UI_INVOKEAI,
    UI_REFORGE,
    UI_SDNEXT,
    FamilyFacts,
)

SD1_UIS = (*COMFY_UIS, UI_A1111, UI_FORGE, UI_REFORGE, UI_SDNEXT, UI_INVOKEAI)
SDXL_UIS = (*SD1_UIS, UI_FOOOCUS)
SD3_UIS = (*COMFY_UIS, UI_A1111, UI_SDNEXT, UI_INVOKEAI)
FLUX_UIS = (*COMFY_UIS, UI_FORGE, UI_SDNEXT, UI_INVOKEAI)
TAESD_UIS = (*COMFY_UIS, UI_A1111, UI_FORGE, UI_REFORGE)
FLUX1_ALSO = (
    "Also the VAE of FLUX.1 Kontext, Chroma, Lumina Image 2.0, HiDream-I1, Z-Image and "
    "OmniGen2, which ship the same ae.safetensors."
)


def image(
    id_: str,
    name: str,
    channels: int | None,
    spatial: int | None,
    uis: tuple[str, ...],
    purpose: str,
    also: str = "",
    **kw: Any,
) -> FamilyFacts:
    """A row for an image VAE."""
    return FamilyFacts(
        id_,
        name,
        MODALITY_IMAGE,
        channels,
        spatial,
        None,
        uis,
        purpose,
        also,
        a1111_folder=kw.pop("a1111_folder", None),
        **kw,
    )


def video(
    id_: str,
    name: str,
    channels: int | None,
    spatial: int | None,
    temporal: int | None,
    purpose: str,
    also: str = "",
    **kw: Any,
) -> FamilyFacts:
    """A row for a video VAE (ComfyUI-based UIs only)."""
    return FamilyFacts(
        id_, name, MODALITY_VIDEO, channels, spatial, temporal, COMFY_UIS, purpose, also, **kw
    )


def audio(
    id_: str, name: str, channels: int | None, samples: int | None, purpose: str, also: str = ""
) -> FamilyFacts:
    """A row for an audio VAE (ComfyUI-based UIs only)."""
    return FamilyFacts(id_, name, MODALITY_AUDIO, channels, None, samples, COMFY_UIS, purpose, also)


def shape(id_: str, name: str, channels: int | None, purpose: str) -> FamilyFacts:
    """A row for a 3D VAE (ComfyUI-based UIs only)."""
    return FamilyFacts(id_, name, MODALITY_3D, channels, None, None, COMFY_UIS, purpose)


def tae(
    id_: str,
    name: str,
    channels: int | None,
    spatial: int | None,
    temporal: int | None,
    uis: tuple[str, ...],
    purpose: str,
    **kw: Any,
) -> FamilyFacts:
    """A row for a TAESD-class preview decoder (kept in ``vae_approx``)."""
    modality = MODALITY_VIDEO if temporal else MODALITY_IMAGE
    return FamilyFacts(
        id_,
        name,
        modality,
        channels,
        spatial,
        temporal,
        uis,
        purpose,
        comfyui_folder=FOLDER_VAE_APPROX,
        preview_decoder=True,
        **kw,
    )
