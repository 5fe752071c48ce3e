"""Decoder tensor names in one canonical (original LDM) spelling, whatever the file used.

Diffusers files name the same weights differently and number the decoder's up
blocks in reverse (research notes, vae-registry.md §2.2); its attention weights
are linear ``[C, C]`` where LDM stores 1x1 convs ``[C, C, 1, 1]`` with the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_UP = re.compile(r"^decoder\.up_blocks\.(\d+)\.(?:resnets\.(\d+)|upsamplers\.0)\.(.+)$")
_MID_RESNET = re.compile(r"^decoder\.mid_block\.resnets\.([01])\.(.+)$")
_MID_ATTENTION = re.compile(
    r"^decoder\.mid_block\.attentions\.0\.([a-z_]+(?:\.0)?)\.(weight|bias)$"
)
_ATTENTION_NAMES = {
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
_PLAIN = {"conv_norm_out": "norm_out", "conv_in": "conv_in", "conv_out": "conv_out"}
ATTENTION_WEIGHTS = frozenset(
    f"decoder.mid.attn_1.{name}.weight" for name in ("q", "k", "v", "proj_out")
)


def is_diffusers(keys: Iterable[str]) -> bool:
    """Whether these VAE keys use the diffusers spelling."""
    return any(k.startswith(("decoder.up_blocks.", "decoder.mid_block.")) for k in keys)


def decoder_keys(keys: Iterable[str]) -> dict[str, str]:
    """``{canonical LDM name: name in the file}`` for the decoder and ``post_quant_conv``."""
    keys = list(keys)
    if not is_diffusers(keys):
        return {k: k for k in keys if k.startswith(("decoder.", "post_quant_conv."))}
    levels = 1 + max((int(m.group(1)) for k in keys if (m := _UP.match(k))), default=-1)
    found: dict[str, str] = {}
    for key in keys:
        name = to_ldm(key, levels)
        if name is not None:
            found[name] = key
    return found


def to_ldm(key: str, levels: int) -> str | None:
    """The LDM name of one diffusers decoder key (``levels`` up blocks), or None."""
    if key.startswith("post_quant_conv."):
        return key
    if match := _UP.match(key):
        level = levels - 1 - int(match.group(1))
        tail = match.group(3).replace("conv_shortcut", "nin_shortcut")
        if match.group(2) is None:
            return f"decoder.up.{level}.upsample.{tail}"
        return f"decoder.up.{level}.block.{match.group(2)}.{tail}"
    if match := _MID_RESNET.match(key):
        tail = match.group(2).replace("conv_shortcut", "nin_shortcut")
        return f"decoder.mid.block_{int(match.group(1)) + 1}.{tail}"
    if match := _MID_ATTENTION.match(key):
        name = _ATTENTION_NAMES.get(match.group(1))
        return f"decoder.mid.attn_1.{name}.{match.group(2)}" if name else None
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "decoder" and parts[1] in _PLAIN:
        return f"decoder.{_PLAIN[parts[1]]}.{parts[2]}"
    return None


def canonical_shape(ldm_key: str, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Attention weights as ``[C, C, 1, 1]`` whichever way the file stored them."""
    if ldm_key in ATTENTION_WEIGHTS and len(shape) >= 2:
        return (shape[0], shape[1], 1, 1)
    return shape
