"""Open a VAE file as the preview engine of its family.

Inspection names the family from the header (no torch); the weights are then
loaded through the app's one safe loader and handed to that family's engine:

- KL families (SD1/SDXL, SD3/FLUX.1, the x4 upscaler): our KL engine;
- FLUX.2: the KL engine with its BatchNorm latent statistics;
- TAESD decoders: diffusers' ``AutoencoderTiny`` (TAEF2 with its pool branches);
  TAESANA (32x, which AutoencoderTiny cannot express): madebyollin's layers, ours;
- HunyuanImage 2.1 and its refiner, DC-AE (Sana), Wan 2.1 / Qwen-Image / Wan 2.2,
  Stable Cascade stage A: diffusers' implementations, with our key conversion where
  diffusers has none;
- Stable Cascade's previewer: ours (diffusers has none).

Every other family gets a UserError that says why it is not previewed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import torch

from app.core.errors import UserError
from app.core.inspection.vae_families import facts_for
from app.core.inspection.vae_families.facts import MODALITY_IMAGE, MODALITY_VIDEO
from app.core.inspection.vae_families.hints import Hints, refine_taesd
from app.preview.engine import VaeEngine
from app.preview.engines.base import PreviewEngine
from app.preview.families import FAMILIES, SD1, SD3, SDXL
from app.preview.families import FLUX as FLUX1

KL_FAMILIES = frozenset(
    {"sd1", "sdxl", "sd1-or-sdxl", "sd3", "flux1", "sd3-or-flux1", "sd-x4-upscaler"}
)
TINY_CONVENTIONS = {"taesd": SD1, "taesdxl": SDXL, "taesd3": SD3, "taef1": FLUX1}
_TINY_FOR_FAMILY = {"sd1": "taesd", "sdxl": "taesdxl", "sd3": "taesd3", "flux1": "taef1"}


def previewed_families() -> frozenset[str]:
    """Every family id this module opens an engine for."""
    from app.preview.engines import cascade, tiny, wan

    return KL_FAMILIES | {
        "flux2",
        "hunyuan-image-2.1",
        "dc-ae",
        "hunyuan-image-2.1-refiner",
        "taesana",
        cascade.STAGE_A,
        *cascade.PREVIEWER_FAMILIES,
        *tiny.TINY_FAMILIES,
        *wan.WAN_FAMILIES,
    }


def open_engine(
    path: Path, device: torch.device, family: str | None, *, override: str = "auto"
) -> PreviewEngine:
    """The engine for ``path``; ``family`` is what inspection reported (None: unknown)."""
    from app.core.inspection import load_state_dict

    if family is not None and family not in previewed_families() and family != "unknown":
        raise UserError(_not_previewed(family))
    weights = load_state_dict(path, device="cpu")
    return engine_for(weights, device, family, path=Path(path), override=override)


def engine_for(
    weights: Mapping[str, torch.Tensor],
    device: torch.device,
    family: str | None,
    *,
    path: Path | None = None,
    override: str = "auto",
) -> PreviewEngine:
    """The engine for a loaded state dict of ``family`` (KL when unknown)."""
    from app.preview.engines import cascade, tiny, wan

    takes_override = (*KL_FAMILIES, *tiny.TINY_FAMILIES, None, "unknown")
    if override not in ("auto", "", None) and family not in takes_override:
        raise UserError(
            "--family applies to SD/SD3/FLUX.1 VAEs and their TAESD decoders; this file's "
            f"family is {family}, which its weights already tell."
        )
    if family == "flux2":
        from app.preview.engines.flux2 import Flux2Engine

        return Flux2Engine(weights, device)
    if family in tiny.TINY_FAMILIES:
        return _tiny_engine(weights, device, family, path, override)
    if family == "hunyuan-image-2.1":
        from app.preview.engines.hunyuan_image import HunyuanImageEngine

        return HunyuanImageEngine(weights, device)
    if family in wan.WAN_FAMILIES:
        return wan.WanEngine(weights, device, family)
    if family == "hunyuan-image-2.1-refiner":
        from app.preview.engines.hunyuan_refiner import HunyuanRefinerEngine

        return HunyuanRefinerEngine(weights, device)
    if family == "taesana":
        return _taesana_engine(weights, device, path)
    if family == "dc-ae":
        from app.preview.engines.dcae import DcaeEngine

        return DcaeEngine(weights, device)
    if family == cascade.STAGE_A:
        return cascade.StageAEngine(weights, device)
    if family in cascade.PREVIEWER_FAMILIES:
        return cascade.PreviewerEngine(weights, device, family)
    return VaeEngine(weights, device, family=family or "unknown")


def _tiny_engine(weights, device, family: str, path: Path | None, override: str):
    from app.preview.engines.tiny import TinyEngine

    sd = dict(weights)
    if path is not None and not _has_tiny_encoder(sd):
        sd.update(_sibling_encoder(path))
    variant, conventions = _tiny_variant(sd, family, path, override)
    return TinyEngine(sd, device, family=variant, conventions=conventions)


def _taesana_engine(weights, device, path: Path | None):
    from app.preview.engines.taesana import ENCODER_MARKER, TaesanaEngine

    sd = dict(weights)
    if path is not None and not _has_tiny_encoder(sd):
        sd.update(_sibling_encoder(path, marker=ENCODER_MARKER))
    return TaesanaEngine(sd, device)


def _tiny_variant(sd, family: str, path: Path | None, override: str):
    """Which TAESD variant this is, and the latent scaling of the family it previews."""
    latent = _tiny_channels(sd)
    if override not in ("auto", "", None):
        conventions = FAMILIES.get(override)
        if conventions is None or conventions.channels != latent:
            raise UserError(
                f"This TAESD decoder takes {latent}-channel latents; family '{override}' "
                "does not match."
            )
        return _TINY_FOR_FAMILY[override], conventions
    if family == "taesd" and path is not None:
        from app.core.inspection.family import name_hints

        refined = refine_taesd(latent, Hints(names=name_hints(path)))
        family = refined[0] if refined else family
    if family == "taesd" and latent != 4:
        return family, None  # 16 channels: taesd3 or taef1, the name does not say
    return family, TINY_CONVENTIONS.get(family)


def _tiny_channels(sd: Mapping[str, torch.Tensor]) -> int:
    for key in ("decoder.layers.0.weight", "taesd_decoder.1.weight", "1.weight"):
        if key in sd:
            return int(sd[key].shape[1])
    raise UserError(
        "This TAESD file holds no decoder; previews need taesd_decoder.pth or a sibling."
    )


def _has_tiny_encoder(sd: Mapping[str, torch.Tensor]) -> bool:
    return any(k.startswith(("encoder.", "taesd_encoder.")) for k in sd) or "0.weight" in sd


def _sibling_encoder(path: Path, *, marker: str = "1.conv.0.weight") -> dict[str, torch.Tensor]:
    """``taesd_encoder.pth`` next to ``taesd_decoder.pth``, as ComfyUI pairs them; else {}.

    ``marker`` is a key of the encoder's first block (TAESANA's sits later: a 2-conv stem).
    """
    from app.core.inspection import load_state_dict

    name = path.name
    lower = name.lower()
    if "decoder" not in lower:
        return {}
    at = lower.index("decoder")
    sibling = path.with_name(name[:at] + "encoder" + name[at + len("decoder") :])
    if not sibling.is_file():
        return {}
    try:
        encoder = load_state_dict(sibling, device="cpu")
    except UserError:
        return {}  # an unreadable or unsafe sibling is simply not used
    if "0.weight" not in encoder or marker not in encoder:
        return {}
    return {f"taesd_encoder.{k}": v for k, v in encoder.items()}


_WHY_NOT = {
    "stable-cascade-effnet": (
        "Stable Cascade's EfficientNet file is an encoder only (it makes stage C latents); "
        "decode those with the Stable Cascade previewer."
    ),
    "pixel-space": "A pixel-space model has no VAE to preview.",
    "mage-vae": (
        "Mage-VAE decodes with a one-step diffusion model that only ComfyUI implements; "
        "diffusers has no Mage-VAE to check a decode against, so the preview does not "
        "offer one."
    ),
}


def _not_previewed(family: str) -> str:
    if family in _WHY_NOT:
        return _WHY_NOT[family]
    facts = facts_for(family)
    name = facts.name if facts else family
    if facts is None:
        return f"VAEs of family {family} are not previewed."
    if facts.preview_decoder and facts.modality == MODALITY_VIDEO:
        return f"{name} is a tiny video decoder; the preview decodes images only."
    if facts.modality == MODALITY_VIDEO:
        return (
            f"{name} is a video VAE whose single-frame decode the preview does not offer yet; "
            "the image preview covers SD, FLUX, TAESD, HunyuanImage, Stable Cascade, "
            "Wan 2.1/2.2 and Qwen-Image VAEs."
        )
    if facts.modality != MODALITY_IMAGE:
        return f"{name} is an {facts.modality} VAE; the preview shows images only."
    return f"Previews of {name} VAEs are not available yet."
