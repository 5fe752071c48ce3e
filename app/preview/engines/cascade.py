"""Stable Cascade's two decoders: stage A (the VQGAN) and the stage C previewer.

Stage A turns stage B's 4-channel latents (1/4 of the image's sides) into pixels;
diffusers implements it exactly as ``PaellaVQModel`` (the deprecated Wuerstchen
package), whose keys equal the original file's except the codebook
(``vquantizer.codebook`` there, ``vquantizer.embedding`` in diffusers). Stage A works
on images in [0, 1] (ComfyUI ``comfy/sd.py`` sets no [-1, 1] mapping for it); the
engine converts. Decoding skips quantisation, as ComfyUI's ``StageA.decode`` and
diffusers' default ``force_not_quantize=True`` do.

The previewer maps a 16-channel stage C latent to an 8x larger preview. diffusers has
no implementation; ComfyUI's (``comfy/ldm/cascade/stage_c_coder.py`` ``Previewer``,
Comfy-Org/ComfyUI @a125cd84) is a plain stack - a 1x1 conv to ``c_hidden``, a 3x3
conv, then three 2x transposed-conv stages (to c_hidden/2, /4, /4) each followed by
a 3x3 conv, every conv followed by GELU and BatchNorm, and a 1x1 conv to RGB - whose
output ``(x - 0.5) * 2`` is the image. :class:`Previewer` builds that stack with the
same indices, so the original keys (``blocks.N``) load as they are. The EfficientNet
encoder that makes stage C latents needs torchvision, which the app does not ship,
so the previewer decodes latent files only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import torch
from torch import nn

from app.core.errors import UserError
from app.preview.engines.base import DECODE, PreviewEngine, run_module
from app.preview.engines.diffusers_support import DiffusersEngine, autoencoder, config_int
from app.preview.families import LatentFamily
from app.preview.keys import check_keys

STAGE_A = "stable-cascade-stage-a"
PREVIEWER_FAMILIES = ("stable-cascade-previewer", "stable-cascade-stage-c-coder")
STAGE_A_SCALING = LatentFamily(STAGE_A, 4, 1.0 / 0.43, 0.0, ())  # ComfyUI latent_formats SC_B
_CODEBOOK = ("vquantizer.codebook.weight", "vquantizer.embedding.weight")
_UP_BLOCK = re.compile(r"^up_blocks\.(\d+)\.(gammas|weight)$")


def stage_a_config(sd: Mapping[str, torch.Tensor]) -> dict[str, object]:
    """``PaellaVQModel`` arguments from the shapes (original or diffusers names)."""
    for key in ("up_blocks.0.0.weight", "out_block.0.weight"):
        if key not in sd:
            raise UserError(f"This Stable Cascade stage A file has no '{key}' tensor.")
    hidden, latent = (int(n) for n in sd["up_blocks.0.0.weight"].shape[:2])
    first = int(sd["out_block.0.weight"].shape[1])  # c_levels[0]
    levels = (hidden // first).bit_length()
    kinds = sorted((int(m[1]), m[2]) for k in sd if (m := _UP_BLOCK.match(k)))
    bottleneck = 0
    for _, kind in kinds:  # residual blocks of the first level, up to the first upsampler
        if kind == "weight":
            break
        bottleneck += 1
    codebook = next((sd[k] for k in _CODEBOOK if k in sd), None)
    return {
        "levels": levels,
        "bottleneck_blocks": bottleneck,
        "embed_dim": hidden,
        "latent_channels": latent,
        "num_vq_embeddings": int(codebook.shape[0]) if codebook is not None else 8192,
        "up_down_scale_factor": int(round((int(sd["out_block.0.weight"].shape[0]) / 3) ** 0.5)),
    }


class StageAEngine(DiffusersEngine):
    """Stage A: 4-channel latents at 1/4 of the sides; images in [0, 1] inside."""

    def __init__(self, weights: Mapping[str, torch.Tensor], device: torch.device) -> None:
        sd = {_CODEBOOK[1] if k == _CODEBOOK[0] else k: v for k, v in weights.items()}
        config = stage_a_config(sd)
        has_encoder = "in_block.1.weight" in sd
        drop: tuple[str, ...] = () if has_encoder else ("in_block", "down_blocks")
        if _CODEBOOK[1] not in sd:
            drop = (*drop, "vquantizer")  # decoding never quantises
        self._load(
            "PaellaVQModel",
            config,
            sd,
            device,
            family=STAGE_A,
            latent_channels=config_int(config, "latent_channels"),
            downscale=config_int(config, "up_down_scale_factor") ** 2,
            has_encoder=has_encoder,
            encoder_prefixes=("in_block", "down_"),
            drop=drop,
        )
        self.scaling = STAGE_A_SCALING

    def decode_fn(self, model: nn.Module):
        return lambda z: autoencoder(model).decode(z).sample * 2.0 - 1.0

    def encode_fn(self, model: nn.Module):
        return lambda x: autoencoder(model).encode((x + 1.0) / 2.0).latents


class Previewer(nn.Module):
    """Stable Cascade's previewer, indices as in ComfyUI (see the module docstring)."""

    def __init__(self, c_in: int = 16, c_hidden: int = 512, c_out: int = 3) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(c_in, c_hidden, kernel_size=1)]
        layers += [nn.GELU(), nn.BatchNorm2d(c_hidden)]
        layers += _conv_stage(c_hidden)
        for c_from, c_to in ((c_hidden, c_hidden // 2), (c_hidden // 2, c_hidden // 4)):
            layers += [
                nn.ConvTranspose2d(c_from, c_to, 2, stride=2),
                nn.GELU(),
                nn.BatchNorm2d(c_to),
            ]
            layers += _conv_stage(c_to)
        last = c_hidden // 4
        layers += [nn.ConvTranspose2d(last, last, 2, stride=2), nn.GELU(), nn.BatchNorm2d(last)]
        layers += _conv_stage(last)
        layers.append(nn.Conv2d(last, c_out, kernel_size=1))
        self.blocks = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (self.blocks(x) - 0.5) * 2.0


def _conv_stage(channels: int) -> list[nn.Module]:
    return [nn.Conv2d(channels, channels, 3, padding=1), nn.GELU(), nn.BatchNorm2d(channels)]


class PreviewerEngine(PreviewEngine):
    """The previewer alone, or the previewer half of a combined effnet + previewer file."""

    downscale = 8
    has_encoder = False
    effnet_needs_torchvision = (
        "holds the EfficientNet encoder too, but it needs torchvision, which the app does not "
        "install, so it cannot encode the test card or an image; open a stage C latent file."
    )

    def __init__(self, weights: Mapping[str, torch.Tensor], device: torch.device, family: str):
        sd = {k[len("previewer.") :]: v for k, v in weights.items() if k.startswith("previewer.")}
        sd = sd or {k: v for k, v in weights.items() if k.startswith("blocks.")}
        if "blocks.0.weight" not in sd:
            raise UserError("This Stable Cascade file has no previewer (blocks.0.weight).")
        c_hidden, c_in = (int(n) for n in sd["blocks.0.weight"].shape[:2])
        last = max(int(k.split(".")[1]) for k in sd if k.endswith(".weight"))
        self._config = (c_in, c_hidden, int(sd[f"blocks.{last}.weight"].shape[0]))
        with torch.device("meta"):
            skeleton = Previewer(*self._config)
        check_keys(
            {k: v.shape for k, v in skeleton.state_dict().items()},
            sd,
            what="Stable Cascade previewer",
            architecture="Stable Cascade's previewer",
        )
        self._weights = sd
        self._model: tuple[torch.dtype, nn.Module] | None = None
        self.device, self.family, self.latent_channels = device, family, c_in
        if any(k.startswith("encoder.") for k in weights):
            self.missing_encoder = self.effnet_needs_torchvision

    def model(self, dtype: torch.dtype) -> nn.Module:
        """The previewer in ``dtype`` on the engine's device (one cached at a time)."""
        if self._model is None or self._model[0] != dtype:
            self._model = None
            with torch.device("meta"):
                model = Previewer(*self._config)
            model.load_state_dict(self._weights, strict=True, assign=True)
            model = model.to(device=self.device, dtype=dtype).eval().requires_grad_(False)
            self._model = (dtype, model)
        return self._model[1]

    def _run_once(self, kind, x, dtype, tile, progress, cancel) -> tuple[torch.Tensor, bool]:
        assert kind == DECODE  # encode() refuses before getting here
        return run_module(self.model(dtype), x, self.device, dtype, progress), False
