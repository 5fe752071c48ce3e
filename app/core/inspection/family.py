"""Guess a VAE's family from hints other than tensor shapes.

SD1 and SDXL VAEs have identical shapes, as do SD3 and Flux.1 (vae-registry.md §2.3), so
shapes only narrow the family to a pair. A diffusers config's scaling_factor, the other keys
of a full checkpoint, ``modelspec`` metadata or the file name can pick one of the pair; the
registry (sha256 match) refines this later.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from app.core.inspection.records import (
    FAMILY_FLUX,
    FAMILY_SD1,
    FAMILY_SD1_OR_SDXL,
    FAMILY_SD3,
    FAMILY_SD3_OR_FLUX,
    FAMILY_SDXL,
    LATENT_SCALE_SHIFT,
)

# Which families each shape-level verdict may be refined into.
PAIRS: dict[str, tuple[str, str]] = {
    FAMILY_SD1_OR_SDXL: (FAMILY_SD1, FAMILY_SDXL),
    FAMILY_SD3_OR_FLUX: (FAMILY_SD3, FAMILY_FLUX),
}

_SCALING_FACTORS = {scale: family for family, (scale, _) in LATENT_SCALE_SHIFT.items()}

# (pattern, family) tried in order on lower-cased names and metadata values.
_NAME_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), fam)
    for p, fam in (
        (r"sdxl|(?<![a-z])xl|pony|illustrious|noobai", FAMILY_SDXL),
        (r"flux|(?<![a-z])f1(?![a-z0-9])|taef1", FAMILY_FLUX),
        (r"sd3|sd_3|stable-diffusion-3|sd35|sd-3", FAMILY_SD3),
        (
            r"sd15|sd1(?!\d)|sd_1|sd-v1|v1-5|v1\.5|sd-1|stable-diffusion-v1|sd2|sd21|v2-1"
            r"|vae-ft-mse|vae-ft-ema|kl-f8-anime|orangemix",
            FAMILY_SD1,
        ),
    )
)
_GENERIC_STEMS = frozenset({"ae", "vae", "model", "diffusion_pytorch_model", "decoder"})
GENERIC_STEMS = _GENERIC_STEMS  # file stems that say nothing about the family

# Keys of a full checkpoint's other parts that give its family away.
_CHECKPOINT_KEYS: tuple[tuple[str, str, str], ...] = (
    ("conditioner.embedders.", FAMILY_SDXL, "SDXL text encoders (conditioner.embedders)"),
    ("model.diffusion_model.joint_blocks.", FAMILY_SD3, "SD3 MMDiT blocks"),
    ("model.diffusion_model.double_blocks.", FAMILY_FLUX, "Flux double blocks"),
    ("cond_stage_model.transformer.", FAMILY_SD1, "SD1.x CLIP text encoder"),
    ("cond_stage_model.model.", FAMILY_SD1, "SD2.x OpenCLIP text encoder (same VAE as SD1)"),
)


def refine(
    pair: str,
    *,
    config: Mapping[str, object] | None = None,
    checkpoint_keys: Iterable[str] = (),
    metadata: dict[str, str] | None = None,
    names: Sequence[str] = (),
) -> tuple[str, str] | None:
    """Pick one family of ``pair`` from the strongest hint, returning (family, reason)."""
    allowed = PAIRS.get(pair, ())
    for family, reason in _hints(config, checkpoint_keys, metadata or {}, names):
        if family in allowed:
            return family, reason
    return None


def _hints(
    config: Mapping[str, object] | None,
    checkpoint_keys: Iterable[str],
    metadata: Mapping[str, str],
    names: Sequence[str],
) -> Iterator[tuple[str, str]]:
    scaling = config.get("scaling_factor") if config else None
    if isinstance(scaling, (int, float)):
        factor = round(float(scaling), 5)
        if factor in _SCALING_FACTORS:
            yield _SCALING_FACTORS[factor], f"diffusers config scaling_factor {factor}"
    keys = tuple(checkpoint_keys)
    for prefix, family, what in _CHECKPOINT_KEYS:
        if any(k.startswith(prefix) for k in keys):
            yield family, f"checkpoint has {what}"
    for field in ("modelspec.architecture", "modelspec.title", "ss_base_model_version"):
        named = match_name(metadata.get(field, ""))
        if named:
            yield named, f"metadata {field} is {metadata[field]!r}"
    for index, name in enumerate(names):
        if index > 0 and names[0].lower() not in _GENERIC_STEMS:
            break  # folder names only count when the file name says nothing
        named = match_name(name)
        if named:
            yield named, f"name {name!r} suggests {named}"
    if names and names[0].lower() == "ae":
        yield FAMILY_FLUX, "ae.safetensors is the FLUX.1 VAE's file name"


def name_hints(path: Path) -> tuple[str, ...]:
    """File stem (``ae``, not ``ae.fp16``, for generic names) then two folder names."""
    stem = path.stem if path.suffix else path.name
    first = stem.split(".")[0]
    return (
        first if first.lower() in _GENERIC_STEMS else stem,
        path.parent.name,
        path.parent.parent.name,
    )


def match_name(text: str) -> str | None:
    """The family a name or metadata string points at, if any."""
    lowered = text.lower()
    for pattern, family in _NAME_PATTERNS:
        if pattern.search(lowered):
            return family
    return None
