"""Records that describe what a model file is, without executing anything from it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from app.core.messages import as_text, parse, say

_E = TypeVar("_E", bound=StrEnum)


class Format(StrEnum):
    """The container a model file is stored in."""

    SAFETENSORS = "safetensors"
    TORCH_ZIP = "torch-zip"
    TORCH_PICKLE = "torch-pickle"
    DIFFUSERS = "diffusers-folder"
    GGUF = "gguf"
    UNKNOWN = "unknown"


class Kind(StrEnum):
    """What a model file is."""

    VAE = "vae"
    CHECKPOINT = "checkpoint"
    LORA = "lora"
    EMBEDDING = "embedding"
    OTHER = "other"


class Family(StrEnum):
    """The VAE families decided from shapes and hints here (the shape-level pairs included).

    SD1 and SDXL VAEs have identical shapes, as do SD3 and FLUX.1: ``SD1_OR_SDXL`` and
    ``SD3_OR_FLUX`` say so until a hint or a hash picks one. Every other family id (flux2,
    wan2.1, ltxv, ...) is a row of the family table, ``app.core.inspection.vae_families``,
    which is data rather than code: ``Inspection.family`` holds any of those ids.
    """

    SD1 = "sd1"
    SDXL = "sdxl"
    SD1_OR_SDXL = "sd1-or-sdxl"
    SD3 = "sd3"
    FLUX = "flux1"
    SD3_OR_FLUX = "sd3-or-flux1"
    TAESD = "taesd"
    UNKNOWN = "unknown"


class Layout(StrEnum):
    """How a VAE's tensors are named."""

    LDM = "ldm"
    DIFFUSERS = "diffusers"
    TAESD = "taesd"
    ORIGINAL = "original"  # single-file layout of a non-KL family (what ComfyUI loads)
    UNKNOWN = "unknown"


class ProblemCode(StrEnum):
    """The short code of each thing inspection can find wrong with a file."""

    TRUNCATED = "truncated"
    NOT_A_VAE = "not-a-vae"
    UNSAFE_PICKLE = "unsafe-pickle"
    NAN_OR_INF = "nan-or-inf"
    HEADER_TOO_LARGE = "header-too-large"
    UNKNOWN_FORMAT = "unknown-format"
    CORRUPT = "corrupt"
    UNREADABLE = "unreadable"
    UNSUPPORTED_TENSOR = "unsupported-tensor"  # meta, sparse, nested: no plain data


# The old names. StrEnum members equal their strings, so JSON, the catalog and callers
# comparing against plain strings see no difference.
KIND_VAE = Kind.VAE
KIND_CHECKPOINT = Kind.CHECKPOINT
KIND_LORA = Kind.LORA
KIND_EMBEDDING = Kind.EMBEDDING
KIND_OTHER = Kind.OTHER

FAMILY_SD1 = Family.SD1
FAMILY_SDXL = Family.SDXL
FAMILY_SD1_OR_SDXL = Family.SD1_OR_SDXL
FAMILY_SD3 = Family.SD3
FAMILY_FLUX = Family.FLUX
FAMILY_SD3_OR_FLUX = Family.SD3_OR_FLUX
FAMILY_TAESD = Family.TAESD
FAMILY_UNKNOWN = Family.UNKNOWN

LAYOUT_LDM = Layout.LDM
LAYOUT_DIFFUSERS = Layout.DIFFUSERS
LAYOUT_TAESD = Layout.TAESD
LAYOUT_ORIGINAL = Layout.ORIGINAL
LAYOUT_UNKNOWN = Layout.UNKNOWN

PROBLEM_TRUNCATED = ProblemCode.TRUNCATED
PROBLEM_NOT_A_VAE = ProblemCode.NOT_A_VAE
PROBLEM_UNSAFE_PICKLE = ProblemCode.UNSAFE_PICKLE
PROBLEM_NAN_OR_INF = ProblemCode.NAN_OR_INF
PROBLEM_HEADER_TOO_LARGE = ProblemCode.HEADER_TOO_LARGE
PROBLEM_UNKNOWN_FORMAT = ProblemCode.UNKNOWN_FORMAT
PROBLEM_CORRUPT = ProblemCode.CORRUPT
PROBLEM_UNREADABLE = ProblemCode.UNREADABLE
PROBLEM_UNSUPPORTED_TENSOR = ProblemCode.UNSUPPORTED_TENSOR

