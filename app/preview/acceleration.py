"""Device-specific speed-ups for the KL decode: cuDNN autotuning and opt-in torch.compile.

Neither changes the arithmetic the engine asks for; both are chosen here, from
the device and the environment, so the choice can be tested without a GPU.

- cuDNN benchmark mode (CUDA only): the decoder runs the same few conv shapes
  over and over, so timing cuDNN's algorithms once per shape pays back within a
  decode. It is switched on only around our own decodes (a context manager), so
  other code in the process keeps its setting.
- ``torch.compile`` is opt-in (``VAE_MANAGER_COMPILE=default|reduce-overhead|
  max-autotune``) and only on CUDA: compiling takes minutes the first time, needs
  a working compiler toolchain, and on CPU the eager decode is already
  convolution-bound (benchmarks/decode.py). Compiled kernels are cached in the
  app's cache folder (``TORCHINDUCTOR_CACHE_DIR`` unless the user set one), so
  the cost is paid once per machine, not once per launch.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from enum import StrEnum

import torch

from app.core.errors import UserError

COMPILE_ENV = "VAE_MANAGER_COMPILE"
Decode = Callable[[torch.Tensor], torch.Tensor]


class CompileMode(StrEnum):
    """What ``VAE_MANAGER_COMPILE`` may say; ``off`` (or unset) runs eagerly."""

    OFF = "off"
    DEFAULT = "default"
    REDUCE_OVERHEAD = "reduce-overhead"
    MAX_AUTOTUNE = "max-autotune"


def compile_mode(environ: dict[str, str] | None = None) -> CompileMode:
    """The mode the user asked for; a misspelt value is an error, not a silent no."""
    raw = (os.environ if environ is None else environ).get(COMPILE_ENV, "").strip().lower()
    if raw in ("", "0", "no", "false"):
        return CompileMode.OFF
    if raw in ("1", "yes", "true"):
        return CompileMode.DEFAULT
    try:
        return CompileMode(raw)
    except ValueError:
        choices = ", ".join(mode.value for mode in CompileMode)
        raise UserError(
            f"{COMPILE_ENV}={raw!r} is not a compile mode; use one of {choices}."
        ) from None


def should_compile(device: torch.device, mode: CompileMode) -> bool:
    """Compile only where it was asked for and can pay off: CUDA."""
    return mode is not CompileMode.OFF and device.type == "cuda"


@contextlib.contextmanager
def backend_flags(device: torch.device) -> Iterator[None]:
    """Around a CUDA decode, cuDNN benchmark mode; elsewhere nothing."""
    if device.type != "cuda":
        yield
        return
    with torch.backends.cudnn.flags(enabled=True, benchmark=True):
        yield


def compiled(decode: Decode, mode: CompileMode, cache_dir: os.PathLike[str] | str) -> Decode:
    """``decode`` compiled with inductor, its kernels cached under ``cache_dir``.

    ``dynamic=False``: the shapes a decode sees are few (the whole latent, or one
    tile size), and static shapes give inductor its best kernels.
    """
    os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", os.fspath(cache_dir))
    return torch.compile(decode, mode=mode.value, dynamic=False)
