"""One spelling for VAE tensor names: the original LDM layout, whatever the file used.

Diffusers files name the same weights differently, number the decoder's up
blocks in reverse, and older ones spell the attention ``query/key/value/
proj_attn`` (vae-registry.md §2.2). The preview engine loads weights by these
names and the library fingerprints decoders by them, so the mapping lives here,
once, as plain string work (no torch).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ATTENTION_NAMES = {
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
# Attention projections: LDM stores them as 1x1 convs [C, C, 1, 1], diffusers as linear [C, C].
ATTENTION_PROJECTIONS = ("q", "k", "v", "proj_out")
_RESNET_NAMES = {"conv_shortcut": "nin_shortcut"}

_DIFFUSERS_MARKERS = (".down_blocks.", ".up_blocks.", ".mid_block.", ".conv_norm_out.")
_DOWN = re.compile(r"^encoder\.down_blocks\.(\d+)\.(resnets\.(\d+)|downsamplers\.0)\.(.+)$")
_UP = re.compile(r"^decoder\.up_blocks\.(\d+)\.(resnets\.(\d+)|upsamplers\.0)\.(.+)$")
_MID_RES = re.compile(r"^(encoder|decoder)\.mid_block\.resnets\.([01])\.(.+)$")
_MID_ATTN = re.compile(r"^(encoder|decoder)\.mid_block\.attentions\.0\.(.+)\.(weight|bias)$")


def uses_diffusers_names(keys: Iterable[str]) -> bool:
    """Whether these VAE keys (prefix already stripped) use the diffusers spelling."""
    return any(marker in "." + key for key in keys for marker in _DIFFUSERS_MARKERS)


def last_up_block(keys: Iterable[str]) -> int:
    """The highest ``decoder.up_blocks.N`` index: diffusers counts the levels backwards."""
    return max((int(m[1]) for k in keys if (m := _UP.match(k))), default=0)


def ldm_name(key: str, last_up: int) -> str:
    """The LDM name of one diffusers key; keys it does not know come back unchanged."""
    if match := _DOWN.match(key):
        level, _, block, rest = match.groups()
        where = f"block.{block}.{_resnet_name(rest)}" if block is not None else f"downsample.{rest}"
        return f"encoder.down.{level}.{where}"
    if match := _UP.match(key):
        level, _, block, rest = match.groups()
        where = f"block.{block}.{_resnet_name(rest)}" if block is not None else f"upsample.{rest}"
        return f"decoder.up.{last_up - int(level)}.{where}"
    if match := _MID_RES.match(key):
        side, index, rest = match.groups()
        return f"{side}.mid.block_{int(index) + 1}.{_resnet_name(rest)}"
    if (match := _MID_ATTN.match(key)) and match[2] in ATTENTION_NAMES:
        side, name, param = match.groups()
        return f"{side}.mid.attn_1.{ATTENTION_NAMES[name]}.{param}"
    return key.replace(".conv_norm_out.", ".norm_out.")


def is_attention_projection_weight(ldm_key: str) -> bool:
    """Whether an LDM-named tensor is a q/k/v/proj_out weight (stored [C, C, 1, 1])."""
    if ".mid.attn_1." not in ldm_key or not ldm_key.endswith(".weight"):
        return False
    return ldm_key.rsplit(".", 2)[-2] in ATTENTION_PROJECTIONS


def _resnet_name(rest: str) -> str:
    head, _, tail = rest.partition(".")
    return f"{_RESNET_NAMES.get(head, head)}.{tail}"
