"""The KL engine (SD1/SDXL, SD3/FLUX.1, the x4 upscaler, and FLUX.2's core).

Our own compact KL autoencoder (:mod:`app.preview.model`) rather than diffusers'
``AutoencoderKL``: it is the same architecture, equal to diffusers within 1e-4 in
fp32 (tests/preview/test_diffusers_equality.py), but leaner - it loads ldm-layout
files without converting keys, frees and overwrites activations as soon as they
are used up, upsamples without the x2 copy, runs wide CPU convs by Winograd, and
tiles with a memory plan - and it runs without diffusers installed. Measured in
benchmarks/decode.py against diffusers on the same weights (CPU, fp32, 64x64
latent: about 0.6x the CPU time and 0.55x the memory).

On CUDA a decode runs with cuDNN autotuning, optionally compiled
(:mod:`app.preview.acceleration`); an fp16 decode that overflows is finished in
fp32 from the stage that overflowed (:func:`app.preview.model.run_upcasting`)
instead of being redone whole.

The engine keeps the file's own weights (ldm layout, file dtype, on CPU) and
builds the module for the precision asked, so a fallback from fp16 to fp32
starts from the original weights rather than from already-rounded ones.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path

import torch
from torch import nn

from app.core.errors import UserError
from app.core.inspection.records import FAMILY_SD1_OR_SDXL
from app.core.tasks import CancelToken, ProgressCallback, no_progress
from app.preview.acceleration import backend_flags, compile_mode, compiled, should_compile
from app.preview.arch import VaeConfig, infer_config
from app.preview.device import free_bytes
from app.preview.engines.base import DECODE, Outcome, PreviewEngine
from app.preview.families import LatentFamily, is_ambiguous
from app.preview.keys import check_keys, to_ldm_layout
from app.preview.memory import choose_plan
from app.preview.model import KLAutoencoder, run_upcasting
from app.preview.tiling import TilePlan, run_tiled

__all__ = ["Outcome", "VaeEngine"]

MEMORY_HEADROOM = 0.8  # use at most this share of what is free
TileChoice = str | TilePlan  # "auto" | "on" | "off" | an explicit plan


def default_channels_last(device: torch.device) -> bool:
    """NHWC on CPU, NCHW elsewhere.

    CPU, fp32, SD VAE, 64x64 latent: NHWC is 0.9x the time and 0.7x the memory of
    NCHW (oneDNN convolves NHWC in place, but reorders NCHW into its blocked
    layout and back around every conv). An H100 in bf16 measured NHWC 1.25-1.5x
    slower than NCHW because GroupNorm converts layouts back and forth
    (benchmarks/decode.py --layouts), so GPUs keep NCHW unless asked.
    """
    return device.type == "cpu"


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
        self.channels_last = (
            default_channels_last(device) if channels_last is None else channels_last
        )
        self._model: KLAutoencoder | None = None
        self._compile = compile_mode()
        self._compiled: dict[torch.dtype, Callable[[torch.Tensor], torch.Tensor]] = {}
        self._twins: dict[int, nn.Module] = {}  # fp32 copies of stages that overflowed fp16
        self._upcast_from: str | None = None  # the stage the last fp16 decode upcast at

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
        self._compiled.clear()
        self._twins.clear()
        with torch.device("meta"):
            model = KLAutoencoder(self.config)
        model.load_state_dict(self._weights, strict=True, assign=True)
        model = model.to(device=self.device, dtype=dtype).eval().requires_grad_(False)
        if self.channels_last:
            # Module.to takes memory_format at runtime; torch's overloads leave it out.
            model = model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
        self._model = model
        return model

    def decode(
        self,
        latent: torch.Tensor,
        *,
        dtype: torch.dtype,
        tile: object = "auto",
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> Outcome:
        """As :meth:`PreviewEngine.decode`; says so when an fp16 decode finished in fp32."""
        self._upcast_from = None
        outcome = super().decode(latent, dtype=dtype, tile=tile, progress=progress, cancel=cancel)
        if self._upcast_from is None or outcome.dtype != torch.float16:
            return outcome
        reason = (
            f"The fp16 decode overflowed at {self._upcast_from} (NaN/Inf); from there on it "
            "ran in fp32."
        )
        earlier = f"{outcome.fallback_reason} " if outcome.fallback_reason else ""
        return dataclasses.replace(
            outcome, dtype=torch.float32, fell_back=True, fallback_reason=earlier + reason
        )

    def _function(
        self, kind: str, model: KLAutoencoder, dtype: torch.dtype
    ) -> Callable[[torch.Tensor], torch.Tensor]:
        """Eager, compiled (opt-in, CUDA), or fp16 with an fp32 upcast where it overflows."""
        if kind != DECODE:
            return model.encode
        if should_compile(self.device, self._compile):
            if dtype not in self._compiled:
                from app.core.paths import app_paths

                cache = app_paths().cache_dir / "torch-compile"
                self._compiled[dtype] = compiled(model.decode, self._compile, cache)
            return self._compiled[dtype]
        if dtype == torch.float16:  # bf16 has fp32's range: overflow is fp16's problem
            return lambda latent: self._decode_upcasting(model, latent)
        return model.decode

    def _decode_upcasting(self, model: KLAutoencoder, latent: torch.Tensor) -> torch.Tensor:
        stages = model.decode_stages()
        out, first = run_upcasting(stages, latent, lambda stage: self._fp32_twin(model, stage))
        if first < len(stages) and self._upcast_from is None:
            self._upcast_from = _stage_name(model, stages[first])
        return out

    def _fp32_twin(self, model: KLAutoencoder, stage: nn.Module) -> nn.Module:
        """The stage in fp32 from the file's own weights (not from the rounded fp16 ones)."""
        twin = self._twins.get(id(stage))
        if twin is None:
            prefix = _stage_name(model, stage) + "."
            state = {k[len(prefix) :]: v for k, v in self._weights.items() if k.startswith(prefix)}
            twin = copy.deepcopy(stage)
            twin.load_state_dict(state, strict=True, assign=True)
            twin = twin.to(device=self.device, dtype=torch.float32).requires_grad_(False)
            if self.channels_last:
                twin = twin.to(memory_format=torch.channels_last)  # type: ignore[call-overload]  # as above
            self._twins[id(stage)] = twin
        return twin

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
        fn = self._function(kind, model, dtype)
        step = self.config.downscale
        in_scale, out_scale = (1, step) if kind == DECODE else (step, 1)
        plan = self._plan(kind, x.shape[-2] // in_scale, x.shape[-1] // in_scale, dtype, tile)
        x = x.to(device=self.device, dtype=dtype)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        with torch.inference_mode(), backend_flags(self.device):
            if plan is None:
                progress(0, 1)
                result = fn(x)
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
        # To the CPU first: a half-precision image crosses the bus at half the bytes and
        # the float copy is made once, in RAM (for fp32 on CPU both steps are no-ops).
        return result.cpu().float().contiguous(), plan is not None

    def _plan(
        self, kind: str, height: int, width: int, dtype: torch.dtype, tile: object
    ) -> TilePlan | None:
        if isinstance(tile, TilePlan):
            return tile if max(height, width) > tile.tile else None
        if tile == "off":
            return None
        if not isinstance(tile, str):
            raise TypeError(f"tile is {tile!r}: a TilePlan, 'auto' or 'off'")
        size = torch.tensor([], dtype=dtype).element_size()
        budget = int(free_bytes(self.device) * MEMORY_HEADROOM)
        return choose_plan(self.config, kind, height, width, size, budget, tile)


def _stage_name(model: nn.Module, stage: nn.Module) -> str:
    """The stage's parameter prefix in the model ("decoder.up.1.block.0")."""
    return next(name for name, module in model.named_modules() if module is stage)
