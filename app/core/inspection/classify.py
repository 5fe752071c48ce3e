"""Decide what a set of tensors is (VAE, checkpoint, LoRA, ...) from names and shapes.

Works on :class:`TensorInfo` only, so it is the same for every container format. For a
full checkpoint the VAE under ``first_stage_model.`` is what the counts describe, because
that is the part this app manages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.core.inspection import family as fam
from app.core.inspection.records import (
    FAMILY_SD1_OR_SDXL,
    FAMILY_SD3_OR_FLUX,
    FAMILY_TAESD,
    FAMILY_UNKNOWN,
    KIND_CHECKPOINT,
    KIND_EMBEDDING,
    KIND_LORA,
    KIND_OTHER,
    KIND_VAE,
    LAYOUT_DIFFUSERS,
    LAYOUT_LDM,
    LAYOUT_TAESD,
    PROBLEM_NOT_A_VAE,
    Problem,
    TensorInfo,
)
from app.core.inspection.taesd import taesd_parts

CHECKPOINT_VAE_PREFIX = "first_stage_model."
_LORA_MARKERS = (".lora_down.", ".lora_up.", ".lora_A.", ".lora_B.", ".hada_w1", ".lokr_w1")
_EMBEDDING_KEYS = frozenset({"emb_params", "clip_l", "clip_g"})


@dataclass(frozen=True)
class Classification:
    """Kind, family and layout of a file's tensors, with the reasons for each verdict."""

    kind: str
    kind_reason: str
    family: str | None = None
    family_reason: str = ""
    layout: str | None = None
    latent_channels: int | None = None
    has_encoder: bool | None = None
    has_quant_conv: bool | None = None
    dtypes: list[str] = field(default_factory=list)
    parameter_count: int = 0
    tensor_count: int = 0
    problems: list[Problem] = field(default_factory=list)


def classify(
    tensors: dict[str, TensorInfo],
    *,
    metadata: dict[str, str] | None = None,
    names: Sequence[str] = (),
    config: dict | None = None,
) -> Classification:
    """Classify ``tensors``; ``names`` are file stem then folder names, for family hints."""
    hints = {"metadata": metadata, "names": names, "config": config}
    vae_part = {
        k[len(CHECKPOINT_VAE_PREFIX) :]: v
        for k, v in tensors.items()
        if k.startswith(CHECKPOINT_VAE_PREFIX)
    }
    if vae_part:
        reason = (
            f"full model ({len(tensors):,} tensors); carries a VAE under {CHECKPOINT_VAE_PREFIX}"
        )
        others = [k for k in tensors if not k.startswith(CHECKPOINT_VAE_PREFIX)]
        return _vae(vae_part, KIND_CHECKPOINT, reason, checkpoint_keys=others, **hints)
    if "decoder.conv_in.weight" in tensors or "encoder.conv_in.weight" in tensors:
        return _vae(tensors, KIND_VAE, "autoencoder encoder/decoder keys", **hints)
    taesd = taesd_parts(tensors)
    if taesd is not None:
        return _taesd(tensors, taesd)
    return _not_vae(tensors)


def _stats(tensors: dict[str, TensorInfo]) -> dict:
    return {
        "dtypes": sorted({t.dtype for t in tensors.values()}),
        "parameter_count": sum(t.numel for t in tensors.values()),
        "tensor_count": len(tensors),
    }


def _vae(tensors, kind, reason, *, checkpoint_keys=(), metadata, names, config) -> Classification:
    decoder = tensors.get("decoder.conv_in.weight")
    diffusers = any(k.startswith(("decoder.up_blocks.", "encoder.down_blocks.")) for k in tensors)
    quant = "post_quant_conv.weight" in tensors or "quant_conv.weight" in tensors
    if decoder is not None and len(decoder.shape) == 4:
        latent = decoder.shape[1]
    else:
        conv_out = tensors.get("encoder.conv_out.weight")
        latent = conv_out.shape[0] // 2 if conv_out is not None and conv_out.shape else None
        reason += "; encoder only, it cannot decode"
    family, family_reason = _vae_family(latent, quant, checkpoint_keys, metadata, names, config)
    return Classification(
        kind=kind,
        kind_reason=reason,
        family=family,
        family_reason=family_reason,
        layout=LAYOUT_DIFFUSERS if diffusers else LAYOUT_LDM,
        latent_channels=latent,
        has_encoder=any(k.startswith("encoder.") for k in tensors),
        has_quant_conv=quant,
        **_stats(tensors),
    )


def _vae_family(latent, quant, checkpoint_keys, metadata, names, config) -> tuple[str, str]:
    if latent == 4 and quant:
        pair, why = (
            FAMILY_SD1_OR_SDXL,
            "4 latent channels with quant convs (SD1 and SDXL share shapes)",
        )
    elif latent == 16 and not quant:
        pair, why = (
            FAMILY_SD3_OR_FLUX,
            "16 latent channels, no quant convs (SD3 and Flux.1 share shapes)",
        )
    else:
        quant_text = "with" if quant else "without"
        return FAMILY_UNKNOWN, f"{latent} latent channels {quant_text} quant convs: unknown family"
    refined = fam.refine(
        pair, config=config, checkpoint_keys=checkpoint_keys, metadata=metadata, names=names
    )
    if refined is None:
        return pair, why
    return refined[0], f"{why}; {refined[1]}"


def _taesd(tensors: dict[str, TensorInfo], parts) -> Classification:
    return Classification(
        kind=KIND_VAE,
        kind_reason=f"TAESD tiny autoencoder ({parts.what})",
        family=FAMILY_TAESD,
        family_reason=f"TAESD layout with {parts.latent_channels} latent channels",
        layout=LAYOUT_TAESD,
        latent_channels=parts.latent_channels,
        has_encoder=parts.has_encoder,
        has_quant_conv=False,
        **_stats(tensors),
    )


def _not_vae(tensors: dict[str, TensorInfo]) -> Classification:
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
