"""The preview service the CLI (``main.py preview``) and the GUI call.

One call loads a VAE as its family's engine (:mod:`app.preview.loading`), gets a
latent (a file, an encoded image, or the encoded test card), decodes it with
tiling and NaN fallback as needed, measures the round trip, and optionally
writes the image. Conventions:

- A latent file holds the raw VAE latent. ``scaled=True`` says it is in the
  diffusion model's space; the family's scaling is undone first (``z / scale +
  shift`` for SD-style families, per-channel statistics for Wan). A latent of
  another family is refused with both families named
  (:mod:`app.preview.latent_forms`).
- Family: ``request.family`` if given, else what inspection reports. A
  4-channel VAE that could be SD1 or SDXL uses SD1's numbers; a 16-channel one
  that could be SD3 or Flux refuses ``scaled=True`` until the family is named,
  because their scale and shift differ. The same holds for TAESD decoders.
- ``seconds`` is the decode alone (not loading or encoding).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from app.core.errors import UserError
from app.core.inspection.records import FAMILY_SD1_OR_SDXL, FAMILY_SDXL
from app.core.tasks import CancelToken, ProgressCallback, no_progress
from app.preview.device import resolve_device, resolve_dtype
from app.preview.engine import VaeEngine
from app.preview.engines.base import Outcome, PreviewEngine
from app.preview.families import resolve_family
from app.preview.images import write_png
from app.preview.latent_io import read_latent
from app.preview.loading import open_engine
from app.preview.metrics import psnr, ssim
from app.preview.sample import image_to_tensor, sample_latent, tensor_to_image
from app.preview.sources import load_image

OUTPUT_SUFFIXES = (".png", ".npy")
TILE_MODES = ("auto", "on", "off")


@dataclass(frozen=True)
class PreviewRequest:
    """What to preview; see the module docstring for the latent conventions."""

    vae_path: Path
    latent_path: Path | None = None
    scaled: bool = False
    image_path: Path | None = None
    out_path: Path | None = None
    device: str = "auto"  # auto | cpu | cuda | mps
    dtype: str = "auto"  # auto | fp32 | fp16 | bf16
    tile: str = "auto"  # auto | on | off
    family: str = "auto"  # auto | sd1 | sdxl | sd3 | flux1 (SD-style VAEs and TAESD decoders)


@dataclass(frozen=True, eq=False)  # eq would compare numpy arrays, which has no truth value
class PreviewResult:
    """The decoded image (H, W, 3) float32 in [0, 1] and how it was made."""

    image: np.ndarray = field(repr=False)
    device: str
    dtype: str
    seconds: float
    psnr: float | None
    ssim: float | None
    fell_back: bool
    fallback_reason: str | None
    tiled: bool
    family: str
    out: str | None
    family_name: str = ""
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """Everything but the pixels; PSNR of identical images is reported as the string 'inf'."""
        height, width = self.image.shape[:2]
        value = self.psnr
        return {
            "width": width,
            "height": height,
            "device": self.device,
            "dtype": self.dtype,
            "seconds": round(self.seconds, 3),
            "psnr": "inf" if value is not None and math.isinf(value) else value,
            "ssim": self.ssim,
            "fell_back": self.fell_back,
            "fallback_reason": self.fallback_reason,
            "tiled": self.tiled,
            "family": self.family,
            "family_name": self.family_name,
            "notes": list(self.notes),
            "out": self.out,
        }


def run_preview(
    request: PreviewRequest,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> PreviewResult:
    """Decode (and for images, round-trip) with the requested VAE; raises UserError."""
    _validate(request)
    device = resolve_device(request.device)
    dtype = resolve_dtype(request.dtype, device)
    stages = _Stages(progress, cancel)
    stages.advance(0)
    engine = _open(request, device)
    stages.advance(10)
    latent, reference, encoded, notes = _source(request, engine, dtype, stages)
    started = time.perf_counter()
    decoded = engine.decode(
        latent, dtype=dtype, tile=request.tile, progress=stages.sub(40, 100), cancel=cancel
    )
    seconds = time.perf_counter() - started
    image = tensor_to_image(decoded.tensor)
    out = _write_output(request.out_path, image) if request.out_path else None
    reasons = [o.fallback_reason for o in (encoded, decoded) if o and o.fallback_reason]
    return PreviewResult(
        image=image,
        device=str(device),
        dtype=decoded.dtype_name,
        seconds=seconds,
        psnr=psnr(reference, image) if reference is not None else None,
        ssim=ssim(reference, image) if reference is not None else None,
        fell_back=bool(reasons),
        fallback_reason=_with_hint(" ".join(reasons), engine.family) if reasons else None,
        tiled=decoded.tiled or bool(encoded and encoded.tiled),
        family=engine.family,
        out=out,
        family_name=engine.family_name,
        notes=notes,
    )


def _open(request: PreviewRequest, device) -> PreviewEngine:
    """The family's engine; SD-style KL VAEs also settle SD1 vs SDXL, SD3 vs FLUX.1 here."""
    detected = _detected_family(request.vae_path)
    engine = open_engine(request.vae_path, device, detected, override=request.family)
    if type(engine) is VaeEngine:  # the plain KL engine (FLUX.2 knows its own family)
        engine.use_family(*resolve_family(request.family, detected, engine.latent_channels))
    return engine


