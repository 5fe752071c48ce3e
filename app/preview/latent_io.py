"""Read latent tensors users bring: ComfyUI ``.latent``, ``.safetensors`` and ``.npy``.

Convention: a tensor file holds the raw VAE latent (what ComfyUI's VAE Decode
and diffusers' ``AutoencoderKL.decode`` take). ComfyUI ``.latent`` files
without the ``latent_format_version_0`` marker are from before ComfyUI
changed formats and hold ``latent * 0.18215``; that is undone here, as
ComfyUI's LoadLatent does. A batch is accepted and its first latent used;
video latents (N, C, T, h, w) keep their frames (the engine picks one).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from app.core.errors import UserError
from app.preview.families import COMFY_LEGACY_LATENT_SCALE
from app.preview.keys import name_a_few

COMFY_KEY = "latent_tensor"
COMFY_VERSION_KEY = "latent_format_version_0"
_OTHER_KEYS = ("samples", "latent", "latents", "z")


def read_latent(path: Path) -> torch.Tensor:
    """Load a latent as float32 (1, C, h, w), or (1, C, T, h, w), on CPU; UserError if not one."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Latent file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".npy":
        tensor = _read_npy(path)
    elif suffix in (".latent", ".safetensors"):
        tensor = _read_safetensors(path)
    else:
        raise UserError(f"{path.name}: latents are read from .latent, .safetensors or .npy files.")
    return _as_batch_of_one(tensor, path.name)


def _read_npy(path: Path) -> torch.Tensor:
    try:
        array = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as exc:
        raise UserError(f"{path.name} is not a plain numpy array file: {exc}") from exc
    if not np.issubdtype(array.dtype, np.floating):
        raise UserError(f"{path.name} holds {array.dtype} values; a latent holds floats.")
    return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))


def _read_safetensors(path: Path) -> torch.Tensor:
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="pt") as handle:
            keys = list(handle.keys())
            if COMFY_KEY in keys:
                tensor = handle.get_tensor(COMFY_KEY).float()
                if COMFY_VERSION_KEY not in keys:
                    tensor = tensor / COMFY_LEGACY_LATENT_SCALE
                return tensor
            key = _pick_key(keys, path.name)
            return handle.get_tensor(key).float()
    except (SafetensorError, OSError) as exc:
        raise UserError(f"{path.name} is not a readable safetensors file: {exc}") from exc


def _pick_key(keys: list[str], name: str) -> str:
    if len(keys) == 1:
        return keys[0]
    for candidate in _OTHER_KEYS:
        if candidate in keys:
            return candidate
    raise UserError(
        f"{name} holds several tensors ({name_a_few(keys)}) and none is named "
        f"'{COMFY_KEY}' or {', '.join(repr(k) for k in _OTHER_KEYS)}; which one is the latent?"
    )


def _as_batch_of_one(tensor: torch.Tensor, name: str) -> torch.Tensor:
    if tensor.dim() == 3:
        tensor = tensor.unsqueeze(0)
    if tensor.dim() not in (4, 5) or tensor.shape[0] < 1 or min(tensor.shape[1:]) < 1:
        raise UserError(
            f"{name} holds a tensor of shape {tuple(tensor.shape)}; a latent is (C, h, w), "
            "(batch, C, h, w) or a video's (batch, C, frames, h, w)."
        )
    tensor = tensor[:1].float().contiguous()
    if not torch.isfinite(tensor).all():
        raise UserError(f"{name} contains NaN or Inf values; it cannot be decoded.")
    return tensor
