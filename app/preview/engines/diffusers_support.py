"""Engines that run diffusers' own implementation of an architecture.

Where diffusers implements a family exactly, the preview uses it rather than a
second implementation; this module imports diffusers lazily (it is optional:
the app identifies every family without it) and builds a model from a config
inferred from the file's shapes, with the file's weights, on the meta device
first so nothing is initialised twice.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, Protocol, cast

import torch
from torch import nn

from app.core.errors import UserError
from app.core.inspection.vae_families import display_name
from app.core.tasks import CancelToken, ProgressCallback
from app.preview.engines.base import DECODE, PreviewEngine, run_module
from app.preview.keys import check_keys

INSTALL_HINT = "pip install diffusers"
# Where each class lives; the deprecated Wuerstchen package holds Stable Cascade's stage A.
_MODULES = {"PaellaVQModel": "diffusers.pipelines.deprecated.wuerstchen.modeling_paella_vq_model"}


def diffusers_class(name: str, family: str) -> type[nn.Module]:
    """The diffusers class ``name``, or a UserError saying what to install for ``family``."""
    try:
        module = importlib.import_module(_MODULES.get(name, "diffusers"))
    except ImportError as exc:
        raise UserError(
            f"Previewing {display_name(family)} VAEs needs the diffusers package, which is "
            f"not installed ({INSTALL_HINT}). The app identifies and links these files without it."
        ) from exc
    found = getattr(module, name, None)
    if found is None:
        version = getattr(importlib.import_module("diffusers"), "__version__", "?")
        raise UserError(
            f"Previewing {display_name(family)} VAEs needs a diffusers with {name}; the "
            f"installed diffusers {version} has none (pip install -U diffusers)."
        )
    return found


class Autoencoder(Protocol):
    """The two methods every diffusers autoencoder has; what they return differs by class."""

    def encode(self, x: torch.Tensor, /) -> Any: ...

    def decode(self, z: torch.Tensor, /) -> Any: ...


def autoencoder(model: nn.Module) -> Autoencoder:
    """``model`` as a diffusers autoencoder.

    The classes are found by name at run time, so to a type checker ``model.decode`` is
    whatever torch's ``Module.__getattr__`` says: a Tensor or a submodule.
    """
    return cast(Autoencoder, model)


def config_int(config: Mapping[str, object], key: str, default: int | None = None) -> int:
    """An integer field of a diffusers config this app inferred (a bug if it is not one)."""
    value = config.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"diffusers config {key} is {value!r}, not an integer")
    return value


def build_model(
    cls: type[nn.Module],
    config: Mapping[str, object],
    weights: Mapping[str, torch.Tensor],
    *,
    family: str,
    drop: tuple[str, ...] = (),
    adapt: Callable[[nn.Module], None] | None = None,
) -> nn.Module:
    """``cls(**config)`` holding ``weights``; parts named in ``drop`` are removed first.

    Dropping lets a decoder-only file load strictly: the missing encoder is taken
    out of the model instead of staying uninitialised. ``adapt`` may change the
    (still empty, meta-device) model before the weights go in.
    """
    with torch.device("meta"):
        model = cls(**config)
        if adapt is not None:
            adapt(model)
    for part in drop:
        setattr(model, part, None)
    expected = {k: v.shape for k, v in model.state_dict().items()}
    check_keys(expected, weights, what=display_name(family), architecture=cls.__name__)
    model.load_state_dict(dict(weights), strict=True, assign=True)
    return model.eval().requires_grad_(False)


class DiffusersEngine(PreviewEngine):
    """A diffusers model built per precision from the file's weights (kept on CPU)."""

    def __init__(
        self,
        factory: Callable[[], nn.Module],
        device: torch.device,
        *,
        family: str,
        latent_channels: int,
        downscale: int,
        has_encoder: bool,
        encoder_weights: Mapping[str, torch.Tensor],
    ) -> None:
        self._factory = factory
        self._model: nn.Module | None = None
        self._dtype: torch.dtype | None = None
        self._encoder_weights = dict(encoder_weights)
        self.device = device
        self.family = family
        self.latent_channels = latent_channels
        self.downscale = downscale
        self.has_encoder = has_encoder

    def _load(
        self,
        class_name: str,
        config: Mapping[str, object],
        sd: Mapping[str, torch.Tensor],
        device: torch.device,
        *,
        family: str,
        latent_channels: int,
        downscale: int,
        has_encoder: bool,
        encoder_prefixes: tuple[str, ...] = ("encoder.",),
        drop: tuple[str, ...] | None = None,
    ) -> None:
        """Initialise from diffusers' ``class_name`` and weights already in its layout.

        The model is built once now, so a wrong file fails at load, not at the first
        decode; without an encoder, its modules (``drop``) are left out of the build.
        """
        cls = diffusers_class(class_name, family)
        left_out = drop if drop is not None else (() if has_encoder else ("encoder",))

        def factory() -> nn.Module:
            return build_model(cls, config, sd, family=family, drop=left_out)

        factory()
        DiffusersEngine.__init__(
            self,
            factory,
            device,
            family=family,
            latent_channels=latent_channels,
            downscale=downscale,
            has_encoder=has_encoder,
            encoder_weights={k: v for k, v in sd.items() if k.startswith(encoder_prefixes)},
        )

    @property
    def encoder_weights(self) -> Mapping[str, torch.Tensor]:
        return self._encoder_weights

    def model(self, dtype: torch.dtype) -> nn.Module:
        """The model in ``dtype`` on the engine's device (one cached at a time)."""
        if self._model is None or self._dtype != dtype:
            self._model = None  # free the old copy before building the new one
            # nn.Module.to, not ModelMixin.to: that one only adds a warning about casting
            self._model = nn.Module.to(self._factory(), device=self.device, dtype=dtype)
            self._dtype = dtype
        return self._model

    def decode_fn(self, model: nn.Module) -> Callable[[torch.Tensor], torch.Tensor]:
        """Native latent to image in [-1, 1] (diffusers' ``decode().sample`` by default)."""
        return lambda z: autoencoder(model).decode(z).sample

    def encode_fn(self, model: nn.Module) -> Callable[[torch.Tensor], torch.Tensor]:
        """Image in [-1, 1] to the native latent (the posterior's mode by default)."""
        return lambda x: autoencoder(model).encode(x).latent_dist.mode()

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
        fn = self.decode_fn(model) if kind == DECODE else self.encode_fn(model)
        return run_module(fn, x, self.device, dtype, progress), False
