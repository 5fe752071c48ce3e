"""Recognise TAESD tiny-autoencoder weights (vae-registry.md §2.7).

TAESD files are bare ``nn.Sequential`` state dicts: the decoder starts with
``1.weight`` [64, latent, 3, 3] followed by ``3.conv.0.weight`` blocks; the encoder starts
with ``0.weight`` [64, 3, 3, 3] and ends with ``14.weight`` [latent, 64, 3, 3]. ComfyUI's
combined dict prefixes them with ``taesd_decoder.`` / ``taesd_encoder.``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.core.inspection.records import TensorInfo

_DECODER_PREFIXES = ("", "taesd_decoder.")
_ENCODER_PREFIXES = ("", "taesd_encoder.")


@dataclass(frozen=True)
class TaesdParts:
    """Which halves a TAESD file holds and its latent channel count."""

    latent_channels: int
    has_encoder: bool
    has_decoder: bool

    @property
    def what(self) -> str:
        """'decoder', 'encoder' or 'encoder and decoder'."""
        halves = [
            h for h, ok in (("encoder", self.has_encoder), ("decoder", self.has_decoder)) if ok
        ]
        return " and ".join(halves)


def taesd_parts(tensors: Mapping[str, TensorInfo]) -> TaesdParts | None:
    """Return what TAESD parts ``tensors`` hold, or None if they are not TAESD."""
    dec = _decoder_latent(tensors)
    enc = _encoder_latent(tensors)
    latent = dec if dec is not None else enc
    if latent is None:
        return None
    return TaesdParts(
        latent_channels=latent,
        has_encoder=enc is not None,
        has_decoder=dec is not None,
    )


def _decoder_latent(tensors: Mapping[str, TensorInfo]) -> int | None:
    for prefix in _DECODER_PREFIXES:
        first = tensors.get(f"{prefix}1.weight")
        if first is not None and len(first.shape) == 4 and f"{prefix}3.conv.0.weight" in tensors:
            return first.shape[1]
    return None


def _encoder_latent(tensors: Mapping[str, TensorInfo]) -> int | None:
    for prefix in _ENCODER_PREFIXES:
        first = tensors.get(f"{prefix}0.weight")
        last = tensors.get(f"{prefix}14.weight")
        if (
            first is not None
            and last is not None
            and len(first.shape) == 4
            and first.shape[1] == 3
            and f"{prefix}1.conv.0.weight" in tensors
        ):
            return last.shape[0]
    return None