def _validate(request: PreviewRequest) -> None:
    if not Path(request.vae_path).exists():
        raise UserError(f"VAE not found: {request.vae_path}")
    if request.latent_path is not None and request.image_path is not None:
        raise UserError("Give a latent or an image, not both.")
    if request.scaled and request.latent_path is None:
        raise UserError("'scaled' applies to latent files only.")
    if request.tile not in TILE_MODES:
        raise UserError(f"Unknown tiling mode '{request.tile}': use auto, on or off.")
    suffix = Path(request.out_path).suffix.lower() if request.out_path else None
    if suffix is not None and suffix not in OUTPUT_SUFFIXES:
        raise UserError("The output must be a .png image or a .npy float32 array.")


def _source(
    request: PreviewRequest, engine: PreviewEngine, dtype: torch.dtype, stages: _Stages
) -> tuple[torch.Tensor, np.ndarray | None, Outcome | None, tuple[str, ...]]:
    """The native latent to decode, the reference image if any, the encode outcome, notes."""
    if request.latent_path is not None:
        raw = read_latent(request.latent_path)
        latent = engine.native_latent(raw, scaled=request.scaled, name=request.latent_path.name)
        stages.advance(40)
        return latent, None, None, ()
    if request.image_path is not None:
        loaded = load_image(request.image_path, engine.downscale)
        encoded = engine.encode(
            image_to_tensor(loaded.rgb), dtype=dtype, tile=request.tile,
            progress=stages.sub(10, 40), cancel=stages.cancel,
        )  # fmt: skip
        return encoded.tensor, loaded.rgb, encoded, loaded.notes
    latent, card, sampled = sample_latent(
        engine, engine.family, dtype=dtype, tile=request.tile,
        progress=stages.sub(10, 40), cancel=stages.cancel,
    )  # fmt: skip
    return latent, card, sampled, ()


def _write_output(path: Path, image: np.ndarray) -> str:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".npy":
        np.save(path, image.astype(np.float32))
    else:
        write_png(path, image)
    return str(path)


def _detected_family(path: Path) -> str | None:
    """The family inspection reports (registry hash match or shapes), if it can tell."""
    try:
        from app.core.inspection import inspect_path

        return inspect_path(Path(path)).family
    except (ImportError, UserError, OSError):
        return None


def _with_hint(reason: str, family: str) -> str:
    if family == FAMILY_SDXL:
        return reason + (
            " The original SDXL VAE overflows in fp16; the madebyollin sdxl-vae-fp16-fix "
            "variant decodes in fp16 safely."
        )
    if family == FAMILY_SD1_OR_SDXL:
        return reason + (
            " If this is the SDXL VAE, the madebyollin sdxl-vae-fp16-fix variant decodes "
            "in fp16 safely."
        )
    return reason


class _Stages:
    """Maps each stage's own progress onto one 0..100 scale and checks cancellation."""

    def __init__(self, progress: ProgressCallback, cancel: CancelToken | None) -> None:
        self.progress, self.cancel = progress, cancel

    def advance(self, percent: int) -> None:
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()
        self.progress(percent, 100)

    def sub(self, start: int, end: int) -> ProgressCallback:
        def report(done: int, total: int | None) -> None:
            share = done / total if total else 0.0
            self.progress(start + int((end - start) * share), 100)

        return report
