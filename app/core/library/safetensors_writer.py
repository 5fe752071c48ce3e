"""Write tensors in the safetensors format, deterministically and in a stream.

The safetensors library stores ``__metadata__`` in a hash map whose order
changes from run to run, so saving the same tensors twice can give different
bytes, and de-duplication by SHA-256 would miss that two conversions are equal.
This writer emits a canonical header (sorted JSON, padded to 8 bytes), lays
tensors out by element size then name (each stays aligned), and writes them
one by one to an open file with progress and cancellation.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

from app.core.errors import UserError
from app.core.inspection.dtypes import SAFETENSORS_DTYPES
from app.core.tasks import CancelToken, ProgressCallback, no_progress

if TYPE_CHECKING:
    import torch

_CODE_FOR = {name: code for code, (name, bits) in SAFETENSORS_DTYPES.items() if bits % 8 == 0}


def dtype_code(tensor: torch.Tensor) -> str:
    """The safetensors code of a tensor's dtype (``F16``, ``BF16``, ...)."""
    name = str(tensor.dtype).removeprefix("torch.")
    if name not in _CODE_FOR:
        raise UserError(f"tensors of type {name} cannot be stored as safetensors")
    return _CODE_FOR[name]


def layout(tensors: dict[str, torch.Tensor]) -> list[str]:
    """Names in file order: bigger elements first (keeps alignment), then by name."""
    return sorted(tensors, key=lambda k: (-tensors[k].element_size(), k))


def header_bytes(tensors: dict[str, torch.Tensor], metadata: dict[str, str]) -> bytes:
    """The length prefix plus the canonical JSON header, padded with spaces to 8 bytes."""
    header: dict[str, object] = {"__metadata__": dict(metadata)} if metadata else {}
    offset = 0
    for name in layout(tensors):
        tensor = tensors[name]
        size = tensor.numel() * tensor.element_size()
        header[name] = {
            "dtype": dtype_code(tensor),
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + size],
        }
        offset += size
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-(len(text) + 8) % 8)
    return len(text).to_bytes(8, "little") + text


def write_tensors(
    fd: int,
    tensors: dict[str, torch.Tensor],
    metadata: dict[str, str],
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Write a safetensors file to ``fd``; tensors must be contiguous. Return bytes written."""
    import torch

    if sys.byteorder != "little":
        raise UserError("writing safetensors needs a little-endian machine")
    head = header_bytes(tensors, metadata)
    total = len(head) + sum(t.numel() * t.element_size() for t in tensors.values())
    done = _write_all(fd, memoryview(head))
    for name in layout(tensors):
        if cancel is not None:
            cancel.raise_if_cancelled()
        flat = tensors[name].detach().cpu().contiguous().reshape(-1)
        if flat.numel():
            done += _write_all(fd, flat.view(torch.uint8).numpy().data)
        progress(done, total)
    return done


def _write_all(fd: int, data: memoryview) -> int:
    written = 0
    while written < len(data):
        written += os.write(fd, data[written:])
    return written
