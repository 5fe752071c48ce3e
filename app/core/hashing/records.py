"""The IDs a file is known by across ecosystems."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileHashes:
    """Full-file SHA-256 and BLAKE3 plus the short forms people search by.

    ``autov2`` is what Civitai and A1111 show (first 10 hex of SHA-256);
    ``autov1`` is A1111's legacy ``model_hash``; ``addnet`` is the safetensors
    hash that skips the header, used by A1111's Additional Networks for LoRAs:
    None where it was not computed (other formats, and non-LoRA files unless asked).
    """

    sha256: str
    blake3: str | None
    autov1: str
    addnet: str | None = None

    @property
    def autov2(self) -> str:
        """The short hash Civitai and A1111 show: the first 10 hex digits of SHA-256."""
        return self.sha256[:10]
