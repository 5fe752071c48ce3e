"""A decoder fingerprint: one hash that says "same VAE weights" across file variants.

Whole-file hashes differ between an fp32 and an fp16 copy, between LDM and
diffusers key names, and between a standalone VAE and the one inside a
checkpoint. This hash covers only what decodes images (``decoder.*`` and
``post_quant_conv.*``), under canonical LDM names in sorted order, each tensor
cast to fp16 (fp32 to fp16 rounding is deterministic, so both copies agree) and
hashed with its name and canonical shape. The encoder is left out: some files
drop it, and it never changes what an image looks like.

A ``.safetensors`` file is fingerprinted from its bytes (F16 as stored, other floats
cast with numpy by :mod:`app.core.library.half_bits`), so an import never imports torch,
nor numpy for an fp16 file; pickled
files, and the rare F8 weights, go through torch. Both give the same value.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from app.core.errors import UserError
from app.core.identify import hashed_file_of
from app.core.inspection import formats
from app.core.inspection.failure import BadFile
from app.core.inspection.safetensors_header import SafetensorsHeader, read_header
from app.core.library.keymap import canonical_shape, decoder_keys
from app.core.library.tensors import TensorSource, open_tensors
from app.core.safe_open import open_regular
from app.core.tasks import CancelToken

FINGERPRINT_VERSION = "vaem-decoder-fp16-v1"
CHECKPOINT_PREFIX = "first_stage_model."
_REQUIRED = "decoder.conv_in.weight"
_NO_NUMPY = object()  # a float code numpy cannot cast: torch decides


def decoder_fingerprint(
    path: Path, *, prefix: str = "", cancel: CancelToken | None = None
) -> str | None:
    """The fingerprint of the VAE in ``path`` (under ``prefix``), or None without a decoder.

    Raises UserError when the file cannot be read safely.
    """
    weights = hashed_file_of(Path(path))
    if _is_safetensors(weights):
        value = _from_safetensors(weights, prefix, cancel)
        if value is not _NO_NUMPY:
            return value  # type: ignore[return-value]  # str | None once not the marker
    with open_tensors(path) as source:
        return fingerprint_of(source, prefix=prefix, cancel=cancel)


def fingerprint_of(
    source: TensorSource, *, prefix: str = "", cancel: CancelToken | None = None
) -> str | None:
    """The fingerprint of the tensors of ``source`` (torch) whose names start with ``prefix``."""
    import torch

    def bits(key: str) -> tuple[tuple[int, ...], bytes] | None:
        tensor = source.get(key)
        if not tensor.is_floating_point():
            return None  # not weights a decoder could use
        half = tensor.detach().to(torch.float16).contiguous()
        return tuple(half.shape), half.reshape(-1).view(torch.int16).numpy().tobytes()

    return _digest(source.keys, prefix, bits, cancel)


def _digest(
    keys: list[str],
    prefix: str,
    bits: Callable[[str], tuple[tuple[int, ...], bytes | memoryview] | None],
    cancel: CancelToken | None,
) -> str | None:
    """The one definition of the fingerprint, over ``bits(key)`` -> (shape, fp16 bytes)."""
    stripped = {k[len(prefix) :]: k for k in keys if k.startswith(prefix)}
    names = decoder_keys(stripped)
    if _REQUIRED not in names:
        return None
    digest = hashlib.sha256(FINGERPRINT_VERSION.encode())
    for ldm_name in sorted(names):
        if cancel is not None:
            cancel.raise_if_cancelled()
        got = bits(stripped[names[ldm_name]])
        if got is None:
            return None
        shape = canonical_shape(ldm_name, got[0])
        digest.update(f"{ldm_name}\0{','.join(map(str, shape))}\0".encode())
        digest.update(got[1])
    return digest.hexdigest()


def _is_safetensors(path: Path) -> bool:
    try:
        return formats.sniff(path) == formats.FORMAT_SAFETENSORS
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None


def _from_safetensors(path: Path, prefix: str, cancel: CancelToken | None) -> object:
    """The fingerprint from the file's bytes, or ``_NO_NUMPY`` when torch must cast."""
    from app.core.library.half_bits import FLOAT_CODES, NUMPY_CODES  # numpy: only when used

    try:
        header = read_header(path)
    except BadFile as bad:
        raise UserError(f"cannot load {path.name}: {bad.code}: {bad.message}") from None
    codes = header.source_dtypes
    wanted = decoder_keys(k[len(prefix) :] for k in header.tensors if k.startswith(prefix))
    if any(codes[prefix + key] in FLOAT_CODES - NUMPY_CODES for key in wanted.values()):
        return _NO_NUMPY
    try:
        with open_regular(path, buffering=0) as f:
            return _digest(list(header.tensors), prefix, _reader(f.fileno(), header), cancel)
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None


def _reader(
    fd: int, header: SafetensorsHeader
) -> Callable[[str], tuple[tuple[int, ...], memoryview] | None]:
    """``bits(key)`` over the file at ``fd``: each tensor's span read once, by its offsets."""
    from app.core.library.half_bits import FLOAT_CODES, half_bits

    def bits(key: str) -> tuple[tuple[int, ...], memoryview] | None:
        code = header.source_dtypes[key]
        if code not in FLOAT_CODES:
            return None
        begin, end = header.offsets[key]
        raw = _pread_all(fd, end - begin, header.data_start + begin)
        half = half_bits(raw, code)  # F16: the bytes read, as they are (no numpy)
        assert half is not None  # codes numpy cannot cast were sent to torch
        view = memoryview(half) if isinstance(half, bytes) else half.data  # hashed in place
        return header.tensors[key].shape, view

    return bits


def _pread_all(fd: int, length: int, offset: int) -> bytes:
    parts, done = [], 0
    while done < length:
        part = os.pread(fd, min(length - done, 1 << 30), offset + done)
        if not part:
            raise UserError("the file is shorter than its header says (it changed while read)")
        parts.append(part)
        done += len(part)
    return b"".join(parts) if len(parts) != 1 else parts[0]
