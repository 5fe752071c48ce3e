"""Read and validate a safetensors header without touching tensor data.

A safetensors file is an 8-byte little-endian header length, a JSON header, then one
data area. Reading only the header keeps inspection of multi-GB files instant; the checks
here catch the same inconsistencies the safetensors library would refuse at load time,
but with messages that say what is wrong (e.g. an interrupted download).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

from app.core.inspection.dtypes import SAFETENSORS_DTYPES
from app.core.inspection.failure import BadFile
from app.core.inspection.records import (
    PROBLEM_CORRUPT,
    PROBLEM_HEADER_TOO_LARGE,
    PROBLEM_TRUNCATED,
    TensorInfo,
)

MAX_HEADER_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class SafetensorsHeader:
    """Parsed header: tensors, their byte ranges, and ``__metadata__``."""

    tensors: dict[str, TensorInfo]
    offsets: dict[str, tuple[int, int]]  # relative to data_start
    source_dtypes: dict[str, str]  # safetensors codes ("F16"), for raw-data readers
    metadata: dict[str, str]
    data_start: int
    file_size: int


def read_header(path: str | Path) -> SafetensorsHeader:
    """Parse and validate the header of ``path``; raise :class:`BadFile` when it is bad."""
    path = Path(path)
    with open(path, "rb") as fh:
        size = fh.seek(0, 2)
        fh.seek(0)
        length = _read_length(fh.read(8), size)
        raw = fh.read(length)
    header = _decode_json(raw)
    tensors, offsets, codes = _parse_entries(header)
    _check_data_area(offsets, size, 8 + length)
    return SafetensorsHeader(
        tensors=tensors,
        offsets=offsets,
        source_dtypes=codes,
        metadata=_metadata(header.get("__metadata__")),
        data_start=8 + length,
        file_size=size,
    )


def _read_length(prefix: bytes, size: int) -> int:
    if len(prefix) < 8:
        raise BadFile(
            PROBLEM_TRUNCATED, f"file is {size:,} bytes; a safetensors file needs at least 8"
        )
    (length,) = struct.unpack("<Q", prefix)
    if length > MAX_HEADER_BYTES:
        raise BadFile(
            PROBLEM_HEADER_TOO_LARGE,
            f"header claims {length:,} bytes (limit {MAX_HEADER_BYTES:,}) "
            f"but the file is {size:,} bytes: corrupt or not a safetensors file",
        )
    if 8 + length > size:
        raise BadFile(
            PROBLEM_TRUNCATED,
            f"file is {size:,} bytes but its header alone needs {8 + length:,}: "
            "the file was cut short (interrupted download or copy?)",
        )
    return length


def _decode_json(raw: bytes) -> dict:
    try:
        header = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadFile(PROBLEM_CORRUPT, f"header is not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise BadFile(PROBLEM_CORRUPT, f"header is not valid JSON ({exc.msg})") from None
    if not isinstance(header, dict):
        raise BadFile(PROBLEM_CORRUPT, "header is JSON but not an object")
    return header


def _parse_entries(header: dict):
    tensors: dict[str, TensorInfo] = {}
    offsets: dict[str, tuple[int, int]] = {}
    codes: dict[str, str] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        code, shape, begin, end = _parse_entry(name, entry)
        dtype, bits = SAFETENSORS_DTYPES[code]
        info = TensorInfo(name=name, dtype=dtype, shape=shape)
        expected = (info.numel * bits + 7) // 8
        if end - begin != expected:
            raise BadFile(
                PROBLEM_CORRUPT,
                f"tensor {name!r} spans {end - begin:,} bytes but {code} {list(shape)} "
                f"needs {expected:,}",
            )
        tensors[name], offsets[name], codes[name] = info, (begin, end), code
    return tensors, offsets, codes


def _parse_entry(name: str, entry: object) -> tuple[str, tuple[int, ...], int, int]:
    if not isinstance(entry, dict):
        raise BadFile(PROBLEM_CORRUPT, f"tensor {name!r}: header entry is not an object")
    code, shape, span = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if code not in SAFETENSORS_DTYPES:
        raise BadFile(PROBLEM_CORRUPT, f"tensor {name!r} has unknown dtype {code!r}")
    if not isinstance(shape, list) or not all(_is_nonneg_int(d) for d in shape):
        raise BadFile(PROBLEM_CORRUPT, f"tensor {name!r} has a bad shape {shape!r}")
    if (
        not isinstance(span, list)
        or len(span) != 2
        or not all(_is_nonneg_int(v) for v in span)
        or span[0] > span[1]
    ):
        raise BadFile(PROBLEM_CORRUPT, f"tensor {name!r} has bad data_offsets {span!r}")
    return code, tuple(shape), span[0], span[1]


def _is_nonneg_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_data_area(offsets: dict[str, tuple[int, int]], size: int, data_start: int) -> None:
    """Tensors must tile the data area exactly, and the file must hold all of it."""
    position = 0
    for name, (begin, end) in sorted(offsets.items(), key=lambda item: item[1]):
        if begin != position:
            what = "overlaps the previous tensor" if begin < position else "leaves a gap"
            raise BadFile(PROBLEM_CORRUPT, f"tensor {name!r} {what} in the data area")
        position = end
    needed = data_start + position
    if needed > size:
        raise BadFile(
            PROBLEM_TRUNCATED,
            f"file is {size:,} bytes but tensors need {needed:,}: the file was cut short "
            "(interrupted download or copy?)",
        )
    if needed < size:
        raise BadFile(
            PROBLEM_CORRUPT,
            f"file has {size - needed:,} unexpected bytes after the last tensor",
        )


def _metadata(raw: object) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}
