"""The verdict of one family detector, and safe shape access for the detectors.

Headers come from files the user did not write: a tensor may be missing, have no
dimensions or more than expected. :class:`Keys` answers "is this key there" and "what
is dimension i of that key" without ever raising, so a hostile header can at worst
match no family.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.core.inspection.records import (
    LAYOUT_DIFFUSERS,
    LAYOUT_LDM,
    LAYOUT_ORIGINAL,
    LAYOUT_TAESD,
    Layout,
    TensorInfo,
)

__all__ = [  # the layouts are re-exported for the detectors
    "LAYOUT_DIFFUSERS",
    "LAYOUT_LDM",
    "LAYOUT_ORIGINAL",
    "LAYOUT_TAESD",
    "Keys",
    "VaeMatch",
    "halves",
]


@dataclass(frozen=True)
class VaeMatch:
    """A family detector's verdict on a set of tensors (prefix already stripped)."""

    family: str
    reason: str
    layout: Layout
    latent_channels: int | None
    has_encoder: bool
    has_decoder: bool
    has_quant_conv: bool | None = None
    spatial_compression: int | None = None
    """Overrides the family's when the file itself says otherwise (None: use the family's)."""
    name: str | None = None
    """A more precise display name than the family's (``TAESD, 16 channels``)."""


class Keys:
    """Read-only view of a header's tensors for detectors: presence, prefixes, dimensions."""

    def __init__(self, tensors: Mapping[str, TensorInfo]) -> None:
        self.tensors = tensors

    def __contains__(self, key: str) -> bool:
        return key in self.tensors

    def any(self, *keys: str) -> bool:
        """Whether at least one of ``keys`` is present."""
        return any(k in self.tensors for k in keys)

    def prefixed(self, prefix: str) -> bool:
        """Whether any key starts with ``prefix``."""
        return any(k.startswith(prefix) for k in self.tensors)

    def ndim(self, key: str) -> int | None:
        """Number of dimensions of ``key``, None when absent."""
        info = self.tensors.get(key)
        return len(info.shape) if info is not None else None

    def dim(self, key: str, index: int) -> int | None:
        """Dimension ``index`` of ``key`` (negative counts from the end), None when absent."""
        info = self.tensors.get(key)
        if info is None or not -len(info.shape) <= index < len(info.shape):
            return None
        value = info.shape[index]
        return value if isinstance(value, int) else None

    def dtype(self, key: str) -> str | None:
        """The stored dtype name of ``key``."""
        info = self.tensors.get(key)
        return info.dtype if info is not None else None

    def first(self, *keys: str) -> str | None:
        """The first of ``keys`` that is present."""
        return next((k for k in keys if k in self.tensors), None)


def halves(keys: Keys, encoder: str = "encoder.", decoder: str = "decoder.") -> tuple[bool, bool]:
    """(has encoder, has decoder) by key prefix."""
    return keys.prefixed(encoder), keys.prefixed(decoder)
