"""A decoder fingerprint: one hash that says "same VAE weights" across file variants.

Whole-file hashes differ between an fp32 and an fp16 copy, between LDM and
diffusers key names, and between a standalone VAE and the one inside a
checkpoint. This hash covers only what decodes images (``decoder.*`` and
``post_quant_conv.*``), under canonical LDM names in sorted order, each tensor
cast to fp16 (fp32 to fp16 rounding is deterministic, so both copies agree) and
hashed with its name and canonical shape. The encoder is left out: some files
drop it, and it never changes what an image looks like.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from app.core.library.keymap import canonical_shape, decoder_keys
from app.core.library.tensors import TensorSource, open_tensors
from app.core.tasks import CancelToken

FINGERPRINT_VERSION = "vaem-decoder-fp16-v1"
CHECKPOINT_PREFIX = "first_stage_model."
_REQUIRED = "decoder.conv_in.weight"


def decoder_fingerprint(
    path: Path, *, prefix: str = "", cancel: CancelToken | None = None
) -> str | None:
    """The fingerprint of the VAE in ``path`` (under ``prefix``), or None without a decoder.

    Raises UserError when the file cannot be read safely.
    """
    with open_tensors(path) as source:
        return fingerprint_of(source, prefix=prefix, cancel=cancel)


def fingerprint_of(
    source: TensorSource, *, prefix: str = "", cancel: CancelToken | None = None
) -> str | None:
    """The fingerprint of the tensors of ``source`` whose names start with ``prefix``."""
    import torch

    stripped = {k[len(prefix) :]: k for k in source.keys if k.startswith(prefix)}
    names = decoder_keys(stripped)
    if _REQUIRED not in names:
        return None
    digest = hashlib.sha256(FINGERPRINT_VERSION.encode())
    for ldm_name in sorted(names):
        if cancel is not None:
            cancel.raise_if_cancelled()
        tensor = source.get(stripped[names[ldm_name]])
        if not tensor.is_floating_point():
            return None  # not weights a decoder could use
        half = tensor.detach().to(torch.float16).contiguous()
        shape = canonical_shape(ldm_name, tuple(half.shape))
        digest.update(f"{ldm_name}\0{','.join(map(str, shape))}\0".encode())
        digest.update(half.reshape(-1).view(torch.int16).numpy().tobytes())
    return digest.hexdigest()
