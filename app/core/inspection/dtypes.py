"""Dtype names shared by the parsers, so every format reports ``float16`` the same way."""

from __future__ import annotations

# safetensors dtype code -> (torch-style name, bits per element).
SAFETENSORS_DTYPES: dict[str, tuple[str, int]] = {
    "F64": ("float64", 64),
    "F32": ("float32", 32),
    "F16": ("float16", 16),
    "BF16": ("bfloat16", 16),
    "F8_E4M3": ("float8_e4m3fn", 8),
    "F8_E5M2": ("float8_e5m2", 8),
    "F8_E8M0": ("float8_e8m0fnu", 8),
    "F8_E4M3FNUZ": ("float8_e4m3fnuz", 8),
    "F8_E5M2FNUZ": ("float8_e5m2fnuz", 8),
    "F6_E2M3": ("float6_e2m3", 6),
    "F6_E3M2": ("float6_e3m2", 6),
    "F4": ("float4_e2m1", 4),
    "C64": ("complex64", 64),
    "I64": ("int64", 64),
    "I32": ("int32", 32),
    "I16": ("int16", 16),
    "I8": ("int8", 8),
    "U64": ("uint64", 64),
    "U32": ("uint32", 32),
    "U16": ("uint16", 16),
    "U8": ("uint8", 8),
    "BOOL": ("bool", 8),
}

# Legacy typed-storage class name (as pickled by torch.save) -> dtype name.
STORAGE_DTYPES: dict[str, str] = {
    "DoubleStorage": "float64",
    "FloatStorage": "float32",
    "HalfStorage": "float16",
    "BFloat16Storage": "bfloat16",
    "LongStorage": "int64",
    "IntStorage": "int32",
    "ShortStorage": "int16",
    "CharStorage": "int8",
    "ByteStorage": "uint8",
    "BoolStorage": "bool",
    "ComplexDoubleStorage": "complex128",
    "ComplexFloatStorage": "complex64",
    "QInt8Storage": "qint8",
    "QInt32Storage": "qint32",
    "QUInt8Storage": "quint8",
    "QUInt4x2Storage": "quint4x2",
    "QUInt2x4Storage": "quint2x4",
    "UntypedStorage": "uint8",
}

# Torch dtype attribute names that may appear as ``torch.<name>`` globals.
TORCH_DTYPE_NAMES: frozenset[str] = frozenset(
    {
        *(name for name, _ in SAFETENSORS_DTYPES.values()),
        *STORAGE_DTYPES.values(),
        "complex32",
        "complex128",
        "float8_e4m3fnuz",
        "float8_e5m2fnuz",
        "float4_e2m1fn_x2",
        "bits8",
        "bits16",
        "bits1x8",
        "bits2x4",
        "bits4x2",
        *(f"uint{n}" for n in range(1, 8)),
        *(f"int{n}" for n in range(1, 8)),
        # Older aliases torch still pickles under.
        "half",
        "float",
        "double",
        "long",
        "int",
        "short",
        "cfloat",
        "cdouble",
    }
)

_ITEM_BYTES = {
    "float64": 8,
    "float32": 4,
    "float16": 2,
    "bfloat16": 2,
    "int64": 8,
    "int32": 4,
    "int16": 2,
    "int8": 1,
    "uint64": 8,
    "uint32": 4,
    "uint16": 2,
    "uint8": 1,
    "bool": 1,
    "complex128": 16,
    "complex64": 8,
    "complex32": 4,
    "qint8": 1,
    "quint8": 1,
    "qint32": 4,
}


def item_bytes(dtype: str) -> int:
    """Bytes per element for a dtype name; 1 for the float8/bit families."""
    return _ITEM_BYTES.get(dtype, 1)


def is_floating(dtype: str) -> bool:
    """Whether NaN/Inf can occur in this dtype."""
    return dtype.startswith(("float", "bfloat", "complex"))
