"""Tensor names, dtypes and shapes from an already-scanned torch file, without torch.

The object pickle is replayed with an unpickler whose only callables are inert stand-ins
(a tensor becomes a ``(dtype, shape)`` record), so no storage bytes are read and torch is
never imported. Storage sizes are then checked against the file to catch truncation.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path

from app.core.inspection import pickle_stubs as stubs
from app.core.inspection.dtypes import item_bytes
from app.core.inspection.failure import BadFile
from app.core.inspection.records import PROBLEM_CORRUPT, PROBLEM_TRUNCATED, TensorInfo
from app.core.inspection.torch_scan import FORMAT_ZIP, TorchScan, read_plain_pickle

_MAX_DEPTH = 8


@dataclass(frozen=True)
class TorchContents:
    """What a torch file holds: its tensors (flattened names) and scalar extras."""

    tensors: dict[str, TensorInfo]
    extras: dict[str, str]


def read_torch_contents(path: str | Path, scan: TorchScan) -> TorchContents:
    """Describe the tensors of a torch file whose scan found only allowed globals."""
    path = Path(path)
    if scan.format == FORMAT_ZIP:
        with zipfile.ZipFile(path) as zf:
            obj, storages = _unpickle(zf.read(scan.archive_prefix + "data.pkl"))
            _check_zip_storages(zf, scan.archive_prefix, storages)
    else:
        start, end = scan.pickle_spans[3]
        with open(path, "rb") as fh:
            fh.seek(start)
            obj, storages = _unpickle(fh.read(end - start))
        keys = read_plain_pickle(path, scan.pickle_spans[4])
        _check_legacy_storages(path, scan.data_offset, keys, storages)
    return _describe(obj)


def _unpickle(data: bytes) -> tuple[object, dict[str, stubs.Storage]]:
    unpickler = stubs.MetadataUnpickler(io.BytesIO(data))
    try:
        obj = unpickler.load()
    except Exception as exc:  # the scan passed, so this is damage, not an attack
        raise BadFile(PROBLEM_CORRUPT, f"could not read the tensor index ({exc})") from None
    return obj, unpickler.storages


def _check_zip_storages(
    zf: zipfile.ZipFile, prefix: str, storages: dict[str, stubs.Storage]
) -> None:
    for key, storage in storages.items():
        need = storage.numel * item_bytes(storage.dtype)
        try:
            have = zf.getinfo(f"{prefix}data/{key}").file_size
        except KeyError:
            raise BadFile(PROBLEM_CORRUPT, f"storage {key} is missing from the archive") from None
        if have < need:
            raise BadFile(PROBLEM_CORRUPT, f"storage {key} holds {have:,} bytes, needs {need:,}")


def _check_legacy_storages(
    path: Path, offset: int, keys: object, storages: dict[str, stubs.Storage]
) -> None:
    """Legacy files store, per key in order, an int64 element count then the raw bytes."""
    if not isinstance(keys, list) or set(map(str, keys)) != set(storages):
        raise BadFile(PROBLEM_CORRUPT, "storage key list does not match the tensors")
    size = path.stat().st_size
    with open(path, "rb") as fh:
        for key in map(str, keys):
            storage = storages[key]
            fh.seek(offset)
            prefix = fh.read(8)
            if len(prefix) == 8 and struct.unpack("<q", prefix)[0] != storage.numel:
                raise BadFile(PROBLEM_CORRUPT, f"storage {key} has a wrong element count")
            offset += 8 + storage.numel * item_bytes(storage.dtype)
            if offset > size:
                break
    if offset > size:
        raise BadFile(
            PROBLEM_TRUNCATED,
            f"file is {size:,} bytes but tensors need at least {offset:,}: the file was cut "
            "short (interrupted download or copy?)",
        )


def _describe(obj: object) -> TorchContents:
    extras: dict[str, str] = {}
    if isinstance(obj, dict) and isinstance(obj.get("state_dict"), dict):
        extras = {
            str(k): str(v)
            for k, v in obj.items()
            if isinstance(v, (int, float, str)) and not isinstance(v, bool)
        }
        obj = obj["state_dict"]
    tensors: dict[str, TensorInfo] = {}
    _flatten(obj, "", tensors, 0)
    return TorchContents(tensors=tensors, extras=extras)


def _flatten(obj: object, prefix: str, out: dict[str, TensorInfo], depth: int) -> None:
    if isinstance(obj, stubs.TensorStub):
        out[prefix] = TensorInfo(name=prefix, dtype=obj.dtype, shape=obj.shape)
    elif isinstance(obj, (dict, OrderedDict, Counter)) and depth < _MAX_DEPTH:
        for key, value in obj.items():
            _flatten(value, f"{prefix}.{key}" if prefix else str(key), out, depth + 1)
