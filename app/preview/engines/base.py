"""What every preview engine offers, and the NaN/Inf precision fallback they share.

An engine is one loaded VAE of one family on one device. It decodes latents in
its *native* form (what its decoder takes: the raw VAE latent for most families,
the diffusion model's latent for TAESD-class decoders) and encodes images in
[-1, 1] to that same form; :mod:`app.preview.latent_forms` turns a user's latent
file into the native form or refuses it, naming both families.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

import torch

from app.core.errors import OutOfMemory, UserError
from app.core.inspection.vae_families import display_name
from app.core.tasks import CancelToken, ProgressCallback, no_progress
from app.preview.device import DTYPE_NAMES, fallback_dtype
from app.preview.latent_forms import as_image_latent, as_video_latent, refuse_channels

DECODE, ENCODE = "decode", "encode"


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


class PreviewEngine(ABC):
    """One loaded VAE; subclasses say how to run it once in one precision."""

    family: str  # family id (app.core.inspection.vae_families)
    latent_channels: int  # channels of the native latent
    downscale: int  # pixels per latent cell along one axis
    has_encoder: bool
    video: bool = False  # a video VAE run on one frame (native latents are 5-D)
    can_tile: bool = False
    device: torch.device
    scaling: object | None = None  # .to_raw(latent): the diffusion model's space to raw
    missing_encoder = (
        "has no encoder (decoder only), so it cannot encode the test card or an image; "
        "open a latent file instead."
    )

    @property
    def family_name(self) -> str:
        """The family as users know it ("FLUX.2", "Wan 2.1", ...)."""
        return display_name(self.family)

    @property
    def encoder_weights(self) -> Mapping[str, torch.Tensor]:
        """The tensors that decide what the encoder produces (for :meth:`digest`)."""
        return {}

    def digest(self) -> str:
        """BLAKE2b of the encoder's weights (names, dtypes, shapes, bytes).

        Identifies an encoder by content, whatever file or layout it came in, so
        cached sample latents survive renames and re-downloads.
        """
        digest = hashlib.blake2b(digest_size=16)
        digest.update(self.family.encode())
        weights = self.encoder_weights
        for key in sorted(weights):
            tensor = weights[key].detach().contiguous()
            digest.update(f"{key}:{tensor.dtype}:{tuple(tensor.shape)};".encode())
            digest.update(tensor.reshape(-1).view(torch.uint8).numpy().data)
        return digest.hexdigest()

    def native_latent(self, latent: torch.Tensor, *, scaled: bool, name: str) -> torch.Tensor:
        """A user's latent (raw, or the model's if ``scaled``) in the form :meth:`decode` takes."""
        if self.video:
            latent = as_video_latent(latent)
        else:
            latent = as_image_latent(latent, name, self.family_name)
        if latent.shape[1] != self.latent_channels:
            raise refuse_channels(latent.shape[1], name, self.family_name, (self.latent_channels,))
        return self.unscale(latent) if scaled else latent

    def unscale(self, latent: torch.Tensor) -> torch.Tensor:
        """The diffusion model's latent back to the raw VAE latent this engine decodes."""
        if self.scaling is None:
            raise UserError(
                f"The app knows no latent scaling for {self.family_name}; give the raw VAE "
                "latent (leave out --scaled)."
            )
        return self.scaling.to_raw(latent)  # type: ignore[attr-defined]  # duck-typed

    def decode(
        self,
        latent: torch.Tensor,
        *,
        dtype: torch.dtype,
        tile: object = "auto",
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> Outcome:
        """Native latent (N, C, h, w), or (N, C, T, h, w) for video, to (N, 3, H, W) in ~[-1, 1]."""
        if latent.shape[1] != self.latent_channels:
            raise UserError(
                f"The latent has {latent.shape[1]} channels but this {self.family_name} VAE "
                f"takes {self.latent_channels}."
            )
        return self._with_fallback(DECODE, latent, dtype, tile, progress, cancel)

    def encode(
        self,
        image: torch.Tensor,
        *,
        dtype: torch.dtype,
        tile: object = "auto",
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> Outcome:
        """Image (N, 3, H, W) in [-1, 1], sides multiples of :attr:`downscale`, to its latent."""
        if not self.has_encoder:
            raise UserError(f"This {self.family_name} file {self.missing_encoder}")
        step = self.downscale
        if image.shape[-1] % step or image.shape[-2] % step:
            raise UserError(f"Image sides must be multiples of {step} to encode.")
        return self._with_fallback(ENCODE, image, dtype, tile, progress, cancel)

    def _with_fallback(
        self,
        kind: str,
        x: torch.Tensor,
        dtype: torch.dtype,
        tile: object,
        progress: ProgressCallback,
        cancel: CancelToken | None,
    ) -> Outcome:
        if tile == "on" and not self.can_tile:
            raise UserError(f"Tiled decoding is not available for {self.family_name} VAEs.")
        reasons: list[str] = []
        while True:
            if cancel is not None:
                cancel.raise_if_cancelled()
            result, tiled = self._run_out_of_memory_as_user_error(
                kind, x, dtype, tile, progress, cancel
            )
            if torch.isfinite(result).all():
                reason = " ".join(reasons) or None
                return Outcome(result, dtype, bool(reasons), reason, tiled)
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

    def _run_out_of_memory_as_user_error(self, kind, x, dtype, tile, progress, cancel):
        """:meth:`_run_once`, with running out of memory told as a user error, not a bug."""
        try:
            return self._run_once(kind, x, dtype, tile, progress, cancel)
        except (torch.cuda.OutOfMemoryError, RuntimeError) as exc:
            text = str(exc).lower()
            oom = any(m in text for m in ("out of memory", "can't allocate", "not enough memory"))
            if not (isinstance(exc, torch.cuda.OutOfMemoryError) or oom):
                raise
            failure = self._out_of_memory(kind, x)
        if self.device.type == "cuda":  # outside the except: the traceback held the tensors
            torch.cuda.empty_cache()
        raise failure

    def _out_of_memory(self, kind: str, x: torch.Tensor) -> OutOfMemory:
        """The sentence: which device, what size, and the three ways to make it fit."""
        height, width = int(x.shape[-2]), int(x.shape[-1])
        if kind == DECODE:
            height, width = height * self.downscale, width * self.downscale
        what = "latent" if kind == DECODE else "image"
        tiles = ", tiles (--tile on)" if self.can_tile else ""
        if self.device.type == "cpu":
            return OutOfMemory(
                f"The computer ran out of memory for this {self.family_name} {kind} at "
                f"{width}x{height} pixels; try a smaller {what}{tiles}, or close other programs."
            )
        return OutOfMemory(
            f"The GPU ({self.device.type}) ran out of memory for this {self.family_name} {kind} "
            f"at {width}x{height} pixels; try a smaller {what}{tiles}, or the CPU (--device cpu)."
        )

    @abstractmethod
    def _run_once(
        self,
        kind: str,
        x: torch.Tensor,
        dtype: torch.dtype,
        tile: object,
        progress: ProgressCallback,
        cancel: CancelToken | None,
    ) -> tuple[torch.Tensor, bool]:
        """One decode or encode in ``dtype``: (float32 CPU result, whether it was tiled)."""


def run_module(
    fn, x: torch.Tensor, device: torch.device, dtype: torch.dtype, progress: ProgressCallback
) -> torch.Tensor:
    """Run ``fn`` on ``x`` moved to the device and precision, under inference mode."""
    progress(0, 1)
    with torch.inference_mode():
        result = fn(x.to(device=device, dtype=dtype)).float()
    progress(1, 1)
    return result.cpu().contiguous()
