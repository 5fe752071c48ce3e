"""TAESD-class tiny autoencoders for images (taesd ... taef2, taesana) and video (taehv ...).

Image TAESD is :mod:`app.core.inspection.taesd`'s bare ``nn.Sequential`` layout (also
ComfyUI's ``taesd_decoder.``/``taesd_encoder.`` prefixes); madebyollin/taesd ``taesd.py``
(@5cccb12) adds ``Block.pool`` (GroupNorm mid-block pooling) for taef2 and a 32x
``F32Decoder`` starting with a 256-channel conv for taesana. Diffusers ``AutoencoderTiny``
names the same convs ``encoder.layers.N``/``decoder.layers.N`` (no Clamp, so the decoder
starts at ``layers.0``). Video TAEs are recognised like ComfyUI (``comfy/sd.py``,
Comfy-Org/ComfyUI @35ead008): ``decoder.22.bias`` present, latent channels from
``decoder.1.weight``; 48 is Wan 2.2, 128 LTX-2, 32 with a 12-channel output HunyuanVideo
1.5, 24 with 12 MiniMax H3, and 16 is taehv when stored in float16 (ComfyUI: "taehv
currently only available in float16") else taew2_1.
"""

from __future__ import annotations

from app.core.inspection.records import Layout, TensorInfo
from app.core.inspection.taesd import taesd_parts
from app.core.inspection.vae_families.facts import display_name
from app.core.inspection.vae_families.hints import Hints, refine_taesd
from app.core.inspection.vae_families.match import (
    LAYOUT_DIFFUSERS,
    LAYOUT_TAESD,
    Keys,
    VaeMatch,
)

_TAESD_NAMES = {
    4: "TAESD, 4 channels (SD1 taesd or SDXL taesdxl)",
    16: "TAESD, 16 channels (SD3 taesd3 or FLUX.1 taef1)",
}


def detect(keys: Keys, hints: Hints) -> VaeMatch | None:
    """Any TAESD-class file: image decoders/encoders, diffusers AutoencoderTiny, video TAEs."""
    return _video(keys, hints) or _image(keys, hints) or _diffusers(keys, hints)


def _image(keys: Keys, hints: Hints) -> VaeMatch | None:
    parts = taesd_parts(keys.tensors) or _taesana_parts(keys)
    if parts is None:
        return None
    latent, enc, dec = parts.latent_channels, parts.has_encoder, parts.has_decoder
    what = parts.what
    if _prefixed_any(keys, "3.pool.0.weight") or _prefixed_any(keys, "12.pool.0.weight"):
        return VaeMatch(
            "taef2",
            f"TAESD layout with mid-block pooling ({what}): TAEF2",
            LAYOUT_TAESD,
            latent,
            enc,
            dec,
        )
    if _is_f32(keys):
        return VaeMatch(
            "taesana", f"32x TAESD layout ({what}): TAESANA", LAYOUT_TAESD, latent, enc, dec
        )
    return _variant(
        latent, enc, dec, f"TAESD layout with {latent} latent channels", hints, LAYOUT_TAESD
    )


def _variant(
    latent: int | None, enc: bool, dec: bool, why: str, hints: Hints, layout: Layout
) -> VaeMatch:
    """Family ``taesd`` for all four same-layout variants; the name picks the display name.

    The id stays ``taesd`` (what the app has always reported, and what the library's
    importer and the preview key on); ``facts_for(refined)`` gives the variant's facts.
    """
    refined = refine_taesd(latent, hints)
    if refined is not None:
        refined_name = f"{display_name(refined[0])} (TAESD layout)"
        return VaeMatch(
            "taesd", f"{why}; {refined[1]}", layout, latent, enc, dec, name=refined_name
        )
    name = _TAESD_NAMES.get(latent) if latent is not None else None
    if latent == 4 and "taesd_" in hints.text():
        name = "TAESD (SD 1.x/2.x)"
    return VaeMatch("taesd", why, layout, latent, enc, dec, name=name)


def _diffusers(keys: Keys, hints: Hints) -> VaeMatch | None:
    dec = keys.ndim("decoder.layers.0.weight") == 4 and "decoder.layers.2.conv.0.weight" in keys
    enc = keys.ndim("encoder.layers.0.weight") == 4 and "encoder.layers.1.conv.0.weight" in keys
    if not (dec or enc):
        return None
    latent = keys.dim("decoder.layers.0.weight", 1) if dec else _last_encoder_conv(keys)
    why = f"diffusers AutoencoderTiny layout with {latent} latent channels"
    if any(".pool." in k for k in keys.tensors):
        return VaeMatch(
            "taef2", f"{why} and mid-block pooling: TAEF2", LAYOUT_DIFFUSERS, latent, enc, dec
        )
    return _variant(latent, enc, dec, why, hints, LAYOUT_DIFFUSERS)


