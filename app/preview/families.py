"""Per-family latent conventions: scale/shift and the cheap latent-to-RGB factors.

Values are data published in ComfyUI's ``comfy/latent_formats.py``
(Comfy-Org/ComfyUI @75399d7; SD3 and Flux rows checked against the first/last
rows quoted in /work/shared/research/vae-registry.md section 2.4). A latent in
the diffusion model's space is ``(z - shift) * scale`` of the raw VAE latent z.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.errors import UserError
from app.core.inspection.records import (
    FAMILY_FLUX,
    FAMILY_SD1,
    FAMILY_SD1_OR_SDXL,
    FAMILY_SD3,
    FAMILY_SD3_OR_FLUX,
    FAMILY_SDXL,
    LATENT_SCALE_SHIFT,
)

Matrix = tuple[tuple[float, float, float], ...]


@dataclass(frozen=True)
class LatentFamily:
    """How one model family scales its latents and previews them without a VAE."""

    name: str
    channels: int
    scale: float
    shift: float
    rgb_factors: Matrix  # (channels, 3): weight of each latent channel in R, G, B
    rgb_bias: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def to_model_space(self, raw):
        """What the diffusion model sees for a raw VAE latent (a number or a tensor)."""
        return (raw - self.shift) * self.scale

    def to_raw(self, latent):
        """The raw VAE latent for the diffusion model's latent: ``z / scale + shift``."""
        return latent / self.scale + self.shift


SD1 = LatentFamily(
    FAMILY_SD1,
    4,
    *LATENT_SCALE_SHIFT[FAMILY_SD1],
    (
        (0.3512, 0.2297, 0.3227),
        (0.3250, 0.4974, 0.2350),
        (-0.2829, 0.1762, 0.2721),
        (-0.2120, -0.2616, -0.7177),
    ),
)
SDXL = LatentFamily(
    FAMILY_SDXL,
    4,
    *LATENT_SCALE_SHIFT[FAMILY_SDXL],
    (
        (0.3651, 0.4232, 0.4341),
        (-0.2533, -0.0042, 0.1068),
        (0.1076, 0.1111, -0.0362),
        (-0.3165, -0.2492, -0.2188),
    ),
    (0.1084, -0.0175, -0.0011),
)
SD3 = LatentFamily(
    FAMILY_SD3,
    16,
    *LATENT_SCALE_SHIFT[FAMILY_SD3],
    (
        (-0.0922, -0.0175, 0.0749),
        (0.0311, 0.0633, 0.0954),
        (0.1994, 0.0927, 0.0458),
        (0.0856, 0.0339, 0.0902),
        (0.0587, 0.0272, -0.0496),
        (-0.0006, 0.1104, 0.0309),
        (0.0978, 0.0306, 0.0427),
        (-0.0042, 0.1038, 0.1358),
        (-0.0194, 0.0020, 0.0669),
        (-0.0488, 0.0130, -0.0268),
        (0.0922, 0.0988, 0.0951),
        (-0.0278, 0.0524, -0.0542),
        (0.0332, 0.0456, 0.0895),
        (-0.0069, -0.0030, -0.0810),
        (-0.0596, -0.0465, -0.0293),
        (-0.1448, -0.1463, -0.1189),
    ),
    (0.2394, 0.2135, 0.1925),
)
FLUX = LatentFamily(
    FAMILY_FLUX,
    16,
    *LATENT_SCALE_SHIFT[FAMILY_FLUX],
    (
        (-0.0346, 0.0244, 0.0681),
        (0.0034, 0.0210, 0.0687),
        (0.0275, -0.0668, -0.0433),
        (-0.0174, 0.0160, 0.0617),
        (0.0859, 0.0721, 0.0329),
        (0.0004, 0.0383, 0.0115),
        (0.0405, 0.0861, 0.0915),
        (-0.0236, -0.0185, -0.0259),
        (-0.0245, 0.0250, 0.1180),
        (0.1008, 0.0755, -0.0421),
        (-0.0515, 0.0201, 0.0011),
        (0.0428, -0.0012, -0.0036),
        (0.0817, 0.0765, 0.0749),
        (-0.1264, -0.0522, -0.1103),
        (-0.0280, -0.0881, -0.0499),
        (-0.1262, -0.0982, -0.0778),
    ),
    (-0.0329, -0.0718, -0.0851),
)

SD_X4 = LatentFamily(  # ComfyUI comfy/latent_formats.py SD_X4 (Comfy-Org/ComfyUI @a125cd84)
    "sd-x4-upscaler",
    4,
    0.08333,
    0.0,
    (
        (-0.2340, -0.3863, -0.3257),
        (0.0994, 0.0885, -0.0908),
        (-0.2833, -0.2349, -0.3741),
        (0.2523, -0.0055, -0.1651),
    ),
)

FAMILIES = {f.name: f for f in (SD1, SDXL, SD3, FLUX)}
DETECTED_ONLY = {SD_X4.name: SD_X4}  # families only detection names (no --family choice)
COMFY_LEGACY_LATENT_SCALE = 0.18215  # .latent files without a version key hold latent * this


def resolve_family(override: str, detected: str | None, channels: int) -> tuple[str, LatentFamily]:
    """Pick the family's conventions from a user override, else what inspection found.

    Returns the family name to report and the conventions to use. An ambiguous
    4-channel VAE ("sd1-or-sdxl", or unknown) uses SD1's conventions, as
    A1111 and ComfyUI default to; an ambiguous 16-channel one reports
    "sd3-or-flux1" and uses SD3's numbers only where they cannot matter
    (decoding a raw latent) - callers must refuse ``scaled`` latents for it.
    """
    if override not in ("auto", "", None):
        family = FAMILIES.get(override)
        if family is None:
            raise UserError(f"Unknown family '{override}': use auto, {', '.join(FAMILIES)}.")
        if family.channels != channels:
            raise UserError(
                f"The VAE has {channels} latent channels but family '{override}' uses "
                f"{family.channels}; pick a matching family."
            )
        return family.name, family
    known = FAMILIES.get(detected or "") or DETECTED_ONLY.get(detected or "")
    if known is not None and known.channels == channels:
        return known.name, known
    if channels == 4:
        return detected if detected == FAMILY_SD1_OR_SDXL else FAMILY_SD1_OR_SDXL, SD1
    if channels == 16:
        return FAMILY_SD3_OR_FLUX, SD3
    raise UserError(f"VAEs with {channels} latent channels are not supported (4 or 16 are).")


def is_ambiguous(name: str) -> bool:
    """Whether the reported family leaves two candidates open."""
    return name in (FAMILY_SD1_OR_SDXL, FAMILY_SD3_OR_FLUX)
