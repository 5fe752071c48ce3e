"""What discovery reports about one local Stable Diffusion UI install.

Every folder carries a ``source`` string saying where it came from, so the user
can see why the app thinks ``D:/VAE`` is a VAE folder ("--vae-dir in
webui-user.bat line 5") and fix the right file when it is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class InstallKind(StrEnum):
    """Which UI an install is (``app.core.inspection.vae_families.facts`` spells them too)."""

    A1111 = "a1111"
    FORGE = "forge"
    REFORGE = "reforge"
    SDNEXT = "sdnext"
    COMFYUI = "comfyui"
    COMFYUI_DESKTOP = "comfyui-desktop"
    INVOKEAI = "invokeai"
    FOOOCUS = "fooocus"
    SWARMUI = "swarmui"
    STABILITY_MATRIX = "stability-matrix"


# The old names (StrEnum members equal their strings).
KIND_A1111 = InstallKind.A1111
KIND_FORGE = InstallKind.FORGE
KIND_REFORGE = InstallKind.REFORGE
KIND_SDNEXT = InstallKind.SDNEXT
KIND_COMFYUI = InstallKind.COMFYUI
KIND_COMFYUI_DESKTOP = InstallKind.COMFYUI_DESKTOP
KIND_INVOKEAI = InstallKind.INVOKEAI
KIND_FOOOCUS = InstallKind.FOOOCUS
KIND_SWARMUI = InstallKind.SWARMUI
KIND_STABILITY_MATRIX = InstallKind.STABILITY_MATRIX

KIND_LABELS = {
    KIND_A1111: "AUTOMATIC1111 WebUI",
    KIND_FORGE: "Forge",
    KIND_REFORGE: "reForge",
    KIND_SDNEXT: "SD.Next",
    KIND_COMFYUI: "ComfyUI",
    KIND_COMFYUI_DESKTOP: "ComfyUI Desktop",
    KIND_INVOKEAI: "InvokeAI",
    KIND_FOOOCUS: "Fooocus",
    KIND_SWARMUI: "SwarmUI",
    KIND_STABILITY_MATRIX: "Stability Matrix (shared Models)",
}

# Single-file VAE extensions each UI lists (ui-layouts.md §1.2, §2.2, §4.3, §5.2, §7, §8).
_PT = (".ckpt", ".pt", ".safetensors")
VAE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    KIND_A1111: _PT,
    KIND_REFORGE: _PT,
    KIND_FORGE: (".ckpt", ".pt", ".bin", ".safetensors", ".gguf"),
    KIND_SDNEXT: (".safetensors",),
    KIND_COMFYUI: (".ckpt", ".pt", ".pt2", ".bin", ".pth", ".safetensors", ".pkl", ".sft"),
    KIND_FOOOCUS: (".pth", ".ckpt", ".bin", ".safetensors"),
    KIND_SWARMUI: (".safetensors", ".sft", ".ckpt", ".pt", ".pth", ".bin"),
}
VAE_EXTENSIONS[KIND_COMFYUI_DESKTOP] = VAE_EXTENSIONS[KIND_COMFYUI]


@dataclass(frozen=True)
class Folder:
    """A model folder of an install and the reason it is one."""

    path: Path
    source: str

    def to_json(self) -> dict[str, str]:
        """Plain JSON form for the CLI."""
        return {"path": str(self.path), "source": self.source}


@dataclass(frozen=True)
class Install:
    """One recognised UI install; ``vae_dirs[0]`` is where linking puts files."""

    kind: InstallKind
    root: Path
    version: str | None
    vae_dirs: tuple[Folder, ...]
    checkpoint_dirs: tuple[Folder, ...]
    source: str

    @property
    def label(self) -> str:
        """Human name of the UI family."""
        return KIND_LABELS.get(self.kind, self.kind)

    def to_json(self) -> dict[str, object]:
        """The shape ``installs --json`` prints."""
        return {
            "kind": self.kind,
            "root": str(self.root),
            "version": self.version,
            "vae_dirs": [f.to_json() for f in self.vae_dirs],
            "checkpoint_dirs": [f.to_json() for f in self.checkpoint_dirs],
            "source": self.source,
        }
