"""Tensor names, dtypes and shapes from an already-scanned torch file, without torch.

The object pickle is replayed with an unpickler whose only callables are inert stand-ins
(a tensor becomes a ``(dtype, shape, view)`` record), so no storage bytes are read and
torch is never imported. Every tensor's view must then fit inside its storage, and every
storage must exist with its full size in the file (torch refuses the same views, or
allocates them before it checks, as ``_rebuild_qtensor`` does).
"""

from __future__ import annotations

import os
import struct
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from app.core.inspection import pickle_stubs as stubs
from app.core.inspection.dtypes import item_bytes
from app.core.inspection.failure import BadFile
from app.core.inspection.pickle_scan import cannot_prove
from app.core.inspection.records import (
    PROBLEM_CORRUPT,
    PROBLEM_TRUNCATED,
    PROBLEM_UNSUPPORTED_TENSOR,
    TensorInfo,
)
from app.core.inspection.torch_scan import (
    FORMAT_ZIP,
    MAX_PICKLE_BYTES,
    TorchScan,
    file_identity,
    open_pickle,
    read_plain_pickle,
)
from app.core.safe_open import open_regular

_MAX_DEPTH = 8
MAX_ENTRIES = 200_000  # names reached while flattening (shared sub-dicts multiply them)
_MAX_TEXT = 200
_MAX_NAME = 1000


@dataclass(frozen=True)
class TorchContents:
    """What a torch file holds: its tensors (flattened names) and scalar extras."""

    tensors: dict[str, TensorInfo]
    extras: dict[str, str]


def read_torch_contents(path: str | Path, scan: TorchScan) -> TorchContents:
    """Describe the tensors of a torch file whose scan found only allowed globals."""
    with open_regular(path) as fh:  # never a FIFO or device: those never end
        if scan.identity is not None and file_identity(os.fstat(fh.fileno())) != scan.identity:
            raise cannot_prove("the file changed while it was being checked")
        obj, unpickler = _unpickle(fh, scan)
        _check_views(unpickler.tensors)
        if scan.format == FORMAT_ZIP:
            _check_zip_storages(scan, unpickler.storages)
        else:
            keys = read_plain_pickle(fh, scan.pickle_spans[4], MAX_PICKLE_BYTES)
            _check_legacy_storages(fh, scan.data_offset, keys, unpickler.storages)
    return _describe(obj)


def _unpickle(fh: BinaryIO, scan: TorchScan) -> tuple[object, stubs.MetadataUnpickler]:
    unpickler = stubs.MetadataUnpickler(open_pickle(fh, scan))
    try:
        obj = unpickler.load()
    except stubs.BadTensor as exc:
        raise BadFile(PROBLEM_CORRUPT, f"the tensor index holds {exc}") from None
    except BadFile:
        raise
    except Exception as exc:  # the scan passed, so this is damage, not an attack
        raise BadFile(PROBLEM_CORRUPT, f"could not read the tensor index ({exc})") from None
    return obj, unpickler


def _check_views(tensors: list[stubs.TensorStub]) -> None:
    for tensor in tensors:
        storage = tensor.storage
        if storage is None:
            continue  # a meta tensor: named with its key by _flatten
        need = tensor.extent * item_bytes(tensor.dtype)
        have = storage.numel * item_bytes(storage.dtype)
        if need > have:
            raise BadFile(
                PROBLEM_CORRUPT,
                f"a {tensor.dtype} tensor of shape {list(tensor.shape)} views {need:,} bytes of "
                f"storage {storage.key}, which holds {have:,}: the file is damaged or forged",
            )


def _check_zip_storages(scan: TorchScan, storages: dict[str, stubs.Storage]) -> None:
    assert scan.directory is not None
    for key, storage in storages.items():
        need = storage.numel * item_bytes(storage.dtype)
        member = scan.directory.record(f"data/{key}")
        if member is None:
            raise BadFile(PROBLEM_CORRUPT, f"storage {key} is missing from the archive")
        if member.size < need:
            raise BadFile(
                PROBLEM_CORRUPT, f"storage {key} holds {member.size:,} bytes, needs {need:,}"
            )


def _check_legacy_storages(
    fh: BinaryIO, offset: int, keys: object, storages: dict[str, stubs.Storage]
) -> None:
    """Legacy files store, per key in order, an int64 element count then the raw bytes."""
    if not isinstance(keys, list) or set(map(str, keys)) != set(storages):
        raise BadFile(PROBLEM_CORRUPT, "storage key list does not match the tensors")
    size = os.fstat(fh.fileno()).st_size
    for key in map(str, keys):
        storage = storages[key]
        fh.seek(offset)
        prefix = fh.read(8)
        if len(prefix) == 8 and struct.unpack("<q", prefix)[0] != storage.numel:
            raise BadFile(PROBLEM_CORRUPT, f"storage {key} has a wrong element count")
        offset += 8 + storage.numel * item_bytes(storage.dtype)
        if offset > size:
            raise BadFile(
                PROBLEM_TRUNCATED,
                f"file is {size:,} bytes but tensors need at least {offset:,}: the file was cut "
                "short (interrupted download or copy?)",
            )
    if offset < size:
        raise cannot_prove(
            f"{size - offset:,} bytes after the last storage belong to nothing torch reads"
        )


def _describe(obj: object) -> TorchContents:
    extras: dict[str, str] = {}
    if isinstance(obj, dict) and isinstance(obj.get("state_dict"), dict):
        extras = {
            _text(k, _MAX_TEXT): _text(v, _MAX_TEXT)
            for k, v in obj.items()
            if isinstance(v, (int, float, str)) and not isinstance(v, bool)
        }
        obj = obj["state_dict"]
    tensors: dict[str, TensorInfo] = {}
    _flatten(obj, "", tensors, 0, [0])
    return TorchContents(tensors=tensors, extras=extras)


def _text(value: object, limit: int) -> str:
    if isinstance(value, int) and value.bit_length() > 64:
        return f"<{value.bit_length()}-bit integer>"  # str() of it can take seconds, or fail
    return str(value)[:limit]


def _flatten(
    obj: object, prefix: str, out: dict[str, TensorInfo], depth: int, visits: list[int]
) -> None:
    visits[0] += 1
    if visits[0] > MAX_ENTRIES:
        raise cannot_prove(
            f"its tensor index names more than {MAX_ENTRIES:,} entries (shared sub-dicts "
            "repeated over and over)"
        )
    if isinstance(obj, stubs.TensorStub):
        if obj.storage is None:
            raise BadFile(
                PROBLEM_UNSUPPORTED_TENSOR,
                f"'{prefix}' is a meta tensor: it has a shape but no data, so no UI can load "
                "weights from this file",
            )
        out[prefix] = TensorInfo(name=prefix, dtype=obj.dtype, shape=obj.shape)
    elif isinstance(obj, stubs.UnsupportedTensor):
        raise BadFile(
            PROBLEM_UNSUPPORTED_TENSOR,
            f"'{prefix}' is a sparse, nested or subclassed tensor: it holds no plain weights a "
            "UI can load",
        )
    elif isinstance(obj, (dict, OrderedDict, Counter)) and depth < _MAX_DEPTH:
        for key, value in obj.items():
            key_text = _text(key, _MAX_NAME)
            name = f"{prefix}.{key_text}" if prefix else key_text
            _flatten(value, name, out, depth + 1, visits)
