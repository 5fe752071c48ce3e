"""Audio VAEs: Oobleck, Stable Audio 3, ACE-Step, MMAudio, LTX-2 audio, MiniMax.

Markers from ComfyUI ``comfy/sd.py`` ``VAE.__init__`` (Comfy-Org/ComfyUI @35ead008):
``decoder.layers.1.layers.0.beta`` (Oobleck; a 12-wide kernel at
``decoder.layers.2.layers.1`` is the 48 kHz variant), ``decoder.layers.3.transformers.0.
pre_norm.alpha`` (Stable Audio 3), ``vocoder.backbone.channel_layers.0.0.bias`` (ACE-Step),
``vocoder.activation_post.downsample.lowpass.filter`` (MMAudio),
``vocoder.resblocks.0.convs1.0.weight`` (LTX-2 audio), ``pre_block.attn.zero_k_bias``
(MiniMax H3 audio), ``dec_in_proj.weight`` with ``decoder.model.0.weight_g`` (MiniMax Music
3). Diffusers (0.42) ``AutoencoderOobleck`` uses ``snake1.alpha`` names, ``MMAudioVAE``
``vae.``/``mel_converter.``, ``AutoencoderKLLTX2Audio`` 4-D wrapped ``conv_in.conv``.
"""

from __future__ import annotations

from app.core.inspection.vae_families.hints import Hints
from app.core.inspection.vae_families.match import (
    LAYOUT_DIFFUSERS,
    LAYOUT_ORIGINAL,
    Keys,
    VaeMatch,
    halves,
)

_OOBLECK_48K = (
    "decoder.layers.2.layers.1.weight_v",
    "decoder.layers.2.layers.1.parametrizations.weight.original1",
)


def detect(keys: Keys, hints: Hints) -> VaeMatch | None:
    """One of the audio VAEs ComfyUI loads, original or diffusers layout."""
    enc, dec = halves(keys)
    for detector in (_oobleck, _vocoder_families, _minimax, _diffusers):
        found = detector(keys, enc, dec)
        if found is not None:
            return found
    return None


def _oobleck(keys: Keys, enc: bool, dec: bool) -> VaeMatch | None:
    if "decoder.layers.3.transformers.0.pre_norm.alpha" in keys:
        return VaeMatch(
            "stable-audio-3",
            "transformer audio VAE: Stable Audio 3",
            LAYOUT_ORIGINAL,
            256,
            enc,
            dec,
        )
    if "decoder.layers.1.layers.0.beta" in keys or "encoder.layers.1.layers.0.beta" in keys:
        latent = keys.dim("decoder.layers.0.parametrizations.weight.original1", 1) or keys.dim(
            "decoder.layers.0.weight_v", 1
        )
        kernel = next((keys.dim(k, -1) for k in _OOBLECK_48K if k in keys), None)
        why = "Oobleck snake-activation audio VAE: Stable Audio"
        if kernel == 12:
            why += " (48 kHz variant, 1920 samples per latent step)"
        return VaeMatch("stable-audio", why, LAYOUT_ORIGINAL, latent or 64, enc, dec)
    return None


def _vocoder_families(keys: Keys, enc: bool, dec: bool) -> VaeMatch | None:
    if "vocoder.backbone.channel_layers.0.0.bias" in keys:
        latent = keys.dim("dcae.decoder.conv_in.weight", 1) or 8
        return VaeMatch(
            "ace-step",
            "music DC-AE with a HiFi-GAN vocoder: ACE-Step",
            LAYOUT_ORIGINAL,
            latent,
            keys.prefixed("dcae.encoder."),
            keys.prefixed("dcae.decoder."),
        )
    if "vocoder.activation_post.downsample.lowpass.filter" in keys:
        latent = keys.dim("vae.decoder.conv_in.weight", 1) or 20
        return VaeMatch(
            "mmaudio",
            "mel VAE with a BigVGAN vocoder: MMAudio",
            LAYOUT_ORIGINAL,
            latent,
            keys.prefixed("vae.encoder."),
            keys.prefixed("vae.decoder."),
        )
    if keys.any(
        "vocoder.resblocks.0.convs1.0.weight", "vocoder.vocoder.resblocks.0.convs1.0.weight"
    ):
        return VaeMatch(
            "ltx2-audio",
            "audio VAE with a HiFi-GAN vocoder: LTX-2 audio",
            LAYOUT_ORIGINAL,
            None,
            enc or keys.prefixed("audio_vae.encoder."),
            True,
        )
    return None


def _minimax(keys: Keys, enc: bool, dec: bool) -> VaeMatch | None:
    if "dec_in_proj.weight" in keys and "decoder.model.0.weight_g" in keys:
        return VaeMatch(
            "minimax-music3",
            "MiniMax Music 3 audio decoder (decode only)",
            LAYOUT_ORIGINAL,
            128,
            False,
            True,
        )
    if "pre_block.attn.zero_k_bias" in keys:
        return VaeMatch(
            "minimax-h3-audio",
            "DAC encoder + BigVGAN decoder: MiniMax H3 audio",
            LAYOUT_ORIGINAL,
            32,
            True,
            True,
        )
    return None


def _diffusers(keys: Keys, enc: bool, dec: bool) -> VaeMatch | None:
    if keys.any("decoder.block.0.snake1.alpha", "encoder.block.0.res_unit1.snake1.alpha"):
        latent: int | None = keys.dim("decoder.conv1.weight_v", 1) or 64
        return VaeMatch(
            "stable-audio",
            "diffusers AutoencoderOobleck layout: Stable Audio",
            LAYOUT_DIFFUSERS,
            latent,
            enc,
            dec,
        )
    if "mel_converter.mel_basis" in keys and keys.prefixed("vae."):
        latent = keys.dim("vae.decoder.conv_in.weight", 1)
        return VaeMatch(
            "mmaudio",
            "diffusers MMAudioVAE layout: MMAudio",
            LAYOUT_DIFFUSERS,
            latent,
            keys.prefixed("vae.encoder."),
            keys.prefixed("vae.decoder."),
        )
    if (
        keys.ndim("decoder.conv_in.conv.weight") == 4
        or keys.ndim("encoder.conv_in.conv.weight") == 4
    ):
        latent = keys.dim("decoder.conv_in.conv.weight", 1)
        return VaeMatch(
            "ltx2-audio",
            "diffusers AutoencoderKLLTX2Audio layout (mel 2-D convs)",
            LAYOUT_DIFFUSERS,
            latent,
            enc,
            dec,
        )
    return None
