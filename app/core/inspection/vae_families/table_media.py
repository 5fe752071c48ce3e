"""Video, audio and 3D rows of the VAE family table (see :mod:`.table`)."""

from __future__ import annotations

from dataclasses import replace

from app.core.inspection.vae_families.facts import MODALITY_IMAGE, FamilyFacts
from app.core.inspection.vae_families.rows import audio as _audio
from app.core.inspection.vae_families.rows import shape as _shape
from app.core.inspection.vae_families.rows import video as _video

MEDIA_ROWS: tuple[FamilyFacts, ...] = (
    # -- video VAEs ------------------------------------------------------------------------
    _video(
        "svd",
        "Stable Video Diffusion",
        4,
        8,
        1,
        "SVD's VAE: the SD image encoder with a temporal decoder (time-mixing layers).",
        "SVD and SVD-XT.",
    ),
    _video(
        "hunyuan-video",
        "HunyuanVideo 1.0",
        16,
        8,
        4,
        "The causal 3D VAE of HunyuanVideo 1.0.",
        "Also FramePack and SkyReels V1.",
    ),
    _video(
        "hunyuan-video-1.5",
        "HunyuanVideo 1.5",
        32,
        16,
        4,
        "The 32-channel 16x causal 3D VAE of HunyuanVideo 1.5 (encoder and decoder).",
        refines_to=("hunyuan-image-2.1-refiner",),
    ),
    _video("mochi", "Mochi 1", 12, 8, 6, "Genmo Mochi 1's video VAE."),
    _video(
        "ltxv",
        "LTX-Video 0.9",
        128,
        32,
        8,
        "Lightricks LTX-Video 0.9.x's video VAE (128 channels, 32x32x8).",
    ),
    _video(
        "ltx2",
        "LTX-2",
        128,
        32,
        8,
        "Lightricks LTX-2's video VAE (the same layout as LTX-Video 0.9.7+).",
    ),
    _video(
        "ltxv-or-ltx2",
        "LTX-Video 0.9.7+ or LTX-2",
        128,
        32,
        8,
        "An LTX video VAE in the layout LTX-Video 0.9.7+ and LTX-2 share; only a name, the "
        "file's config metadata or a known hash tells which.",
        refines_to=("ltxv", "ltx2"),
    ),
    _video(
        "ltx2-diffusion-decoder",
        "LTX 2.4 diffusion decoder",
        None,
        32,
        8,
        "Lightricks' diffusion-based VAE decoder for LTX 2.4 latents.",
    ),
    _video(
        "cosmos",
        "Cosmos tokenizer CV8x8x8",
        16,
        8,
        8,
        "NVIDIA Cosmos 1.0's continuous video tokenizer (wavelet 3D VAE).",
    ),
    _video(
        "wan2.1",
        "Wan 2.1",
        16,
        8,
        4,
        "Wan 2.1's causal 3D VAE.",
        "Also Wan 2.2 14B (A14B T2V/I2V) and many Wan fine-tunes; the Qwen-Image VAE has "
        "the same layout.",
        refines_to=("qwen-image",),
    ),
    # Qwen-Image uses this video-layout VAE on single images.
    replace(
        _video(
            "qwen-image",
            "Qwen-Image",
            16,
            8,
            4,
            "Qwen-Image's VAE: the Wan 2.1 layout with Qwen's own fine-tuned weights, used for "
            "single images.",
            "Also Qwen-Image-Edit, Krea 2 and Anima.",
        ),
        modality=MODALITY_IMAGE,
    ),
    _video(
        "wan2.2",
        "Wan 2.2 (5B)",
        48,
        16,
        4,
        "The 48-channel 16x VAE of Wan 2.2 TI2V 5B (not used by the 14B models).",
    ),
    _video("cogvideox", "CogVideoX", 16, 8, 4, "The causal 3D VAE of CogVideoX."),
    _video("seedvr2", "SeedVR2", None, 8, 4, "SeedVR2's video VAE (video restoration)."),
    _video("minimax-h3", "MiniMax H3 video", 24, 16, None, "MiniMax H3's video VAE."),
    # -- audio -----------------------------------------------------------------------------
    _audio(
        "stable-audio",
        "Stable Audio (Oobleck)",
        64,
        2048,
        "Stable Audio Open's Oobleck audio VAE (44.1 kHz stereo; a 48 kHz variant has 1920 "
        "samples per latent step).",
    ),
    _audio("stable-audio-3", "Stable Audio 3", 256, 4096, "Stable Audio 3's audio VAE."),
    _audio(
        "ace-step",
        "ACE-Step music DC-AE",
        8,
        4096,
        "ACE-Step's mel-spectrogram DC-AE with its HiFi-GAN vocoder.",
    ),
    _audio("mmaudio", "MMAudio", 20, 512, "MMAudio's 16 kHz mel VAE with its BigVGAN vocoder."),
    _audio("ltx2-audio", "LTX-2 audio", None, None, "LTX-2's audio VAE with its vocoder."),
    _audio("minimax-h3-audio", "MiniMax H3 audio", 32, 800, "MiniMax H3's audio VAE."),
    _audio(
        "minimax-music3",
        "MiniMax Music 3 decoder",
        128,
        512,
        "MiniMax Music 3's audio decoder (decode only).",
    ),
    # -- 3D --------------------------------------------------------------------------------
    _shape(
        "hunyuan3d",
        "Hunyuan3D 2.x shape VAE",
        64,
        "Hunyuan3D 2.0/2.1's shape VAE: point-cloud latents to a signed-distance field.",
    ),
    _shape("trellis2", "TRELLIS.2 VAE", 32, "TRELLIS.2's shape or texture VAE."),
    _shape("triposplat", "TripoSplat decoder", 16, "TripoSplat's octree Gaussian decoder."),
)
