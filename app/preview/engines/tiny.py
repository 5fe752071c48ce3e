"""TAESD-class tiny decoders (taesd, taesdxl, taesd3, taef1, taef2): instant previews.

These are what the UIs' live previews use, so a preview here looks like theirs.
diffusers' ``AutoencoderTiny`` implements the architecture exactly (madebyollin/taesd
``taesd.py``); this module maps the files users have onto it:

- madebyollin's bare ``nn.Sequential`` files (``taesd_decoder.pth``: ``1.weight``,
  ``3.conv.0.weight`` ...; the decoder's ``0`` is a weightless Clamp, which diffusers'
  ``DecoderTiny`` applies in ``forward``, so decoder index N is diffusers' N - 1);
- ComfyUI's combined ``taesd_decoder.``/``taesd_encoder.`` dict (with ``vae_scale``/
  ``vae_shift``, which ComfyUI sets from the family and this module ignores);
- diffusers' own ``decoder.layers.N``/``encoder.layers.N``.

TAEF2 adds a pooled GroupNorm branch (``N.pool``) to some blocks (madebyollin/taesd
``taesd.py`` @5cccb12, ``Block(use_midblock_gn=True)``: ``x + pool(x)`` before the
block); diffusers has no such option, so :class:`PooledBlock` adds it to diffusers'
block. A TAESD decoder takes the diffusion model's latent (ComfyUI's
``latent_preview.py`` feeds it the sampler's latent as is).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import torch
from torch import nn

from app.core.errors import UserError
from app.preview.engines.diffusers_support import (
    DiffusersEngine,
    autoencoder,
    build_model,
    diffusers_class,
)
from app.preview.families import LatentFamily
from app.preview.latent_forms import as_image_latent, refuse_channels, unpack_2x2

TINY_FAMILIES = ("taesd", "taesdxl", "taesd3", "taef1", "taef2")
_SEQUENTIAL = re.compile(r"^(\d+)\.(.+)$")
_COMFY_EXTRAS = ("vae_scale", "vae_shift")
_FLUX2_PACKED = 128  # FLUX.2's model-space latent: 32 channels packed 2x2


class PooledBlock(nn.Module):
    """diffusers' ``AutoencoderTinyBlock`` with TAEF2's pooled branch ``x + pool(x)`` first."""

    def __init__(self, block: nn.Module, channels: int) -> None:
        super().__init__()
        self.conv = block.get_submodule("conv")
        self.skip = block.get_submodule("skip")
        self.fuse = block.get_submodule("fuse")
        wide = channels * 4
        self.pool = nn.Sequential(
            nn.Conv2d(channels, wide, 1, bias=False),
            nn.GroupNorm(4, wide),
            nn.ReLU(inplace=True),
            nn.Conv2d(wide, channels, 1, bias=False),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.pool(x)
        return self.fuse(self.conv(x) + self.skip(x))


def to_diffusers_layout(sd: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Any TAESD layout to diffusers ``AutoencoderTiny`` names (see the module docstring)."""
    sd = {k: v for k, v in sd.items() if k not in _COMFY_EXTRAS}
    if any(k.startswith(("decoder.layers.", "encoder.layers.")) for k in sd):
        return dict(sd)
    out: dict[str, torch.Tensor] = {}
    bare_is_decoder = "1.weight" in sd and "3.conv.0.weight" in sd
    for key, value in sd.items():
        side, rest = _side(key, bare_is_decoder)
        match = _SEQUENTIAL.match(rest)
        if side is None or match is None:
            out[key] = value  # reported as unexpected by the strict load
            continue
        index = int(match[1]) - (1 if side == "decoder" else 0)
        out[f"{side}.layers.{index}.{match[2]}"] = value
    return out


def _side(key: str, bare_is_decoder: bool) -> tuple[str | None, str]:
    for prefix, side in (("taesd_decoder.", "decoder"), ("taesd_encoder.", "encoder")):
        if key.startswith(prefix):
            return side, key[len(prefix) :]
    if _SEQUENTIAL.match(key):
        return ("decoder" if bare_is_decoder else "encoder"), key
    return None, key


