"""Decoder tensor names in one canonical (original LDM) spelling, whatever the file used.

The renaming itself is :mod:`app.core.inspection.ldm_names`, shared with the
preview engine; this picks the decoder's tensors and gives attention weights
their LDM shape, which is all a decoder fingerprint needs.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.core.inspection.ldm_names import (
    is_attention_projection_weight,
    last_up_block,
    ldm_name,
    uses_diffusers_names,
)

_DECODER_PREFIXES = ("decoder.", "post_quant_conv.")


def decoder_keys(keys: Iterable[str]) -> dict[str, str]:
    """``{canonical LDM name: name in the file}`` for the decoder and ``post_quant_conv``."""
    keys = list(keys)
    if not uses_diffusers_names(keys):
        return {k: k for k in keys if k.startswith(_DECODER_PREFIXES)}
    last = last_up_block(keys)
    names = {ldm_name(key, last): key for key in keys}
    return {name: key for name, key in names.items() if name.startswith(_DECODER_PREFIXES)}


def canonical_shape(ldm_key: str, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Attention weights as ``[C, C, 1, 1]`` whichever way the file stored them."""
    if is_attention_projection_weight(ldm_key) and len(shape) >= 2:
        return (shape[0], shape[1], 1, 1)
    return shape
