"""The table of VAE family facts: one row per family id (see :class:`.facts.FamilyFacts`).

Latent shapes come from the loaders that build these models: ComfyUI ``comfy/sd.py``
``VAE.__init__`` (Comfy-Org/ComfyUI @35ead008: ``latent_channels``, ``upscale_ratio``,
``upscale_index_formula``) and the diffusers 0.42 ``Autoencoder*`` configs. Which UIs
load a family: ComfyUI loads every family here from ``models/vae`` (TAESD-class decoders
from ``models/vae_approx``); the A1111 family loads only the SD KL VAEs it has model
code for, plus TAESD decoders under fixed names in ``models/VAE-approx``.
"""

from __future__ import annotations

from dataclasses import replace

from app.core.inspection.vae_families.facts import (
    A1111_VAE,
    A1111_VAE_APPROX,
    COMFY_UIS,
    MODALITY_VIDEO,
    UI_A1111,
    UI_FORGE,
    FamilyFacts,
)
from app.core.inspection.vae_families.rows import (
    FLUX1_ALSO,
    FLUX_UIS,
    SD1_UIS,
    SD3_UIS,
    SDXL_UIS,
    TAESD_UIS,
)
from app.core.inspection.vae_families.rows import image as _image
from app.core.inspection.vae_families.rows import tae as _tae
from app.core.inspection.vae_families.table_media import MEDIA_ROWS

