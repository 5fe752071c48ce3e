"""A safetensors tensor's raw bytes as float16 bit patterns, with numpy only (no torch).

The decoder fingerprint hashes every weight cast to float16. Importing torch just
for that cost about 1.4 s per import run, so the cast is done here on the bytes
as stored, bit for bit as ``tensor.to(torch.float16)`` does it on CPU:

- F16 is kept as is (NaN payloads too);
- F32 rounds to nearest-even (numpy and torch agree, overflow gives inf);
- BF16 is the top half of an F32, so it is widened by a 16-bit shift first;
- F64 goes through F32 first, as torch's ``Half(float)`` constructor does (a direct
  F64 to F16 rounding differs in rare ties);
- a NaN becomes ``sign | 0x7E00 | mantissa >> 13``: torch (F16C) sets the quiet bit,
  numpy does not, so NaNs are rewritten to torch's pattern.

Other float codes (F8_*) return None and the caller falls back to torch.

numpy is imported only when a tensor needs a cast: F16 weights (most VAEs on disk)
are hashed as stored, so importing an fp16 VAE never loads numpy (about 60 ms).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

FLOAT_CODES = frozenset({"F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4"})
"""Safetensors dtype codes that hold floating-point weights (torch's ``is_floating_point``)."""
NUMPY_CODES = frozenset({"F64", "F32", "F16", "BF16"})
"""The float codes :func:`half_bits` casts; the rest need torch."""


def half_bits(raw: bytes, code: str) -> bytes | np.ndarray | None:
    """``raw`` (little-endian, safetensors code ``code``) as ``<u2`` float16 bits, or None.

    F16 comes back as ``raw`` itself (already those bits); the casts give an array.
    """
    if code == "F16":
        return raw
    if code not in NUMPY_CODES:
        return None
    import numpy as np

    if code == "BF16":
        wide = np.frombuffer(raw, dtype="<u2").astype("<u4") << np.uint32(16)
        return _f32_to_half_bits(wide.view("<f4"))
    if code == "F32":
        return _f32_to_half_bits(np.frombuffer(raw, dtype="<f4"))
    if code == "F64":
        with np.errstate(over="ignore", invalid="ignore"):
            narrowed = np.frombuffer(raw, dtype="<f8").astype("<f4")
        return _f32_to_half_bits(narrowed)
    raise AssertionError(code)  # NUMPY_CODES and the branches above name the same codes


def _f32_to_half_bits(values: np.ndarray) -> np.ndarray:
    import numpy as np

    with np.errstate(over="ignore", invalid="ignore"):
        bits = values.astype("<f2").view("<u2")
    nan = np.isnan(values)
    if nan.any():
        source = values.view("<u4")[nan]
        sign = (source >> np.uint32(16)) & np.uint32(0x8000)
        payload = (source >> np.uint32(13)) & np.uint32(0x3FF)
        bits[nan] = (sign | np.uint32(0x7E00) | payload).astype("<u2")
    return bits
