"""Read and validate a safetensors header without touching tensor data.

A safetensors file is an 8-byte little-endian header length, a JSON header, then one
data area. Reading only the header keeps inspection of multi-GB files instant; the checks
here catch the same inconsistencies the safetensors library would refuse at load time,
but with messages that say what is wrong (e.g. an interrupted download).

The rules mirror the loader that will open the file, huggingface/safetensors
``safetensors/src/tensor.rs`` (``read_metadata``, ``Metadata::validate``, ``TensorInfo``)
with serde_json underneath: header at most 100,000,000 bytes, sizes and offsets are
64-bit unsigned integers, ``__metadata__`` maps strings to strings, no field twice in a
tensor entry, no NaN/Infinity, nesting below serde_json's 128 levels, the element count
folded dimension by dimension without overflow, ``elements * bits`` a whole number of
bytes equal to the span, spans tiling the data area to the end of the file. Where that
loader is more lenient (a tensor name twice, nesting 64-127 deep, a number with more
than 20 digits in a field it ignores, a dimension torch's int64 sizes cannot hold) the
file is refused too: no real writer produces it.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.core.bounded_json import BoundedJsonError, loads_bounded
from app.core.inspection.dtypes import SAFETENSORS_DTYPES
from app.core.inspection.failure import BadFile
from app.core.inspection.records import (
    PROBLEM_CORRUPT,
    PROBLEM_HEADER_TOO_LARGE,
    PROBLEM_TRUNCATED,
    TensorInfo,
)
from app.core.safe_open import open_regular

MAX_HEADER_BYTES = 100_000_000  # the loader's MAX_HEADER_SIZE
# What this app parses: real headers, training metadata included, stay under a few MB, and
# json.loads of 100 MB of text with one emoji in it needs ~900 MB (4-byte characters, twice).
MAX_PARSED_HEADER_BYTES = 32 << 20
MAX_HEADER_DEPTH = 64  # a real header nests 3 deep (object, tensor entry, shape)
MAX_HEADER_VALUES = 2_000_000  # ~200,000 tensor entries; bounds the parse to ~150 MB
MAX_NUMBER_DIGITS = 20  # 2**64 - 1 has 20 digits
MAX_DIMENSION = 2**63 - 1  # torch sizes are int64
MAX_BITS = 2**64 - 1  # the loader computes elements * bits in a 64-bit usize
_LONE_SURROGATE = re.compile("[\\ud800-\\udfff]")


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
    with open_regular(path) as fh:  # never a FIFO or device: those never end
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
        raise BadFile.of(PROBLEM_TRUNCATED, "truncated.safetensors-prefix", size=f"{size:,}")
    length: int = struct.unpack("<Q", prefix)[0]
    if length > MAX_HEADER_BYTES:
        raise BadFile.of(
            PROBLEM_HEADER_TOO_LARGE, "header.claims-too-much",
            length=f"{length:,}", limit=f"{MAX_HEADER_BYTES:,}", size=f"{size:,}",
        )  # fmt: skip
    if 8 + length > size:
        raise BadFile.of(
            PROBLEM_TRUNCATED, "truncated.header", size=f"{size:,}", need=f"{8 + length:,}"
        )
    if length > MAX_PARSED_HEADER_BYTES:
        raise BadFile.of(
            PROBLEM_HEADER_TOO_LARGE, "header.too-large",
            length=f"{length:,}", limit=f"{MAX_PARSED_HEADER_BYTES:,}",
        )  # fmt: skip
    return length


def _decode_json(raw: bytes) -> dict[str, object]:
    try:
        header = loads_bounded(
            raw,
            max_bytes=MAX_PARSED_HEADER_BYTES,
            max_depth=MAX_HEADER_DEPTH,
            max_values=MAX_HEADER_VALUES,
            max_int_digits=MAX_NUMBER_DIGITS,
            strict=True,
        )
    except BoundedJsonError as exc:
        raise BadFile(
            PROBLEM_CORRUPT, f"header {exc.message}: not a loadable safetensors header"
        ) from None
    if not isinstance(header, dict):
        raise BadFile(PROBLEM_CORRUPT, "header is JSON but not an object")
    return header


def _parse_entries(
    header: Mapping[str, object],
) -> tuple[dict[str, TensorInfo], dict[str, tuple[int, int]], dict[str, str]]:
    tensors: dict[str, TensorInfo] = {}
    offsets: dict[str, tuple[int, int]] = {}
    codes: dict[str, str] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        _check_text(name, "a tensor name")
        code, shape, begin, end = _parse_entry(name, entry)
        dtype, bits = SAFETENSORS_DTYPES[code]
        info = TensorInfo(name=name, dtype=dtype, shape=shape)
        expected = _span_bytes(name, code, shape, bits)
        if end - begin != expected:
            raise BadFile(
                PROBLEM_CORRUPT,
                f"tensor {name!r} spans {end - begin:,} bytes but {code} {list(shape)} "
                f"needs {expected:,}",
            )
        tensors[name], offsets[name], codes[name] = info, (begin, end), code
    return tensors, offsets, codes


def _span_bytes(name: str, code: str, shape: tuple[int, ...], bits: int) -> int:
    """Bytes the loader expects, folding the element count as it does (overflow = refused)."""
    count = 1
    for dim in shape:
        count *= dim
        if count > MAX_DIMENSION:
            raise BadFile(
                PROBLEM_CORRUPT,
                f"tensor {name!r} has shape {_short(shape)} whose element count overflows "
                "64 bits: the loader refuses it",
            )
    if count * bits > MAX_BITS:
        raise BadFile(
            PROBLEM_CORRUPT,
            f"tensor {name!r}: {count:,} {code} elements overflow 64 bits of size",
        )
    if count * bits % 8:
        raise BadFile(
            PROBLEM_CORRUPT,
            f"tensor {name!r}: {count:,} {code} elements ({bits} bits each) do not fill "
            "whole bytes: the loader refuses it",
        )
    return count * bits // 8


def _parse_entry(name: str, entry: object) -> tuple[str, tuple[int, ...], int, int]:
    if not isinstance(entry, dict):
        raise BadFile(PROBLEM_CORRUPT, f"tensor {name!r}: header entry is not an object")
    code, shape, span = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if not isinstance(code, str) or code not in SAFETENSORS_DTYPES:
        raise BadFile(PROBLEM_CORRUPT, f"tensor {name!r} has unknown dtype {_short(code)}")
    if not isinstance(shape, list) or not all(_is_nonneg_int(d) for d in shape):
        raise BadFile(PROBLEM_CORRUPT, f"tensor {name!r} has a bad shape {_short(shape)}")
    if any(d > MAX_DIMENSION for d in shape):
        raise BadFile(
            PROBLEM_CORRUPT,
            f"tensor {name!r} has a dimension beyond 2**63 - 1 in {_short(shape)}: "
            "torch cannot hold it",
        )
    if (
        not isinstance(span, list)
        or len(span) != 2
        or not all(_is_nonneg_int(v) and v <= MAX_BITS for v in span)
        or span[0] > span[1]
    ):
        raise BadFile(PROBLEM_CORRUPT, f"tensor {name!r} has bad data_offsets {_short(span)}")
    return code, tuple(shape), span[0], span[1]


def _short(value: object, limit: int = 120) -> str:
    """``repr`` cut to ``limit`` characters: a hostile shape may hold a million entries."""
    text = repr(value) if not isinstance(value, tuple) else repr(list(value))
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _check_text(text: str, what: str) -> None:
    """serde_json refuses unpaired surrogate escapes; such text cannot be shown or stored."""
    if _LONE_SURROGATE.search(text):
        raise BadFile(
            PROBLEM_CORRUPT,
            f"header has {what} with an unpaired UTF-16 surrogate escape: the loader refuses it",
        )


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
        raise BadFile.of(
            PROBLEM_TRUNCATED, "truncated.safetensors-data", size=f"{size:,}", need=f"{needed:,}"
        )
    if needed < size:
        raise BadFile(
            PROBLEM_CORRUPT,
            f"file has {size - needed:,} unexpected bytes after the last tensor",
        )


def _metadata(raw: object) -> dict[str, str]:
    """``__metadata__``: absent, null, or an object of strings (anything else fails to load)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise BadFile(
            PROBLEM_CORRUPT,
            "header __metadata__ must map names to strings: the loader refuses this file",
        )
    for key, value in raw.items():
        _check_text(key, "a metadata name")
        _check_text(value, f"metadata {key[:80]!r}")
    return dict(raw)