_IMAGE_ROWS: tuple[FamilyFacts, ...] = (
    # -- Stable Diffusion KL-f8 and relatives (the original "ldm" layout) ------------------
    _image(
        "sd1",
        "SD 1.x / 2.x",
        4,
        8,
        SD1_UIS,
        "The KL-f8 VAE of Stable Diffusion 1.x and 2.x models.",
        "Also every SD1.5- or SD2-based checkpoint.",
        a1111_folder=A1111_VAE,
    ),
    _image(
        "sdxl",
        "SDXL",
        4,
        8,
        SDXL_UIS,
        "The KL-f8 VAE of SDXL models.",
        "Also Pony, Illustrious and NoobAI checkpoints (SDXL-based) and AuraFlow.",
        a1111_folder=A1111_VAE,
    ),
    _image(
        "sd1-or-sdxl",
        "SD 1.x or SDXL",
        4,
        8,
        SDXL_UIS,
        "A 4-channel KL-f8 VAE; SD1 and SDXL VAEs have identical shapes, so only a name, "
        "a config or a known hash tells which.",
        a1111_folder=A1111_VAE,
        refines_to=("sd1", "sdxl"),
    ),
    _image(
        "sd-x4-upscaler",
        "SD x4 upscaler",
        4,
        4,
        COMFY_UIS,
        "The 4x-compression KL VAE of Stable Diffusion's x4 upscaler (three levels, "
        "no last downsample).",
    ),
    _image(
        "sd3",
        "SD 3 / 3.5",
        16,
        8,
        SD3_UIS,
        "The 16-channel VAE of Stable Diffusion 3 and 3.5.",
        a1111_folder=A1111_VAE,
    ),
    _image(
        "flux1",
        "FLUX.1",
        16,
        8,
        FLUX_UIS,
        "The 16-channel autoencoder of FLUX.1 (ae.safetensors).",
        FLUX1_ALSO,
        a1111_folder=A1111_VAE,
    ),
    _image(
        "sd3-or-flux1",
        "SD 3 or FLUX.1",
        16,
        8,
        (*SD3_UIS, UI_FORGE),
        "A 16-channel KL VAE without quant convs; SD3 and FLUX.1 share shapes, so only a "
        "name, a config or a known hash tells which.",
        FLUX1_ALSO,
        a1111_folder=A1111_VAE,
        refines_to=("sd3", "flux1"),
    ),
    _image(
        "flux2",
        "FLUX.2",
        32,
        8,
        COMFY_UIS,
        "The 32-channel FLUX.2 autoencoder; its latents are 2x2-patchified to 128 channels "
        "and normalised by BatchNorm statistics stored in the file (bn.running_mean).",
        "FLUX.2 dev and FLUX.2 klein.",
    ),
    _image(
        "hunyuan-image-2.1",
        "HunyuanImage 2.1",
        64,
        32,
        COMFY_UIS,
        "The 64-channel, 32x-compression VAE of HunyuanImage 2.1 (base model).",
    ),
    _image(
        "hunyuan-image-2.1-refiner",
        "HunyuanImage 2.1 refiner",
        32,
        16,
        COMFY_UIS,
        "The 32-channel, 16x VAE of the HunyuanImage 2.1 refiner (a causal 3D VAE run on "
        "single frames).",
    ),
    _image(
        "dc-ae",
        "DC-AE (Sana)",
        32,
        32,
        COMFY_UIS,
        "MIT Han Lab's deep-compression autoencoder (f32c32) used by Sana.",
        "Sana 1.0/1.5 and Sana Sprint.",
    ),
    _image(
        "stable-cascade-stage-a",
        "Stable Cascade stage A",
        4,
        4,
        COMFY_UIS,
        "Stable Cascade's stage A VQGAN: turns stage B latents into pixels.",
    ),
    _image(
        "stable-cascade-effnet",
        "Stable Cascade EfficientNet encoder",
        16,
        32,
        COMFY_UIS,
        "Stable Cascade's EfficientNet encoder: images to stage C latents (img2img). Encoder only.",
    ),
    _image(
        "stable-cascade-previewer",
        "Stable Cascade previewer",
        16,
        None,
        COMFY_UIS,
        "Stable Cascade's previewer: a small decoder from stage C latents to a preview "
        "image. Decoder only.",
    ),
    _image(
        "stable-cascade-stage-c-coder",
        "Stable Cascade effnet + previewer",
        16,
        32,
        COMFY_UIS,
        "Stable Cascade's EfficientNet encoder and previewer in one file.",
    ),
    _image(
        "mage-vae",
        "Mage-VAE",
        128,
        16,
        COMFY_UIS,
        "A one-step diffusion codec with FLUX.2-anchored 128-channel 16x latents.",
    ),
    _image(
        "pixel-space",
        "Pixel space (no VAE)",
        3,
        1,
        COMFY_UIS,
        "A placeholder ComfyUI loads for models that work on pixels directly.",
    ),
    # -- TAESD-class preview decoders (madebyollin/taesd, madebyollin/taehv) ---------------
    _tae(
        "taesd",
        "TAESD",
        None,
        8,
        None,
        TAESD_UIS,
        "A TAESD tiny decoder for fast previews. 4 channels: SD1 (taesd) or SDXL (taesdxl); "
        "16 channels: SD3 (taesd3) or FLUX.1 (taef1); the file name tells which.",
        a1111_folder=A1111_VAE_APPROX,
        a1111_filenames=("taesd_decoder.pth", "taesdxl_decoder.pth", "taesd3_decoder.pth"),
        refines_to=("taesdxl", "taesd3", "taef1"),  # by a registry hash; names set the display name
    ),
    _tae(
        "taesdxl",
        "TAESDXL",
        4,
        8,
        None,
        TAESD_UIS,
        "The TAESD tiny decoder for SDXL previews.",
        a1111_folder=A1111_VAE_APPROX,
        a1111_filenames=("taesdxl_decoder.pth",),
    ),
    _tae(
        "taesd3",
        "TAESD3",
        16,
        8,
        None,
        (*COMFY_UIS, UI_A1111),
        "The TAESD tiny decoder for SD3 previews.",
        a1111_folder=A1111_VAE_APPROX,
        a1111_filenames=("taesd3_decoder.pth",),
    ),
    _tae("taef1", "TAEF1", 16, 8, None, COMFY_UIS, "The TAESD tiny decoder for FLUX.1 previews."),
    _tae(
        "taef2",
        "TAEF2",
        32,
        8,
        None,
        COMFY_UIS,
        "The TAESD tiny decoder for FLUX.2 previews (with GroupNorm mid-block pooling).",
    ),
    _tae(
        "taesana",
        "TAESANA",
        32,
        32,
        None,
        COMFY_UIS,
        "The 32x TAESD variant for Sana's DC-AE latents.",
    ),
    _tae(
        "taehv",
        "TAEHV",
        16,
        8,
        4,
        COMFY_UIS,
        "The tiny video decoder for HunyuanVideo 1.0 previews (fp16 file).",
    ),
    _tae(
        "taew2_1",
        "TAEW2.1",
        16,
        8,
        4,
        COMFY_UIS,
        "The tiny video decoder for Wan 2.1 latents (also Wan 2.2 14B and Qwen-Image).",
    ),
    _tae(
        "taew2_2",
        "TAEW2.2",
        48,
        16,
        4,
        COMFY_UIS,
        "The tiny video decoder for Wan 2.2 5B (48-channel) latents.",
    ),
    _tae(
        "taehv1_5",
        "TAEHV 1.5",
        32,
        16,
        4,
        COMFY_UIS,
        "The tiny video decoder for HunyuanVideo 1.5 latents (lighttaehy1_5).",
    ),
    _tae(
        "taeltx2",
        "TAELTX-2",
        128,
        32,
        8,
        COMFY_UIS,
        "The tiny video decoder for LTX-2 latents (taeltx_2).",
    ),
    # MiniMax H3 maps 17 frames to 5 latent frames: no whole temporal factor, still video.
    replace(
        _tae(
            "taeh3",
            "TAE for MiniMax H3",
            24,
            16,
            None,
            COMFY_UIS,
            "The tiny video decoder for MiniMax H3 latents.",
        ),
        modality=MODALITY_VIDEO,
    ),
)

FAMILIES: dict[str, FamilyFacts] = {row.id: row for row in (*_IMAGE_ROWS, *MEDIA_ROWS)}