def pooled_layers(sd: Mapping[str, torch.Tensor], side: str) -> tuple[int, ...]:
    """Indices of the ``side`` layers that carry a TAEF2 pool branch."""
    found = {int(k.split(".")[2]) for k in sd if k.startswith(f"{side}.layers.") and ".pool." in k}
    return tuple(sorted(found))


class TinyEngine(DiffusersEngine):
    """A TAESD-class decoder (and encoder, when the file or its sibling has one)."""

    def __init__(
        self,
        weights: Mapping[str, torch.Tensor],
        device: torch.device,
        *,
        family: str,
        conventions: LatentFamily | None,
    ) -> None:
        sd = to_diffusers_layout(weights)
        has_decoder = any(k.startswith("decoder.") for k in sd)
        has_encoder = any(k.startswith("encoder.") for k in sd)
        if not has_decoder:
            raise UserError(
                "This TAESD file holds only the encoder; previews need the decoder "
                "(taesd_decoder.pth and its siblings)."
            )
        if "decoder.layers.0.weight" not in sd:
            raise UserError("This TAESD decoder has no first convolution (1.weight).")
        channels = int(sd["decoder.layers.0.weight"].shape[1])
        cls = diffusers_class("AutoencoderTiny", family)
        drop = () if has_encoder else ("encoder",)

        def factory() -> nn.Module:
            return _build(cls, sd, channels, drop, family)

        factory()  # check the keys now: a wrong file fails at load, not at first decode
        super().__init__(
            factory,
            device,
            family=family,
            latent_channels=channels,
            downscale=8,
            has_encoder=has_encoder,
            encoder_weights={k: v for k, v in sd.items() if k.startswith("encoder.")},
        )
        self.conventions = conventions

    def encode_fn(self, model: nn.Module):
        return lambda x: autoencoder(model).encode(x).latents

    def native_latent(self, latent: torch.Tensor, *, scaled: bool, name: str) -> torch.Tensor:
        """The diffusion model's latent, from a raw VAE latent or an already scaled one."""
        latent = as_image_latent(latent, name, self.family_name)
        if self.family == "taef2":
            return self._flux2_latent(latent, scaled, name)
        if latent.shape[1] != self.latent_channels:
            raise refuse_channels(latent.shape[1], name, self.family_name, (self.latent_channels,))
        if scaled:
            return latent
        if self.conventions is None:
            raise UserError(
                "This 16-channel TAESD decoder could be taesd3 (SD3) or taef1 (FLUX.1), whose "
                "latent scale and shift differ, and its name does not say which: name the "
                "family (--family sd3 or flux1), or give a latent in the diffusion model's "
                "space (--scaled)."
            )
        return (latent - self.conventions.shift) * self.conventions.scale

    def _flux2_latent(self, latent: torch.Tensor, scaled: bool, name: str) -> torch.Tensor:
        if latent.shape[1] == _FLUX2_PACKED:
            return unpack_2x2(latent)  # ComfyUI's FLUX.2 latent: normalised, packed
        if latent.shape[1] == self.latent_channels and scaled:
            return latent
        if latent.shape[1] == self.latent_channels:
            raise UserError(
                f"{name} is a raw 32-channel FLUX.2 VAE latent; TAEF2 decodes the normalised "
                "latent the diffusion model sees, and the statistics that normalise it live in "
                "the full FLUX.2 VAE. Decode it with that VAE, or give the 128-channel latent "
                "ComfyUI saves."
            )
        raise refuse_channels(latent.shape[1], name, self.family_name, (_FLUX2_PACKED, 32))


def _build(cls, sd, channels: int, drop: tuple[str, ...], family: str) -> nn.Module:
    pooled = {side: pooled_layers(sd, side) for side in ("encoder", "decoder")}

    def add_pools(model: nn.Module) -> None:  # TAEF2: pool branches where the file has them
        for side, indices in pooled.items():
            layers = getattr(model, side).layers
            for index in indices:
                layers[index] = PooledBlock(layers[index], layers[index].conv[0].in_channels)

    config = {"latent_channels": channels}
    return build_model(cls, config, sd, family=family, drop=drop, adapt=add_pools)
