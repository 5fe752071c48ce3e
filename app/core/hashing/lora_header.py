"""Whether a safetensors header names LoRA weights: the files the addnet hash is for.

The hasher decides this from the raw JSON bytes it reads anyway (no parse): a
tensor name with a LoRA/LyCORIS marker. A false positive only costs one more
SHA-256; the markers are those :mod:`app.core.inspection.classify` calls a LoRA.
"""

from __future__ import annotations

MAX_SNIFFED_HEADER = 32 << 20  # real LoRA headers are well under 1 MB
_MARKERS = (
    b".lora_down.",
    b".lora_up.",
    b".lora_A.",
    b".lora_B.",
    b".hada_w1",
    b".lokr_w1",
    b'"lora_unet_',
    b'"lora_te',
)


def is_lora_header(header: bytes | memoryview) -> bool:
    """True when the header text contains a LoRA tensor-name marker."""
    text = bytes(header)
    return any(marker in text for marker in _MARKERS)
