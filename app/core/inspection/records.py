"""Records that describe what a model file is, without executing anything from it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.core.messages import as_text, parse, say

# Kinds of model file.
KIND_VAE = "vae"
KIND_CHECKPOINT = "checkpoint"
KIND_LORA = "lora"
KIND_EMBEDDING = "embedding"
KIND_OTHER = "other"

# VAE families. SD1 and SDXL VAEs have identical shapes; "sd1-or-sdxl" says so.
FAMILY_SD1 = "sd1"
FAMILY_SDXL = "sdxl"
FAMILY_SD1_OR_SDXL = "sd1-or-sdxl"
FAMILY_SD3 = "sd3"
FAMILY_FLUX = "flux1"
FAMILY_SD3_OR_FLUX = "sd3-or-flux1"
FAMILY_TAESD = "taesd"
FAMILY_UNKNOWN = "unknown"
# Every other family id (flux2, wan2.1, ltxv, ...) and its facts: app.core.inspection.vae_families.

# How each family maps raw VAE latents to the diffusion model's space:
# model = (raw - shift) * scale (vae-registry.md §2.3). The preview undoes it; a
# diffusers config's scaling_factor names the family.
LATENT_SCALE_SHIFT: dict[str, tuple[float, float]] = {
    FAMILY_SD1: (0.18215, 0.0),
    FAMILY_SDXL: (0.13025, 0.0),
    FAMILY_SD3: (1.5305, 0.0609),
    FAMILY_FLUX: (0.3611, 0.1159),
}

# Key layouts.
LAYOUT_LDM = "ldm"
LAYOUT_DIFFUSERS = "diffusers"
LAYOUT_TAESD = "taesd"
LAYOUT_ORIGINAL = "original"  # single-file layout of a non-KL family (what ComfyUI loads)
LAYOUT_UNKNOWN = "unknown"

# Problem codes.
PROBLEM_TRUNCATED = "truncated"
PROBLEM_NOT_A_VAE = "not-a-vae"
PROBLEM_UNSAFE_PICKLE = "unsafe-pickle"
PROBLEM_NAN_OR_INF = "nan-or-inf"
PROBLEM_HEADER_TOO_LARGE = "header-too-large"
PROBLEM_UNKNOWN_FORMAT = "unknown-format"
PROBLEM_CORRUPT = "corrupt"
PROBLEM_UNREADABLE = "unreadable"
PROBLEM_UNSUPPORTED_TENSOR = "unsupported-tensor"  # meta, sparse, nested: no plain data


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: a short code and a sentence a user can read.

    ``key`` and ``params`` name the sentence's template in :mod:`app.core.messages`
    so the window can translate it; ``message`` stays the English the CLI prints.
    """

    code: str
    message: str
    key: str = field(default="", compare=False)
    params: Mapping[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.key:  # written as plain text (or read back from the catalog): find it
            key, params = parse(self.message) or ("", {})
            object.__setattr__(self, "key", key)
            object.__setattr__(self, "params", params)

    @classmethod
    def said(cls, code: str, key: str, /, **params: object) -> Problem:
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
    format: str  # "safetensors", "torch-zip", "torch-pickle", "diffusers-folder", "unknown"
    size_bytes: int
    kind: str = KIND_OTHER
    kind_reason: str = ""
    family: str | None = None
    family_reason: str = ""
    layout: str | None = None
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
