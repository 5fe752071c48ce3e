"""KL autoencoders: SD1/SDXL, SD3/FLUX.1, FLUX.2, x4 upscaler, SVD, HunyuanImage 2.1.

Rules follow ComfyUI ``comfy/sd.py`` ``VAE.__init__`` (Comfy-Org/ComfyUI @35ead008):
``decoder.mid.block_1.mix_factor`` is SVD's temporal decoder; under
``decoder.conv_in.weight`` a 64-channel input is HunyuanImage 2.1, a 5-D 32-channel one
its refiner, and otherwise the SD parameters apply: no ``encoder.down.2.downsample`` and
no ``decoder.up.3.upsample`` means the x4 upscaler (``ch_mult [1, 2, 4]``),
``bn.running_mean`` FLUX.2's BatchNorm latent, ``post_quant_conv`` picks AutoencoderKL.
Diffusers files are read through the LDM spelling of :mod:`app.core.inspection.ldm_names`
(diffusers ``AutoencoderKL``, ``AutoencoderKLFlux2``, ``AutoencoderKLTemporalDecoder``,
``AutoencoderKLHunyuanImage``).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from app.core.inspection import ldm_names
from app.core.inspection.vae_families.hints import Hints, refine_kl
from app.core.inspection.vae_families.match import (
    LAYOUT_DIFFUSERS,
    LAYOUT_LDM,
    Keys,
    VaeMatch,
    halves,
)

_LEVEL = re.compile(r"^(?:encoder\.down|decoder\.up)\.\d+\.")
_QUANT_KEYS = (
    "post_quant_conv.weight",
    "quant_conv.weight",
    "decoder.post_quant_conv.weight",  # FLUX.2 keeps them inside encoder/decoder
    "encoder.quant_conv.weight",
)


def detect(keys: Keys, hints: Hints) -> VaeMatch | None:
    """A KL family, when the tensors have a 2-D KL decoder or encoder (or SVD's / Hunyuan's)."""
    decoder = keys.ndim("decoder.conv_in.weight")
    if decoder is None and keys.ndim("encoder.conv_in.weight") != 4:
        return None
    diffusers = ldm_names.uses_diffusers_names(keys.tensors)
    layout = LAYOUT_DIFFUSERS if diffusers else LAYOUT_LDM
    enc, dec = halves(keys)
    quant = keys.any(*_QUANT_KEYS)
    latent = keys.dim("decoder.conv_in.weight", 1)
    if "decoder.mid.block_1.mix_factor" in keys or "decoder.time_conv_out.weight" in keys:
        why = "temporal decoder (time-mixing layers): Stable Video Diffusion"
        return VaeMatch("svd", why, layout, latent, enc, dec, quant)
    if decoder == 4 and latent == 64:
        why = "decoder takes 64 latent channels: HunyuanImage 2.1's 32x VAE"
        return VaeMatch("hunyuan-image-2.1", why, layout, latent, enc, dec, quant)
    if decoder == 5 and latent == 32:
        why = "5-D decoder input with 32 latent channels: the HunyuanImage 2.1 refiner VAE"
        return VaeMatch("hunyuan-image-2.1-refiner", why, layout, latent, enc, dec, quant)
    if decoder not in (None, 4):
        return None
    if latent is None:
        out = keys.dim("encoder.conv_out.weight", 0)
        latent = out // 2 if out else None
    family, why = _sd_family(keys, diffusers, latent, quant, hints)
    if keys.dim("decoder.conv_in.weight", 0) != keys.dim("encoder.conv_out.weight", 1) and enc:
        why += "; the decoder is narrower than the encoder (a small-decoder variant)"
    return VaeMatch(family, why, layout, latent, enc, dec, quant)


def _sd_family(
    keys: Keys, diffusers: bool, latent: int | None, quant: bool, hints: Hints
) -> tuple[str, str]:
    if "bn.running_mean" in keys:
        return "flux2", f"{latent} latent channels with BatchNorm latent statistics: FLUX.2"
    if _is_x4(keys, diffusers):
        return "sd-x4-upscaler", "three levels, no last downsample: the SD x4 upscaler VAE"
    if latent == 4 and quant:
        pair, why = "sd1-or-sdxl", "4 latent channels with quant convs (SD1 and SDXL share shapes)"
    elif latent == 16 and not quant:
        pair = "sd3-or-flux1"
        why = "16 latent channels, no quant convs (SD3 and Flux.1 share shapes)"
    else:
        quant_text = "with" if quant else "without"
        return "unknown", f"{latent} latent channels {quant_text} quant convs: unknown family"
    refined = refine_kl(pair, hints)
    if refined is None:
        return pair, why
    return refined[0], f"{why}; {refined[1]}"


def _is_x4(keys: Keys, diffusers: bool) -> bool:
    """ComfyUI's x4-upscaler test on LDM names, narrowed to the real VAE's three levels.

    ComfyUI: no ``encoder.down.2.downsample`` and no ``decoder.up.3.upsample``. A two-level
    toy KL VAE passes that test too, but is not the upscaler's VAE.
    """
    names: Collection[str] = keys.tensors.keys()
    if diffusers:
        last = ldm_names.last_up_block(names)
        names = {ldm_names.ldm_name(k, last) for k in names}
    levels = {int(k.split(".")[2]) for k in names if _LEVEL.match(k)}
    if not levels or max(levels) != 2:
        return False
    return (
        "encoder.down.2.downsample.conv.weight" not in names
        and "decoder.up.3.upsample.conv.weight" not in names
    )
