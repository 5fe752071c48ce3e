"""Narrow a shape-level verdict with what the file's name, metadata or config say.

Shapes cannot separate some pairs: SD1/SDXL and SD3/FLUX.1 (handled by
:mod:`app.core.inspection.family`), TAESD variants with the same channel count, the
Wan 2.1 and Qwen-Image VAEs, LTX-Video 0.9.7+ and LTX-2, and in diffusers layout the
HunyuanVideo 1.5 and HunyuanImage 2.1 refiner VAEs. A registry hash settles these later
(``app.core.identify.refine_family``); these hints only look at names and configs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.core.inspection import family as kl_family


@dataclass(frozen=True)
class Hints:
    """What besides the tensors may tell a family: metadata, names, config, checkpoint keys."""

    metadata: Mapping[str, str] = field(default_factory=dict)
    names: Sequence[str] = ()
    config: Mapping[str, object] | None = None
    checkpoint_keys: Sequence[str] = ()

    @property
    def class_name(self) -> str:
        """The diffusers ``_class_name`` from a config.json or a ``config.`` metadata copy."""
        raw = (self.config or {}).get("_class_name") or self.metadata.get("config._class_name")
        return str(raw or "")

    def text(self) -> str:
        """The name and metadata fields that name a model, lower-cased.

        Folder names count only when the file name is generic (``vae``, ``diffusion_pytorch
        _model``), as in :func:`app.core.inspection.family.refine`: a folder called
        ``qwen`` says little about ``wan_2.1_vae.safetensors`` inside it.
        """
        names = list(self.names[:1])
        if names and names[0].lower() in kl_family.GENERIC_STEMS:
            names = list(self.names)
        fields = ("modelspec.architecture", "modelspec.title", "ss_base_model_version")
        parts = [*names, *(str(self.metadata.get(f, "")) for f in fields)]
        return " ".join(p for p in parts if p).lower()


def refine_kl(pair: str, hints: Hints) -> tuple[str, str] | None:
    """SD1/SDXL or SD3/FLUX.1 from hints (see :func:`app.core.inspection.family.refine`)."""
    return kl_family.refine(
        pair,
        config=dict(hints.config) if hints.config else None,
        checkpoint_keys=hints.checkpoint_keys,
        metadata=dict(hints.metadata),
        names=hints.names,
    )


_TAESD_NAMES = (
    (re.compile(r"taesdxl"), "taesdxl"),
    (re.compile(r"taesd3"), "taesd3"),
    (re.compile(r"taef1"), "taef1"),
)


def refine_taesd(latent_channels: int | None, hints: Hints) -> tuple[str, str] | None:
    """The TAESD variant (taesdxl, taesd3, taef1) a file name gives, if the channels fit."""
    text = hints.text()
    for pattern, family in _TAESD_NAMES:
        fits = latent_channels == (4 if family == "taesdxl" else 16)
        if fits and pattern.search(text):
            return family, f"the name says {family}"
    return None


def refine_wan(hints: Hints) -> tuple[str, str] | None:
    """Qwen-Image (Wan 2.1 layout with Qwen's weights) from a config class or a name."""
    if hints.class_name == "AutoencoderKLQwenImage":
        return "qwen-image", "diffusers config _class_name AutoencoderKLQwenImage"
    if "qwen" in hints.text():
        return "qwen-image", "the name says Qwen-Image"
    return None


def refine_ltx(hints: Hints) -> tuple[str, str] | None:
    """LTX-2 or LTX-Video 0.9.7+ (one VAE layout) from the config, metadata or name."""
    if hints.class_name == "AutoencoderKLLTX2Video":
        return "ltx2", "diffusers config _class_name AutoencoderKLLTX2Video"
    if hints.class_name == "AutoencoderKLLTXVideo":
        return "ltxv", "diffusers config _class_name AutoencoderKLLTXVideo"
    config = _json(hints.metadata.get("config"))
    if isinstance(config, dict) and ("audio_vae" in config or "vocoder" in config):
        return "ltx2", "its metadata config also describes an audio VAE (only LTX-2 has one)"
    text = hints.text()
    if re.search(r"ltx[-_]?2(?!b)", text):
        return "ltx2", "the name says LTX-2"
    if re.search(r"ltxv|ltx-video|0\.9\.\d", text):
        return "ltxv", "the name says LTX-Video 0.9"
    return None


def refine_hunyuan15(hints: Hints) -> tuple[str, str] | None:
    """The HunyuanImage 2.1 refiner VAE, which shares HunyuanVideo 1.5's diffusers layout."""
    if hints.class_name == "AutoencoderKLHunyuanImageRefiner":
        return "hunyuan-image-2.1-refiner", "diffusers config _class_name says the refiner"
    text = hints.text()
    if "refiner" in text or re.search(r"hunyuan.?image", text):
        return "hunyuan-image-2.1-refiner", "the name says HunyuanImage refiner"
    return None


def _json(raw: str | None) -> object:
    if not raw or len(raw) > 1_000_000:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None