def _video(keys: Keys, hints: Hints) -> VaeMatch | None:
    if "decoder.22.bias" not in keys:
        return None
    latent = keys.dim("decoder.1.weight", 1)
    out = keys.dim("decoder.22.bias", 0)
    enc = keys.prefixed("encoder.")
    text = hints.text()
    if latent == 48:
        family, why = "taew2_2", "48 latent channels: Wan 2.2"
    elif latent == 128:
        family, why = "taeltx2", "128 latent channels: LTX-2"
    elif latent == 32 and out == 12:
        family, why = "taehv1_5", "32 latent channels, 2x2 pixel patches: HunyuanVideo 1.5"
    elif latent == 24 and out == 12:
        family, why = "taeh3", "24 latent channels, 2x2 pixel patches: MiniMax H3"
    elif latent == 16:
        family, why = _taehv_or_taew(keys, text)
    else:
        return VaeMatch(
            "unknown",
            f"tiny video autoencoder (taehv layout) with {latent} latent channels: no known family",
            LAYOUT_TAESD,
            latent,
            enc,
            True,
        )
    return VaeMatch(
        family, f"tiny video autoencoder (taehv layout), {why}", LAYOUT_TAESD, latent, enc, True
    )


def _taehv_or_taew(keys: Keys, text: str) -> tuple[str, str]:
    if "taew" in text or "wan" in text:
        return "taew2_1", "16 latent channels and the name says Wan"
    if "taehv" in text or "hunyuan" in text:
        return "taehv", "16 latent channels and the name says HunyuanVideo"
    if keys.dtype("decoder.1.weight") == "float16":
        return "taehv", "16 latent channels in float16 (ComfyUI's test for taehv)"
    return "taew2_1", "16 latent channels, not float16 (ComfyUI's test for taew2_1)"


class _Parts:
    def __init__(self, latent: int, enc: bool, dec: bool) -> None:
        self.latent_channels, self.has_encoder, self.has_decoder = latent, enc, dec

    @property
    def what(self) -> str:
        halves = [
            h for h, ok in (("encoder", self.has_encoder), ("decoder", self.has_decoder)) if ok
        ]
        return " and ".join(halves)


def _taesana_parts(keys: Keys) -> _Parts | None:
    """The F32 encoder (``0.weight`` [32, 3, 3, 3], then ``2.weight`` [64, 32, 3, 3])."""
    for prefix in ("", "taesd_encoder."):
        first, second = keys.dim(f"{prefix}0.weight", 0), keys.dim(f"{prefix}2.weight", 1)
        if first == 32 and second == 32 and keys.dim(f"{prefix}0.weight", 1) == 3:
            latent = _last_conv(keys, prefix)
            return _Parts(latent, True, False) if latent else None
    return None


def _is_f32(keys: Keys) -> bool:
    """F32Decoder: ``1.weight`` has 256 output channels (the 8x decoders have 64)."""
    return (
        keys.dim("1.weight", 0) == 256
        or keys.dim("taesd_decoder.1.weight", 0) == 256
        or (keys.dim("0.weight", 0) == 32 and keys.dim("0.weight", 1) == 3)
    )


def _prefixed_any(keys: Keys, suffix: str) -> bool:
    return any(
        k.endswith(suffix) and k[: -len(suffix)] in ("", "taesd_decoder.", "taesd_encoder.")
        for k in keys.tensors
    )


def _last_conv(keys: Keys, prefix: str) -> int | None:
    """Output channels of the highest-numbered top-level conv (the encoder's latent conv)."""
    best: tuple[int, TensorInfo] | None = None
    for name, info in keys.tensors.items():
        if not name.startswith(prefix) or len(info.shape) != 4:
            continue
        head, _, tail = name[len(prefix) :].partition(".")
        if tail == "weight" and head.isdigit() and (best is None or int(head) > best[0]):
            best = (int(head), info)
    return best[1].shape[0] if best else None


def _last_encoder_conv(keys: Keys) -> int | None:
    return _last_conv(keys, "encoder.layers.")
