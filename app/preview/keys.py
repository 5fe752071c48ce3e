"""Bring every VAE key layout users have to the one our model uses (ldm).

Handles: bare ldm VAE files, full checkpoints (``first_stage_model.`` or
``vae.`` prefix), the diffusers layout with new (``to_q``/``to_out.0``) or old
(``query``/``proj_attn``) attention names and 2-D linear attention weights,
and A1111's ignored extras. Nothing here guesses: keys that do not map are
reported by :func:`check_keys` by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import torch

from app.core.errors import UserError
from app.core.inspection.ldm_names import (
    is_attention_projection_weight,
    last_up_block,
    ldm_name,
    uses_diffusers_names,
)

CHECKPOINT_PREFIXES = ("first_stage_model.", "vae.")
_IGNORED_EXACT = frozenset({"model_ema.decay", "model_ema.num_updates"})
_IGNORED_PREFIX = "loss"


def to_ldm_layout(sd: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Strip checkpoint prefixes, drop ignored keys, rename diffusers keys to ldm."""
    sd = strip_checkpoint_prefix(sd)
    sd = {k: v for k, v in sd.items() if not _is_ignored(k)}
    if uses_diffusers_names(sd):
        sd = diffusers_to_ldm(sd)
    return {key: _attn_weight_4d(key, value) for key, value in sd.items()}


def strip_checkpoint_prefix(sd: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Keep only the VAE part of a full checkpoint; a bare VAE passes through."""
    for prefix in CHECKPOINT_PREFIXES:
        inner = {k[len(prefix) :]: v for k, v in sd.items() if k.startswith(prefix)}
        if any(k.startswith(("decoder.", "encoder.")) for k in inner):
            return inner
    return dict(sd)


def diffusers_to_ldm(sd: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Rename diffusers AutoencoderKL keys to ldm ones; unknown keys are kept as they are."""
    last = last_up_block(sd)
    return {ldm_name(key, last): value for key, value in sd.items()}


def check_keys(
    expected: Mapping[str, torch.Size],
    sd: Mapping[str, torch.Tensor],
    *,
    what: str = "VAE",
    architecture: str = "a KL autoencoder",
) -> None:
    """Raise a UserError naming missing, unexpected or wrongly shaped keys."""
    missing = [k for k in expected if k not in sd]
    unexpected = [k for k in sd if k not in expected]
    wrong = [
        f"{k} {tuple(sd[k].shape)} (expected {tuple(shape)})"
        for k, shape in expected.items()
        if k in sd and tuple(sd[k].shape) != tuple(shape)
    ]
    parts = []
    if missing:
        parts.append(f"missing keys: {name_a_few(missing)}")
    if unexpected:
        parts.append(f"unexpected keys: {name_a_few(unexpected)}")
    if wrong:
        parts.append(f"wrong shapes: {name_a_few(wrong)}")
    if parts:
        raise UserError(f"This {what} file does not match {architecture}: " + "; ".join(parts))


def name_a_few(names: Iterable[str], limit: int = 4) -> str:
    """'a, b, c, d and 7 more': enough to act on without flooding a dialog."""
    names = sorted(names)
    shown = ", ".join(names[:limit])
    rest = len(names) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def _is_ignored(key: str) -> bool:
    return key in _IGNORED_EXACT or key.startswith(_IGNORED_PREFIX)


def _attn_weight_4d(key: str, value: torch.Tensor) -> torch.Tensor:
    """Linear attention weights ([C, C] or [C, C, 1]) become 1x1 conv weights [C, C, 1, 1]."""
    if is_attention_projection_weight(key) and 2 <= value.dim() < 4:
        return value.reshape(*value.shape[:2], 1, 1)
    return value