# How each family maps raw VAE latents to the diffusion model's space:
# model = (raw - shift) * scale (vae-registry.md §2.3). The preview undoes it; a
# diffusers config's scaling_factor names the family.
LATENT_SCALE_SHIFT: dict[str, tuple[float, float]] = {
    FAMILY_SD1: (0.18215, 0.0),
    FAMILY_SDXL: (0.13025, 0.0),
    FAMILY_SD3: (1.5305, 0.0609),
    FAMILY_FLUX: (0.3611, 0.1159),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: a short code and a sentence a user can read.

    ``key`` and ``params`` name the sentence's template in :mod:`app.core.messages`
    so the window can translate it; ``message`` stays the English the CLI prints.
    """

    code: str  # a ProblemCode; plain text when read back from the catalog
    message: str
    key: str = field(default="", compare=False)
    params: Mapping[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.key:  # written as plain text (or read back from the catalog): find it
            key, params = parse(self.message) or ("", {})
            object.__setattr__(self, "key", key)
            object.__setattr__(self, "params", params)

    @classmethod
    def said(cls, code: ProblemCode, key: str, /, **params: object) -> Problem:
        """A problem whose sentence is template ``key`` filled with ``params``."""
        return cls(code, say(key, **params), key, as_text(params))

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class TensorInfo:
    """Name, dtype and shape of one stored tensor, read from metadata only."""

    name: str
    dtype: str
    shape: tuple[int, ...]

    @property
    def numel(self) -> int:
        count = 1
        for dim in self.shape:
            count *= dim
        return count


@dataclass
class Inspection:
    """What a model file is: format, kind, VAE family, layout, and its problems."""

    path: str
    format: Format
    size_bytes: int
    kind: Kind = Kind.OTHER
    kind_reason: str = ""
    family: str | None = None  # a Family, or another id of the family table
    family_reason: str = ""
    layout: Layout | None = None
    dtypes: list[str] = field(default_factory=list)
    parameter_count: int = 0
    tensor_count: int = 0
    has_encoder: bool | None = None
    latent_channels: int | None = None
    family_name: str | None = None
    modality: str | None = None  # "image", "video", "audio", "3d" (vae_families.facts)
    spatial_compression: int | None = None
    temporal_compression: int | None = None
    has_decoder: bool | None = None
    usable_by: list[str] = field(default_factory=list)  # UI kinds that load this family
    metadata: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The catalog gives these back as plain strings; one it does not know (written by
        # a newer version) reads as what this version can say about it.
        self.format = _member(Format, self.format, Format.UNKNOWN)
        self.kind = _member(Kind, self.kind, Kind.OTHER)
        if self.layout is not None:
            self.layout = _member(Layout, self.layout, Layout.UNKNOWN)

    @property
    def dtype(self) -> str | None:
        """The single dtype, or a comma-joined list when the file mixes dtypes."""
        return ",".join(self.dtypes) if self.dtypes else None

    @property
    def is_vae_like(self) -> bool:
        """True for a standalone VAE or a checkpoint carrying one."""
        return self.kind in (KIND_VAE, KIND_CHECKPOINT)

    def has_problem(self, code: str) -> bool:
        return any(p.code == code for p in self.problems)

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "format": self.format,
            "size_bytes": self.size_bytes,
            "kind": self.kind,
            "kind_reason": self.kind_reason,
            "family": self.family,
            "family_reason": self.family_reason,
            "layout": self.layout,
            "dtype": self.dtype,
            "parameter_count": self.parameter_count,
            "tensor_count": self.tensor_count,
            "has_encoder": self.has_encoder,
            "latent_channels": self.latent_channels,
            "family_name": self.family_name,
            "modality": self.modality,
            "spatial_compression": self.spatial_compression,
            "temporal_compression": self.temporal_compression,
            "has_decoder": self.has_decoder,
            "usable_by": list(self.usable_by),
            "problems": [p.to_json() for p in self.problems],
        }


def _member(enum: type[_E], value: str, default: _E) -> _E:
    """``enum(value)``, or ``default`` for a value this version does not know."""
    try:
        return enum(value)
    except ValueError:
        return default
