"""The shipped registry's one-line advice, marked for translation.

The registry is data (``resources/known_vaes.json``), so lupdate cannot see its
text; listing the shipped descriptions here lets translators translate them.
An entry whose text is not listed (a user entry, or a changed description) is
shown as written.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.gui.i18n import QT_TRANSLATE_NOOP

CONTEXT = "Registry"

SHIPPED_ADVICE = (
    QT_TRANSLATE_NOOP("Registry", "SD 1.x/2.x: Stability's EMA fine-tune of the decoder; slightly sharper detail than the stock VAE, better eyes and small faces. Prefer the .safetensors copy."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SD 1.x/2.x: the EMA fine-tune as safetensors; sharper detail than MSE, a good default for photos."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SD 1.x/2.x: Stability's MSE fine-tune; smoother output than EMA, the most common choice. Prefer the .safetensors copy."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SD 1.x/2.x: the MSE fine-tune as safetensors; smoother, the safe default for most SD1.5 models."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SD 1.x/2.x: the MSE fine-tune in diffusers layout (for diffusers pipelines and folders; A1111 and ComfyUI prefer the original file)."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SD 1.x/2.x: the EMA fine-tune in diffusers layout (for diffusers pipelines)."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SD 1.5: the stock kl-f8 VAE that every v1-5 checkpoint already carries; an external copy changes nothing."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SDXL: Stability's SDXL 1.0 VAE; produces NaN/black images in fp16, so decode it in fp32/bf16 (--no-half-vae) or use the fp16-fix."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SDXL: the SDXL 1.0 VAE in diffusers layout (for diffusers pipelines)."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SDXL: madebyollin's fp16-fix, nearly identical output to the SDXL VAE but safe in half precision; the pick for SDXL on most GPUs."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SD 3 / 3.5: the 16-channel SD3 VAE (SwarmUI's mirror of the gated official file)."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "FLUX.1: Black Forest Labs' 16-channel autoencoder (ae.safetensors), needed by every FLUX.1 model."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SD 1.x anime: Waifu Diffusion's kl-f8-anime2, tuned for anime; vivid colours. A pickle (.ckpt): prefer a converted safetensors copy."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SD 1.x anime: the OrangeMix VAE (likely the same bytes as the NAI/Anything VAE); hash not yet confirmed."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SD 1.x anime: the NAI/Anything VAE (weights equal the SD 1.4 kl-f8 VAE); washed-out colours are common, MSE is usually better."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SD 1.x: TAESD tiny decoder for instant live previews; not for final images."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SDXL: TAESDXL tiny decoder for instant live previews; not for final images."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "SD 3: TAESD3 tiny decoder for instant live previews; not for final images."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "FLUX.1: TAEF1 tiny decoder for instant live previews; not for final images."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "FLUX.2: the 32-channel FLUX.2 autoencoder with its BatchNorm latent statistics, needed by FLUX.2 dev; ComfyUI only."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "FLUX.2 klein: the FLUX.2 autoencoder as shipped with FLUX.2 klein (same size as Black Forest Labs' ae.safetensors); ComfyUI only."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "Wan 2.1 and Wan 2.2 14B: the 16-channel causal video VAE; ComfyUI only."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "Wan 2.2 TI2V 5B only: the 48-channel, 16x video VAE (the 14B models use the Wan 2.1 VAE); ComfyUI only."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "Qwen-Image and Qwen-Image-Edit: the Wan 2.1-layout VAE with Qwen's fine-tuned decoder; ComfyUI only."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "HunyuanVideo 1.5: the 32-channel, 16x causal video VAE (encoder and decoder); ComfyUI only."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "HunyuanImage 2.1: the 64-channel, 32x image VAE of the base model; ComfyUI only."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "Mochi 1: Genmo's 12-channel video VAE (encoder and decoder); ComfyUI only."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "HunyuanVideo 1.0 (and FramePack): the 16-channel causal video VAE; ComfyUI only."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "HunyuanImage 2.1 refiner: the 32-channel, 16x VAE the refiner model decodes with; ComfyUI only."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "Cosmos 1.0: NVIDIA's 16-channel 8x8x8 video tokenizer; ComfyUI only."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "Sana: MIT Han Lab's 32-channel, 32x deep-compression autoencoder in diffusers layout (for diffusers pipelines)."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "LTX-2: the 128-channel video VAE split out of the LTX-2 checkpoint (the official file carries it inside); ComfyUI only."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "Stable Cascade: the stage A VQGAN that turns stage B latents into pixels; ComfyUI's VAE loader."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "Stable Cascade: the EfficientNet encoder for img2img into stage C latents (encoder only)."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "Stable Cascade: the small previewer that shows stage C latents as an image (decoder only)."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "FLUX.2: TAEF2 tiny decoder for instant live previews; not for final images."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "Wan 2.1 / Qwen-Image: tiny video autoencoder for instant live previews; not for final videos."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "Wan 2.2 5B: tiny video autoencoder for instant live previews; not for final videos."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "HunyuanVideo 1.0: tiny video autoencoder for instant live previews; not for final videos."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "HunyuanVideo 1.5: tiny video autoencoder for instant live previews; not for final videos."),  # noqa: E501
    QT_TRANSLATE_NOOP("Registry", "LTX-2: tiny video autoencoder for instant live previews; not for final videos."),  # noqa: E501
)  # fmt: skip


def advice(description: str) -> str:
    """The description in the UI's language when a translation exists."""
    return QCoreApplication.translate(CONTEXT, description) if description else ""
