"""What discovery reports about one local Stable Diffusion UI install.

Every folder carries a ``source`` string saying where it came from, so the user
can see why the app thinks ``D:/VAE`` is a VAE folder ("--vae-dir in
webui-user.bat line 5") and fix the right file when it is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

KIND_A1111 = "a1111"
KIND_FORGE = "forge"
KIND_REFORGE = "reforge"
KIND_SDNEXT = "sdnext"
KIND_COMFYUI = "comfyui"
KIND_COMFYUI_DESKTOP = "comfyui-desktop"
KIND_INVOKEAI = "invokeai"
KIND_FOOOCUS = "fooocus"
KIND_SWARMUI = "swarmui"
KIND_STABILITY_MATRIX = "stability-matrix"

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

    kind: str
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
