"""Load a VAE once, then decode/encode with automatic tiling and NaN/Inf fallback.

The engine keeps the file's own weights (ldm layout, file dtype, on CPU) and
builds the module for the precision asked, so a fallback from fp16 to fp32
starts from the original weights rather than from already-rounded ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import torch

from app.core.errors import UserError
from app.core.tasks import CancelToken, ProgressCallback, no_progress
from app.preview.arch import VaeConfig, infer_config
from app.preview.device import DTYPE_NAMES, fallback_dtype, free_bytes
from app.preview.keys import check_keys, to_ldm_layout
from app.preview.memory import choose_plan
from app.preview.model import KLAutoencoder
from app.preview.tiling import TilePlan, run_tiled

MEMORY_HEADROOM = 0.8  # use at most this share of what is free
TileChoice = str | TilePlan  # "auto" | "on" | "off" | an explicit plan


@dataclass(frozen=True)
class Outcome:
    """A decode/encode result (float32, CPU) and how it was obtained."""

    tensor: torch.Tensor
    dtype: torch.dtype
    fell_back: bool
    fallback_reason: str | None
    tiled: bool

    @property
    def dtype_name(self) -> str:
        """'fp32', 'fp16' or 'bf16'."""
        return DTYPE_NAMES[self.dtype]


class VaeEngine:
    """One loaded VAE on one device; builds the module for each precision asked."""

    def __init__(
        self,
        weights: Mapping[str, torch.Tensor],
        device: torch.device,
        *,
        channels_last: bool | None = None,
    ) -> None:
        sd = to_ldm_layout(weights)
        self.config: VaeConfig = infer_config(sd)
        with torch.device("meta"):
            skeleton = KLAutoencoder(self.config)
        check_keys({k: v.shape for k, v in skeleton.state_dict().items()}, sd)
        self._weights = sd
        self.device = device
        # NCHW by default everywhere: on an H100 in bf16, NHWC (channels-last) measured
        # 1.25-1.5x slower than NCHW because GroupNorm converts layouts back and forth
        # (benchmarks/decode.py --layouts). The option stays for other GPUs.
        self.channels_last = bool(channels_last)
        self._model: KLAutoencoder | None = None

    @classmethod
    def from_file(cls, path: Path, device: torch.device) -> VaeEngine:
        """Load through the app's one safe loader (never a bare torch.load)."""
        from app.core.inspection import load_state_dict

        return cls(load_state_dict(path, device="cpu"), device)

    @property
    def latent_channels(self) -> int:
        """Channels of the latents this VAE decodes (4 for SD1/SDXL, 16 for SD3/Flux)."""
        return self.config.latent_channels

    def digest(self, prefixes: tuple[str, ...] = ("encoder.", "quant_conv.")) -> str:
        """BLAKE2b of the weights under ``prefixes`` (names, dtypes, shapes, bytes).

        Identifies an encoder by content, whatever file or layout it came in,
        so cached sample latents survive renames and re-downloads.
        """
        digest = hashlib.blake2b(digest_size=16)
        for key in sorted(k for k in self._weights if k.startswith(prefixes)):
            tensor = self._weights[key].detach().contiguous()
            digest.update(f"{key}:{tensor.dtype}:{tuple(tensor.shape)};".encode())
            digest.update(tensor.view(-1).view(torch.uint8).numpy())
        return digest.hexdigest()

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

    def decode(
        self,
        latent: torch.Tensor,
        *,
        dtype: torch.dtype,
        tile: TileChoice = "auto",
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> Outcome:
        """Raw VAE latent (N, C, h, w) to image (N, 3, 8h, 8w) in about [-1, 1], float32 CPU."""
        if latent.shape[1] != self.latent_channels:
            raise UserError(
                f"The latent has {latent.shape[1]} channels but this VAE takes "
                f"{self.latent_channels}."
            )
        return self._run("decode", latent, dtype, tile, progress, cancel)

    def encode(
        self,
        image: torch.Tensor,
        *,
        dtype: torch.dtype,
        tile: TileChoice = "auto",
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> Outcome:
        """Image (N, 3, H, W) in [-1, 1], H and W multiples of 8, to the latent mean."""
        if not self.config.has_encoder:
            raise UserError(
                "This VAE file has no encoder (decoder-only), so it cannot encode images; "
                "open a latent file instead."
            )
        step = self.config.downscale
        if image.shape[-1] % step or image.shape[-2] % step:
            raise UserError(f"Image sides must be multiples of {step} to encode.")
        return self._run("encode", image, dtype, tile, progress, cancel)

    def _run(
        self,
        kind: str,
        x: torch.Tensor,
        dtype: torch.dtype,
        tile: TileChoice,
        progress: ProgressCallback,
        cancel: CancelToken | None,
    ) -> Outcome:
        reasons: list[str] = []
        while True:
            result, plan = self._run_once(kind, x, dtype, tile, progress, cancel)
            if torch.isfinite(result).all():
                reason = " ".join(reasons) or None
                return Outcome(result, dtype, bool(reasons), reason, plan is not None)
            retry = fallback_dtype(dtype, self.device)
            if retry is None:
                raise UserError(
                    f"The {kind} produced NaN/Inf values even in fp32: the VAE's weights are "
                    "probably damaged (try `inspect --check-nan`)."
                )
            reasons.append(
                f"The {DTYPE_NAMES[dtype]} {kind} produced NaN/Inf values (activations "
                f"overflowed); it was redone in {DTYPE_NAMES[retry]}."
            )
            dtype = retry

    def _run_once(
        self,
        kind: str,
        x: torch.Tensor,
        dtype: torch.dtype,
        tile: TileChoice,
        progress: ProgressCallback,
        cancel: CancelToken | None,
    ) -> tuple[torch.Tensor, TilePlan | None]:
        if cancel is not None:
            cancel.raise_if_cancelled()
        model = self.model(dtype)
        fn: Callable[[torch.Tensor], torch.Tensor] = (
            model.decode if kind == "decode" else model.encode
        )
        step = self.config.downscale
        in_scale, out_scale = (1, step) if kind == "decode" else (step, 1)
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
        return result.cpu().contiguous(), plan

    def _plan(
        self, kind: str, height: int, width: int, dtype: torch.dtype, tile: TileChoice
    ) -> TilePlan | None:
        if isinstance(tile, TilePlan):
            return tile if max(height, width) > tile.tile else None
        if tile == "off":
            return None
        size = torch.tensor([], dtype=dtype).element_size()
        budget = int(free_bytes(self.device) * MEMORY_HEADROOM)
        return choose_plan(self.config, kind, height, width, size, budget, tile)
