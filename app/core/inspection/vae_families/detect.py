"""Run the family detectors in ComfyUI's order and fall back to "unknown VAE".

The order mirrors ComfyUI ``comfy/sd.py`` ``VAE.__init__`` (Comfy-Org/ComfyUI @35ead008)
where families could overlap: SeedVR2 before any diffusers handling, the marker families
before the generic ``decoder.conv_in`` KL test, wrapped-conv LTX before HunyuanVideo.
Detectors look at names and shapes only; nothing here reads tensor data or imports torch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from app.core.inspection import ldm_names
from app.core.inspection.records import TensorInfo
from app.core.inspection.vae_families import audio, cascade, conv3d, kl, ltx, other, tiny, video
from app.core.inspection.vae_families.hints import Hints
from app.core.inspection.vae_families.match import (
    LAYOUT_DIFFUSERS,
    LAYOUT_ORIGINAL,
    Keys,
    VaeMatch,
    halves,
)

Detector = Callable[[Keys, Hints], "VaeMatch | None"]

DETECTORS: tuple[Detector, ...] = (
    other.detect_early,
    tiny.detect,
    cascade.detect,
    video.detect_wan,
    video.detect_mochi,
    video.detect_cosmos,
    ltx.detect,
    other.detect_dcae,
    audio.detect,
    conv3d.detect,
    kl.detect,
    other.detect_3d,
)

# Where full models keep their VAE: SD checkpoints (ComfyUI strips "first_stage_model."),
# LTX-Video/LTX-2 checkpoints ("vae."; ComfyUI supported_models vae_key_prefix).
CHECKPOINT_PREFIXES = ("first_stage_model.", "vae.")
_LORA_MARKERS = (".lora_down.", ".lora_up.", ".lora_A.", ".lora_B.", ".hada_w1", ".lokr_w1")


@dataclass(frozen=True)
class VaePart:
    """The VAE tensors of a file with their prefix, and the keys of everything else."""

    prefix: str
    tensors: dict[str, TensorInfo]
    other_keys: tuple[str, ...]


def identify(tensors: Mapping[str, TensorInfo], hints: Hints | None = None) -> VaeMatch | None:
    """The family of a VAE state dict (no prefix), or None when it does not look like a VAE."""
    keys = Keys(tensors)
    hints = hints or Hints()
    for detector in DETECTORS:
        found = detector(keys, hints)
        if found is not None:
            return found
    return unknown_vae(keys)


def vae_part(tensors: Mapping[str, TensorInfo], prefix: str) -> VaePart | None:
    """The tensors under ``prefix`` (prefix removed), or None when there are none."""
    inner = {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
    if not inner:
        return None
    others = tuple(k for k in tensors if not k.startswith(prefix))
    return VaePart(prefix, inner, others)


def unknown_vae(keys: Keys) -> VaeMatch | None:
    """A VAE-like file of no known family: conv kernels under ``encoder.``/``decoder.``.

    Text encoders also have ``encoder.`` keys, but only 2-D (linear) weights; a VAE has
    3-D or larger conv kernels, so that is what makes a file "VAE-like".
    """
    convs = {"encoder.": 0, "decoder.": 0}
    if any(marker in name for name in keys.tensors for marker in _LORA_MARKERS):
        return None  # a LoCon/LoRA has conv-shaped low-rank weights; classify names it
    for name, info in keys.tensors.items():
        for side in convs:
            if name.startswith(side) and len(info.shape) >= 3:
                convs[side] += 1
    if not any(convs.values()):
        return None
    enc, dec = halves(keys)
    latent = keys.dim("decoder.conv_in.weight", 1) or keys.dim("decoder.conv_in.conv.weight", 1)
    seen = ", ".join(f"{n} {side[:-1]} conv kernels" for side, n in convs.items() if n)
    tops = sorted({k.split(".", 1)[0] for k in keys.tensors})
    shown = ", ".join(tops[:6]) + (", ..." if len(tops) > 6 else "")
    why = f"VAE-like ({seen}; parts: {shown}) but no known family"
    if latent:
        why += f"; the decoder takes {latent} channels"
    diffusers = ldm_names.uses_diffusers_names(keys.tensors)
    layout = LAYOUT_DIFFUSERS if diffusers else LAYOUT_ORIGINAL
    return VaeMatch("unknown", why, layout, latent, enc, dec)
