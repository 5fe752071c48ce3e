"""Decide what a set of tensors is (VAE, checkpoint, LoRA, ...) from names and shapes.

Works on :class:`TensorInfo` only, so it is the same for every container format. For a
full checkpoint the VAE under ``first_stage_model.`` (or ``vae.``, LTX) is what the counts
describe, because that is the part this app manages. Which VAE family the tensors are is
decided by :mod:`app.core.inspection.vae_families`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypedDict

from app.core.inspection import vae_families
from app.core.inspection.records import (
    KIND_CHECKPOINT,
    KIND_EMBEDDING,
    KIND_LORA,
    KIND_OTHER,
    KIND_VAE,
    LAYOUT_DIFFUSERS,
    LAYOUT_LDM,
    LAYOUT_TAESD,
    PROBLEM_NOT_A_VAE,
    Kind,
    Layout,
    Problem,
    TensorInfo,
)

CHECKPOINT_VAE_PREFIX = "first_stage_model."
_LORA_MARKERS = (".lora_down.", ".lora_up.", ".lora_A.", ".lora_B.", ".hada_w1", ".lokr_w1")
_EMBEDDING_KEYS = frozenset({"emb_params", "clip_l", "clip_g"})


@dataclass(frozen=True)
class Classification:
    """Kind, family and layout of a file's tensors, with the reasons for each verdict."""

    kind: Kind
    kind_reason: str
    family: str | None = None
    family_reason: str = ""
    layout: Layout | None = None
    latent_channels: int | None = None
    has_encoder: bool | None = None
    has_quant_conv: bool | None = None
    dtypes: list[str] = field(default_factory=list)
    parameter_count: int = 0
    tensor_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    family_name: str | None = None
    modality: str | None = None
    spatial_compression: int | None = None
    temporal_compression: int | None = None
    has_decoder: bool | None = None
    usable_by: tuple[str, ...] = ()


def classify(
    tensors: Mapping[str, TensorInfo],
    *,
    metadata: Mapping[str, str] | None = None,
    names: Sequence[str] = (),
    config: Mapping[str, object] | None = None,
) -> Classification:
    """Classify ``tensors``; ``names`` are file stem then folder names, for family hints."""
    hints = vae_families.Hints(metadata or {}, tuple(names), config)
    found = _vae_in(tensors, hints)
    if found is None:
        return _not_vae(tensors)
    kind, reason, part, match = found
    return _from_match(match, kind, reason, part)


_VaeIn = tuple[Kind, str, Mapping[str, TensorInfo], vae_families.VaeMatch]
"""(kind, kind reason, the VAE's tensors, match)."""


def _vae_in(tensors: Mapping[str, TensorInfo], hints: vae_families.Hints) -> _VaeIn | None:
    """(kind, kind reason, the VAE's tensors, match) for a VAE or a full model carrying one.

    Family rules live in :mod:`app.core.inspection.vae_families` (one detector per family
    group, ComfyUI's order); this only decides where in the file the VAE is.
    """
    part = vae_families.vae_part(tensors, CHECKPOINT_VAE_PREFIX)
    if part is None:
        match = vae_families.identify(tensors, hints)
        if match is not None:
            return KIND_VAE, _vae_reason(match), tensors, match
        part = vae_families.vae_part(tensors, "vae.")  # LTX checkpoints, prefixed VAE files
        if part is None:
            return None
    match = vae_families.identify(part.tensors, replace(hints, checkpoint_keys=part.other_keys))
    if match is None and part.prefix != CHECKPOINT_VAE_PREFIX:
        return None  # "vae." alone proves nothing; first_stage_model. always held the VAE
    match = match or _no_family(part)
    if not part.other_keys:
        return KIND_VAE, f"{_vae_reason(match)} under {part.prefix}", part.tensors, match
    reason = f"full model ({len(tensors):,} tensors); carries a VAE under {part.prefix}"
    return KIND_CHECKPOINT, reason, part.tensors, match


def _vae_reason(match: vae_families.VaeMatch) -> str:
    if match.layout == LAYOUT_TAESD:
        sides = (("encoder", match.has_encoder), ("decoder", match.has_decoder))
        return f"TAESD tiny autoencoder ({' and '.join(h for h, ok in sides if ok)})"
    if match.layout in (LAYOUT_LDM, LAYOUT_DIFFUSERS) and match.family in _KL_FAMILIES:
        reason = "autoencoder encoder/decoder keys"
    elif match.family == "unknown":
        reason = f"VAE-like keys of no known family ({match.layout} layout)"
    else:
        reason = f"{vae_families.display_name(match.family)} VAE keys ({match.layout} layout)"
    if not match.has_decoder:
        reason += "; encoder only, it cannot decode"
    return reason


_KL_FAMILIES = frozenset({"sd1", "sdxl", "sd1-or-sdxl", "sd3", "flux1", "sd3-or-flux1", "unknown"})


def _no_family(part: vae_families.VaePart) -> vae_families.VaeMatch:
    why = f"tensors under {part.prefix} of no known VAE family"
    return vae_families.VaeMatch("unknown", why, LAYOUT_LDM, None, False, False)


class _Stats(TypedDict):
    dtypes: list[str]
    parameter_count: int
    tensor_count: int


def _stats(tensors: Mapping[str, TensorInfo]) -> _Stats:
    return {
        "dtypes": sorted({t.dtype for t in tensors.values()}),
        "parameter_count": sum(t.numel for t in tensors.values()),
        "tensor_count": len(tensors),
    }


def _from_match(
    match: vae_families.VaeMatch, kind: Kind, reason: str, tensors: Mapping[str, TensorInfo]
) -> Classification:
    facts = vae_families.facts_for(match.family)
    return Classification(
        kind=kind,
        kind_reason=reason,
        family=match.family,
        family_reason=match.reason,
        layout=match.layout,
        latent_channels=match.latent_channels,
        has_encoder=match.has_encoder,
        has_quant_conv=match.has_quant_conv if match.has_quant_conv is not None else False,
        family_name=match.name or vae_families.display_name(match.family),
        modality=facts.modality if facts else None,
        spatial_compression=match.spatial_compression
        or (facts.spatial_compression if facts else None),
        temporal_compression=facts.temporal_compression if facts else None,
        has_decoder=match.has_decoder,
        usable_by=facts.usable_by if facts else (),
        **_stats(tensors),
    )


def _not_vae(tensors: Mapping[str, TensorInfo]) -> Classification:
    keys = list(tensors)
    if any(m in k for k in keys for m in _LORA_MARKERS) or any(
        k.startswith(("lora_unet_", "lora_te")) for k in keys
    ):
        kind, what = KIND_LORA, "a LoRA (lora_down/lora_up weights)"
    elif keys and (
        set(keys) <= _EMBEDDING_KEYS or all(k.startswith("string_to_param.") for k in keys)
    ):
        kind, what = KIND_EMBEDDING, "a textual-inversion embedding"
    elif any(k.startswith("model.diffusion_model.") for k in keys):
        kind, what = KIND_OTHER, "diffusion model weights without a VAE"
    elif not keys:
        kind, what = KIND_OTHER, "a file with no tensors"
    else:
        kind, what = KIND_OTHER, f"{len(keys):,} tensors with no VAE, LoRA or embedding keys"
    problem = Problem(PROBLEM_NOT_A_VAE, f"this is {what}, not a VAE")
    return Classification(kind=kind, kind_reason=what, problems=[problem], **_stats(tensors))
