"""Count NaN/Inf values in a model file, on request (it reads every byte of tensor data).

safetensors data is streamed in chunks and tested with bit masks on the raw integers, so
bfloat16 and float8 need no float conversion and memory stays flat. Torch files go through
the safe loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from app.core.inspection.failure import BadFile
from app.core.inspection.records import PROBLEM_NAN_OR_INF, PROBLEM_UNSUPPORTED_TENSOR, Problem
from app.core.inspection.safetensors_header import SafetensorsHeader
from app.core.inspection.tensor_layout import first_unsupported
from app.core.safe_open import open_regular
from app.core.tasks import CancelToken

if TYPE_CHECKING:
    import torch

# numpy is imported where a scan runs: it is ~50 ms of every CLI start otherwise (issue 14).

_CHUNK_BYTES = 8 * 1024 * 1024

# safetensors code -> (raw integer view, exponent mask that marks NaN/Inf when all set).
_MASKS: dict[str, tuple[str, int]] = {
    "F64": ("<u8", 0x7FF0_0000_0000_0000),
    "F32": ("<u4", 0x7F80_0000),
    "C64": ("<u4", 0x7F80_0000),
    "F16": ("<u2", 0x7C00),
    "BF16": ("<u2", 0x7F80),
    "F8_E5M2": ("u1", 0x7C),
    "F8_E4M3": ("u1", 0x7F),  # e4m3fn has no Inf; all-ones is NaN
    "F8_E8M0": ("u1", 0xFF),
}


@dataclass(frozen=True)
class NonFinite:
    """How many non-finite values a file holds, and the first tensor that has any."""

    count: int = 0
    first_tensor: str | None = None

    def problem(self) -> Problem | None:
        """A ``nan-or-inf`` problem, or None when every value is finite."""
        if not self.count:
            return None
        return Problem(
            PROBLEM_NAN_OR_INF,
            f"{self.count:,} NaN/Inf values, first in tensor {self.first_tensor!r}",
        )


def scan_safetensors(
    path: Path, header: SafetensorsHeader, cancel: CancelToken | None = None
) -> NonFinite:
    """Stream every floating tensor of a validated safetensors file."""
    total, first = 0, None
    with open_regular(path) as fh:  # never a FIFO or device: those never end
        for name, (begin, end) in sorted(header.offsets.items(), key=lambda kv: kv[1]):
            mask = _MASKS.get(header.source_dtypes[name])
            if mask is None:
                continue
            fh.seek(header.data_start + begin)
            bad = _count_range(fh, end - begin, *mask, cancel)
            if bad and first is None:
                first = name
            total += bad
    return NonFinite(total, first)


def _count_range(
    fh: BinaryIO, length: int, code: str, mask: int, cancel: CancelToken | None
) -> int:
    import numpy as np

    view = np.dtype(code)
    want = np.array(mask, dtype=view)
    step = _CHUNK_BYTES - _CHUNK_BYTES % view.itemsize
    bad = 0
    while length > 0:
        if cancel is not None:
            cancel.raise_if_cancelled()
        chunk = fh.read(min(step, length))
        if not chunk:
            break
        raw = np.frombuffer(chunk, dtype=view)
        bad += int(np.count_nonzero((raw & want) == want))
        length -= len(chunk)
    return bad


def scan_tensors(tensors: Mapping[str, torch.Tensor]) -> NonFinite:
    """Count non-finite values in loaded torch tensors (floating dtypes only).

    Raises :class:`BadFile` (``unsupported-tensor``) for a meta, sparse or nested
    tensor, or one torch cannot test, before counting anything.
    """
    reason = first_unsupported(tensors)
    if reason is not None:
        raise BadFile(PROBLEM_UNSUPPORTED_TENSOR, f"cannot check for NaN/Inf: {reason}")
    total, first = 0, None
    for name, tensor in tensors.items():
        if not (tensor.is_floating_point() or tensor.is_complex()):
            continue
        bad = _count_tensor(name, tensor)
        if bad and first is None:
            first = name
        total += bad
    return NonFinite(total, first)


def _count_tensor(name: str, tensor: torch.Tensor) -> int:
    try:
        if tensor.element_size() == 1:  # float8: isfinite is not implemented for it
            tensor = tensor.float()
        return int((~tensor.isfinite()).sum())
    except (RuntimeError, NotImplementedError, TypeError) as exc:  # torch's "not for this dtype"
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BadFile(
            PROBLEM_UNSUPPORTED_TENSOR,
            f"cannot check tensor {name!r} ({str(tensor.dtype).removeprefix('torch.')}) "
            f"for NaN/Inf: {first_line[:200]}",
        ) from None
