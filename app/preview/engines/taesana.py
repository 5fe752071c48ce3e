"""TAESANA: the 32x tiny decoder (and encoder) for Sana's DC-AE latents.

madebyollin/taesd ``taesd.py`` (@2a1b414) builds it as ``F32Decoder``/``F32Encoder``:
the TAESD block, but a 256-channel first stage narrowing to 64 and five 2x upsamplers
(the encoder: two stride-2 convs up front, then three more). diffusers' ``AutoencoderTiny``
cannot express it (its decoder keeps one width per stage and its encoder has no stride-2
stem), so this module builds the ``nn.Sequential`` as madebyollin writes it, which keeps
the file's indices (the decoder's ``0`` is the weightless Clamp). Files are madebyollin's
bare ``taesana_decoder.pth``/``taesana_encoder.pth`` or ComfyUI's ``taesd_decoder.``/
``taesd_encoder.``-prefixed dict. Like every TAESD decoder it takes the diffusion model's
latent: Sana's, the raw DC-AE latent times 0.41407.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch
from torch import nn

from app.core.errors import UserError
from app.core.tasks import CancelToken, ProgressCallback
from app.preview.engines.base import DECODE, PreviewEngine, run_module
from app.preview.engines.dcae import SCALING
from app.preview.keys import check_keys
from app.preview.latent_forms import as_image_latent, refuse_channels

FAMILY = "taesana"
ENCODER_MARKER = "4.conv.0.weight"  # F32Encoder's first Block, after the two-conv stem


def _conv(n_in: int, n_out: int, **kwargs) -> nn.Conv2d:
    return nn.Conv2d(n_in, n_out, 3, padding=1, **kwargs)


class Block(nn.Module):
    """TAESD's residual block: three 3x3 convs with ReLUs, an identity skip, a ReLU."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Sequential(
            _conv(channels, channels), nn.ReLU(), _conv(channels, channels), nn.ReLU(),
            _conv(channels, channels),
        )  # fmt: skip
        self.skip = nn.Identity()
        self.fuse = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fuse(self.conv(x) + self.skip(x))


class Clamp(nn.Module):
    """``tanh(x / 3) * 3``: the decoder's soft bound on its input."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(x / 3) * 3


def f32_decoder(latent_channels: int) -> nn.Sequential:
    """The decoder, index for index (outputs [0, 1])."""
    layers: list[nn.Module] = [Clamp(), _conv(latent_channels, 256), nn.ReLU()]
    for c_in, c_out in ((256, 128), (128, 64), (64, 64), (64, 64), (64, 64)):
        layers += [Block(c_in), Block(c_in), Block(c_in)]
        layers += [nn.Upsample(scale_factor=2), _conv(c_in, c_out, bias=False)]
    layers += [Block(64), _conv(64, 3)]
    return nn.Sequential(*layers)


def f32_encoder(latent_channels: int) -> nn.Sequential:
    """The encoder, index for index (takes [0, 1])."""
    layers: list[nn.Module] = [_conv(3, 32, stride=2), nn.ReLU(inplace=True)]
    layers += [_conv(32, 64, stride=2), nn.ReLU(inplace=True), Block(64)]
    for _ in range(3):
        layers += [_conv(64, 64, stride=2, bias=False), Block(64), Block(64), Block(64)]
    layers.append(_conv(64, latent_channels))
    return nn.Sequential(*layers)


class Taesana(nn.Module):
    """Decoder and, when the file has it, encoder."""

    def __init__(self, latent_channels: int, with_encoder: bool) -> None:
        super().__init__()
        self.decoder = f32_decoder(latent_channels)
        self.encoder = f32_encoder(latent_channels) if with_encoder else None


def split_halves(weights: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Any TAESANA layout as ``decoder.N``/``encoder.N`` keys."""
    out: dict[str, torch.Tensor] = {}
    bare_is_decoder = "1.weight" in weights and "3.conv.0.weight" in weights
    for key, value in weights.items():
        if key in ("vae_scale", "vae_shift"):
            continue  # ComfyUI's per-family extras
        for prefix, side in (("taesd_decoder.", "decoder."), ("taesd_encoder.", "encoder.")):
            if key.startswith(prefix):
                out[side + key[len(prefix) :]] = value
                break
        else:
            if key[:1].isdigit():
                out[("decoder." if bare_is_decoder else "encoder.") + key] = value
            else:
                out[key] = value  # reported as unexpected by the strict key check
    return out


class TaesanaEngine(PreviewEngine):
    """TAESANA: Sana's model-space latents (32 channels) at 1/32 of the image's sides."""

    downscale = 32
    scaling = SCALING

    def __init__(self, weights: Mapping[str, torch.Tensor], device: torch.device) -> None:
        sd = split_halves(weights)
        if "decoder.1.weight" not in sd:
            raise UserError(
                "This TAESANA file holds no decoder; previews need taesana_decoder.pth (its "
                "encoder next to it is used for the test card)."
            )
        self.latent_channels = int(sd["decoder.1.weight"].shape[1])
        self.has_encoder = any(k.startswith("encoder.") for k in sd)
        with torch.device("meta"):
            skeleton = Taesana(self.latent_channels, self.has_encoder)
        check_keys(
            {k: v.shape for k, v in skeleton.state_dict().items()},
            sd,
            what="TAESANA",
            architecture="madebyollin's F32 TAESD",
        )
        self._weights = sd
        self._model: tuple[torch.dtype, nn.Module] | None = None
        self.device, self.family = device, FAMILY

    @property
    def encoder_weights(self) -> Mapping[str, torch.Tensor]:
        return {k: v for k, v in self._weights.items() if k.startswith("encoder.")}

    def native_latent(self, latent: torch.Tensor, *, scaled: bool, name: str) -> torch.Tensor:
        """Sana's model-space latent, from a raw DC-AE latent or an already scaled one."""
        latent = as_image_latent(latent, name, self.family_name)
        if latent.shape[1] != self.latent_channels:
            raise refuse_channels(latent.shape[1], name, self.family_name, (self.latent_channels,))
        return latent if scaled else SCALING.to_model_space(latent)

    def model(self, dtype: torch.dtype) -> nn.Module:
        """The model in ``dtype`` on the engine's device (one cached at a time)."""
        if self._model is None or self._model[0] != dtype:
            self._model = None
            with torch.device("meta"):
                model = Taesana(self.latent_channels, self.has_encoder)
            model.load_state_dict(self._weights, strict=True, assign=True)
            self._model = (dtype, model.to(device=self.device, dtype=dtype).eval())
        return self._model[1]

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
        if kind == DECODE:
            decoder = model.decoder
            assert isinstance(decoder, nn.Module)
            fn = lambda z: decoder(z) * 2 - 1  # noqa: E731  # [0, 1] out to [-1, 1]
        else:
            encoder = model.encoder
            assert isinstance(encoder, nn.Module)  # encode() refuses files without one first
            fn = lambda im: encoder((im + 1) / 2)  # noqa: E731  # [-1, 1] in to [0, 1]
        return run_module(fn, x, self.device, dtype, progress), False
