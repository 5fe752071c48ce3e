"""Tell container formats apart by their first bytes, and find diffusers model folders.

Content decides, not the extension: ``.ckpt``, ``.pt``, ``.pth`` and ``.bin`` are all used
for both torch zip files and legacy pickles, and renamed files are common.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

FORMAT_SAFETENSORS = "safetensors"
FORMAT_TORCH_ZIP = "torch-zip"
FORMAT_TORCH_PICKLE = "torch-pickle"
FORMAT_DIFFUSERS = "diffusers-folder"
FORMAT_GGUF = "gguf"
FORMAT_UNKNOWN = "unknown"

SAFETENSORS_SUFFIXES = (".safetensors", ".sft")
DIFFUSERS_WEIGHTS = (
    "diffusion_pytorch_model.safetensors",
    "diffusion_pytorch_model.fp16.safetensors",
    "diffusion_pytorch_model.bin",
    "diffusion_pytorch_model.fp16.bin",
)


def sniff(path: Path) -> str:
    """The container format of ``path`` from its first 16 bytes (may raise OSError)."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(b"PK\x03\x04"):
        return FORMAT_TORCH_ZIP
    if len(head) >= 9 and head[8:9] == b"{":
        return FORMAT_SAFETENSORS  # checked before pickles: a length can start with 0x80
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:  # PROTO opcode
        return FORMAT_TORCH_PICKLE
    if head.startswith(b"GGUF"):
        return FORMAT_GGUF
    if path.suffix.lower() in SAFETENSORS_SUFFIXES:
        return FORMAT_SAFETENSORS  # let the header parser say what is wrong
    return FORMAT_UNKNOWN


@dataclass(frozen=True)
class DiffusersFolder:
    """A diffusers model folder: its weights file and parsed config.json (if any)."""

    folder: Path
    weights: Path
    config: dict | None


def find_diffusers_folder(folder: Path) -> DiffusersFolder | None:
    """The model in ``folder`` (or its ``vae/`` subfolder, for a whole pipeline)."""
    for candidate in (folder, folder / "vae"):
        for name in DIFFUSERS_WEIGHTS:
            weights = candidate / name
            if weights.is_file():
                return DiffusersFolder(candidate, weights, read_config(candidate / "config.json"))
    return None


def sibling_config(path: Path) -> dict | None:
    """config.json next to a ``diffusion_pytorch_model.*`` file, which it describes."""
    if not path.name.startswith("diffusion_pytorch_model"):
        return None
    return read_config(path.parent / "config.json")


def read_config(path: Path) -> dict | None:
    """A JSON object from ``path``, or None if it is missing or not a JSON object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
