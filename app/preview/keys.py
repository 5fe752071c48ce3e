"""Bring every VAE key layout users have to the one our model uses (ldm).

Handles: bare ldm VAE files, full checkpoints (``first_stage_model.`` or
``vae.`` prefix), the diffusers layout with new (``to_q``/``to_out.0``) or old
(``query``/``proj_attn``) attention names and 2-D linear attention weights,
and A1111's ignored extras. Nothing here guesses: keys that do not map are
reported by :func:`check_keys` by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import torch

from app.core.errors import UserError

CHECKPOINT_PREFIXES = ("first_stage_model.", "vae.")
_IGNORED_EXACT = frozenset({"model_ema.decay", "model_ema.num_updates"})
_IGNORED_PREFIX = "loss"

_ATTN_NAMES = {
    "group_norm": "norm",
    "to_q": "q",
    "query": "q",
    "to_k": "k",
    "key": "k",
    "to_v": "v",
    "value": "v",
    "to_out.0": "proj_out",
    "proj_attn": "proj_out",
}
_RESNET_NAMES = {"conv_shortcut": "nin_shortcut"}
_ATTN_PROJ = ("q", "k", "v", "proj_out")

_DIFFUSERS_MARKERS = (".down_blocks.", ".up_blocks.", ".mid_block.", ".conv_norm_out.")
_DOWN = re.compile(r"^encoder\.down_blocks\.(\d+)\.(resnets\.(\d+)|downsamplers\.0)\.(.+)$")
_UP = re.compile(r"^decoder\.up_blocks\.(\d+)\.(resnets\.(\d+)|upsamplers\.0)\.(.+)$")
_MID_RES = re.compile(r"^(encoder|decoder)\.mid_block\.resnets\.([01])\.(.+)$")
_MID_ATTN = re.compile(r"^(encoder|decoder)\.mid_block\.attentions\.0\.(.+)\.(weight|bias)$")


def to_ldm_layout(sd: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Strip checkpoint prefixes, drop ignored keys, rename diffusers keys to ldm."""
    sd = strip_checkpoint_prefix(sd)
    sd = {k: v for k, v in sd.items() if not _is_ignored(k)}
    if any(marker in "." + key for key in sd for marker in _DIFFUSERS_MARKERS):
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
    up_levels = [int(m[1]) for k in sd if (m := _UP.match(k))]
    last = max(up_levels, default=0)
    return {_ldm_key(key, last): value for key, value in sd.items()}


def check_keys(
    expected: Mapping[str, torch.Size], sd: Mapping[str, torch.Tensor], *, what: str = "VAE"
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
        raise UserError(f"This {what} file does not match a KL autoencoder: " + "; ".join(parts))


def name_a_few(names: Iterable[str], limit: int = 4) -> str:
    """'a, b, c, d and 7 more': enough to act on without flooding a dialog."""
    names = sorted(names)
    shown = ", ".join(names[:limit])
    rest = len(names) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def _is_ignored(key: str) -> bool:
    return key in _IGNORED_EXACT or key.startswith(_IGNORED_PREFIX)


def _ldm_key(key: str, last_up: int) -> str:
    if match := _DOWN.match(key):
        level, part, block, rest = match.groups()
        where = f"block.{block}.{_resnet_name(rest)}" if block is not None else f"downsample.{rest}"
        return f"encoder.down.{level}.{where}"
    if match := _UP.match(key):
        level, part, block, rest = match.groups()
        where = f"block.{block}.{_resnet_name(rest)}" if block is not None else f"upsample.{rest}"
        return f"decoder.up.{last_up - int(level)}.{where}"
    if match := _MID_RES.match(key):
        side, index, rest = match.groups()
        return f"{side}.mid.block_{int(index) + 1}.{_resnet_name(rest)}"
    if match := _MID_ATTN.match(key):
        side, name, param = match.groups()
        if name in _ATTN_NAMES:
            return f"{side}.mid.attn_1.{_ATTN_NAMES[name]}.{param}"
    return key.replace(".conv_norm_out.", ".norm_out.") if ".conv_norm_out." in key else key


def _resnet_name(rest: str) -> str:
    head, _, tail = rest.partition(".")
    return f"{_RESNET_NAMES.get(head, head)}.{tail}"


def _attn_weight_4d(key: str, value: torch.Tensor) -> torch.Tensor:
    """Linear attention weights ([C, C] or [C, C, 1]) become 1x1 conv weights [C, C, 1, 1]."""
    if ".mid.attn_1." in key and key.endswith(".weight") and 2 <= value.dim() < 4:
        name = key.rsplit(".", 2)[-2]
        if name in _ATTN_PROJ:
            return value.reshape(*value.shape[:2], 1, 1)
    return value
