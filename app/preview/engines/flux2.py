"""FLUX.2's autoencoder: our KL engine plus its BatchNorm latent statistics.

diffusers' ``AutoencoderKLFlux2`` is ``AutoencoderKL``'s encoder and decoder (32 latent
channels, quant convs) plus a ``bn`` BatchNorm2d (affine-free, eps 1e-4) over the
2x2-packed 128-channel latent; the pipeline (``pipelines/flux2/pipeline_flux2.py``,
``_patchify_latents``/``_unpatchify_latents``) normalises with its running statistics.
ComfyUI does the same inside the VAE (``comfy/sd.py``: ``batch_norm_latent``, latent
channels x4, downscale x2), so ComfyUI's FLUX.2 latents are the 128-channel normalised
ones. The core is the KL architecture, so it runs on our KL engine (leaner, see
:mod:`app.preview.engine`); only the statistics are added here.

BFL's file keeps the quant convs inside the halves (``encoder.quant_conv``,
``decoder.post_quant_conv``); ComfyUI renames them to the top level, as done here.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch

from app.core.errors import UserError
from app.preview.engine import VaeEngine
from app.preview.keys import strip_checkpoint_prefix
from app.preview.latent_forms import as_image_latent, pack_2x2, refuse_channels, unpack_2x2

BN_EPS = 1e-4  # diffusers batch_norm_eps and ComfyUI's bn_eps
_BN_KEYS = ("bn.running_mean", "bn.running_var", "bn.num_batches_tracked")
_INNER_QUANT = {
    "decoder.post_quant_conv.": "post_quant_conv.",
    "encoder.quant_conv.": "quant_conv.",
}


class Flux2Engine(VaeEngine):
    """A FLUX.2 VAE: raw latents are 32-channel at 8x, model latents 128-channel at 16x."""

    def __init__(self, weights: Mapping[str, torch.Tensor], device: torch.device) -> None:
        sd = strip_checkpoint_prefix(weights)
        if "bn.running_mean" not in sd or "bn.running_var" not in sd:
            raise UserError("This FLUX.2 VAE file has no bn.running_mean/running_var statistics.")
        mean, var = sd["bn.running_mean"].float(), sd["bn.running_var"].float()
        sd = {_outer_name(k): v for k, v in sd.items() if k not in _BN_KEYS}
        super().__init__(sd, device, family="flux2")
        if mean.numel() != 4 * self.latent_channels:
            raise UserError(
                f"This FLUX.2 VAE's latent statistics cover {mean.numel()} channels, not "
                f"{4 * self.latent_channels} (4 x {self.latent_channels})."
            )
        self.bn_mean = mean.view(1, -1, 1, 1)
        self.bn_std = torch.sqrt(var.view(1, -1, 1, 1) + BN_EPS)

    def normalise(self, raw: torch.Tensor) -> torch.Tensor:
        """Raw 32-channel latent to the 128-channel latent the diffusion model sees."""
        return (pack_2x2(raw.float()) - self.bn_mean) / self.bn_std

    def denormalise(self, packed: torch.Tensor) -> torch.Tensor:
        """The diffusion model's 128-channel latent back to the raw 32-channel one."""
        return unpack_2x2(packed.float() * self.bn_std + self.bn_mean)

    def native_latent(self, latent: torch.Tensor, *, scaled: bool, name: str) -> torch.Tensor:
        """Raw 32-channel latents as they are; 128-channel ones (ComfyUI's) denormalised."""
        latent = as_image_latent(latent, name, self.family_name)
        channels = latent.shape[1]
        if channels == 4 * self.latent_channels:
            return self.denormalise(latent)
        if channels != self.latent_channels:
            raise refuse_channels(
                channels, name, self.family_name, (self.latent_channels, 4 * self.latent_channels)
            )
        if scaled:  # normalised but not packed (what TAEF2 takes)
            if latent.shape[-1] % 2 or latent.shape[-2] % 2:
                raise UserError(f"{name}: a scaled FLUX.2 latent needs even sides to unpack.")
            return self.denormalise(pack_2x2(latent))
        return latent


def _outer_name(key: str) -> str:
    for inner, outer in _INNER_QUANT.items():
        if key.startswith(inner):
            return outer + key[len(inner) :]
    return key
