"""The KL engine (SD1/SDXL, SD3/FLUX.1, the x4 upscaler, and FLUX.2's core).

Our own compact KL autoencoder (:mod:`app.preview.model`) rather than diffusers'
``AutoencoderKL``: it is the same architecture, equal to diffusers within 1e-4 in
fp32 (tests/preview/test_diffusers_equality.py), but leaner - it loads ldm-layout
files without converting keys, updates activations in place, and tiles with a
memory plan - and it runs without diffusers installed. Measured in
benchmarks/decode.py against diffusers on the same weights.

The engine keeps the file's own weights (ldm layout, file dtype, on CPU) and
builds the module for the precision asked, so a fallback from fp16 to fp32
starts from the original weights rather than from already-rounded ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import torch

from app.core.errors import UserError
from app.core.inspection.records import FAMILY_SD1_OR_SDXL
from app.core.tasks import CancelToken, ProgressCallback
from app.preview.arch import VaeConfig, infer_config
from app.preview.device import free_bytes
from app.preview.engines.base import DECODE, Outcome, PreviewEngine
from app.preview.families import LatentFamily, is_ambiguous
from app.preview.keys import check_keys, to_ldm_layout
from app.preview.memory import choose_plan
from app.preview.model import KLAutoencoder
from app.preview.tiling import TilePlan, run_tiled

__all__ = ["Outcome", "VaeEngine"]

MEMORY_HEADROOM = 0.8  # use at most this share of what is free
TileChoice = str | TilePlan  # "auto" | "on" | "off" | an explicit plan


class VaeEngine(PreviewEngine):
    """One loaded KL VAE on one device; builds the module for each precision asked."""

    can_tile = True

    def __init__(
        self,
        weights: Mapping[str, torch.Tensor],
        device: torch.device,
        *,
        channels_last: bool | None = None,
        family: str = "unknown",
    ) -> None:
        sd = to_ldm_layout(weights)
        self.config: VaeConfig = infer_config(sd)
        with torch.device("meta"):
            skeleton = KLAutoencoder(self.config)
        check_keys({k: v.shape for k, v in skeleton.state_dict().items()}, sd)
        self._weights = sd
        self.device = device
        self.family = family
        self.latent_channels = self.config.latent_channels
        self.downscale = self.config.downscale
        self.has_encoder = self.config.has_encoder
        # NCHW by default everywhere: on an H100 in bf16, NHWC (channels-last) measured
        # 1.25-1.5x slower than NCHW because GroupNorm converts layouts back and forth
        # (benchmarks/decode.py --layouts). The option stays for other GPUs.
        self.channels_last = bool(channels_last)
        self._model: KLAutoencoder | None = None

    @classmethod
    def from_file(cls, path: Path, device: torch.device, family: str = "unknown") -> VaeEngine:
        """Load through the app's one safe loader (never a bare torch.load)."""
        from app.core.inspection import load_state_dict

        return cls(load_state_dict(path, device="cpu"), device, family=family)

    @property
    def encoder_weights(self) -> Mapping[str, torch.Tensor]:
        """The encoder and quant conv: what decides the latent an image gets."""
        return {k: v for k, v in self._weights.items() if k.startswith(("encoder.", "quant_conv."))}

    def use_family(self, family: str, conventions: LatentFamily) -> None:
        """Adopt the family the service settled on (SD1 vs SDXL cannot be read from shapes)."""
        self.family, self.scaling = family, conventions

    def unscale(self, latent: torch.Tensor) -> torch.Tensor:
        """``z / scale + shift``; refused for SD3-or-FLUX.1, whose scale and shift differ."""
        if is_ambiguous(self.family) and self.family != FAMILY_SD1_OR_SDXL:
            raise UserError(
                f"This VAE could be SD3 or Flux ({self.family}), whose latent scale and shift "
                "differ; to undo the scaling, name the family: family=sd3 or family=flux1 "
                "(--family)."
            )
        return super().unscale(latent)

    def model(self, dtype: torch.dtype) -> KLAutoencoder:
        """The module in ``dtype`` on the engine's device (one cached at a time)."""
        current = self._model
        if current is not None and current.decoder.conv_in.weight.dtype == dtype:
            return current
        self._model = None  # free the old copy before building the new one
        with torch.device("meta"):
            model = KLAutoencoder(self.config)
        model.load_state_dict(self._weights, strict=True, assign=True)
        model = model.to(device=self.device, dtype=dtype).eval().requires_grad_(False)
        if self.channels_last:
            model = model.to(memory_format=torch.channels_last)
        self._model = model
        return model

    def _run_once(
        self,
        kind: str,
        x: torch.Tensor,
        dtype: torch.dtype,
        tile: object,
        progress: ProgressCallback,
        cancel: CancelToken | None,
    ) -> tuple[torch.Tensor, bool]:
        model = self.model(dtype)
        fn: Callable[[torch.Tensor], torch.Tensor] = (
            model.decode if kind == DECODE else model.encode
        )
        step = self.config.downscale
        in_scale, out_scale = (1, step) if kind == DECODE else (step, 1)
        plan = self._plan(kind, x.shape[-2] // in_scale, x.shape[-1] // in_scale, dtype, tile)
        x = x.to(device=self.device, dtype=dtype)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        with torch.inference_mode():
            if plan is None:
                progress(0, 1)
                result = fn(x).float()
                progress(1, 1)
            else:
                result = run_tiled(
                    fn,
                    x,
                    plan,
                    in_scale=in_scale,
                    out_scale=out_scale,
                    progress=progress,
                    cancel=cancel,
                )
        return result.cpu().contiguous(), plan is not None

    def _plan(
        self, kind: str, height: int, width: int, dtype: torch.dtype, tile: object
    ) -> TilePlan | None:
        if isinstance(tile, TilePlan):
            return tile if max(height, width) > tile.tile else None
        if tile == "off":
            return None
        size = torch.tensor([], dtype=dtype).element_size()
        budget = int(free_bytes(self.device) * MEMORY_HEADROOM)
        return choose_plan(self.config, kind, height, width, size, budget, tile)
