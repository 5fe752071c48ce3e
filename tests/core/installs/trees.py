"""Real, minimal install trees built from the markers in ui-layouts.md."""

from __future__ import annotations

import json
import os
from pathlib import Path


def touch(root: Path, *relative: str, text: str = "") -> Path:
    """Create files (or folders, for names ending in '/') under ``root``."""
    for rel in relative:
        path = root / rel
        if rel.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return root


A1111_FILES = (
    "webui.py", "launch.py", "webui.bat", "webui.sh", "webui-user.bat", "webui-user.sh",
    "modules/sd_vae.py", "modules/paths_internal.py", "modules/shared_options.py",
    "extensions-builtin/", "embeddings/", "models/VAE/", "models/Stable-diffusion/",
)  # fmt: skip


def make_a1111(root: Path) -> Path:
    touch(root, *A1111_FILES)
    (root / "CHANGELOG.md").write_text("## 1.10.1\n\n### Bug Fixes\n", encoding="utf-8")
    return root


def make_forge2(root: Path) -> Path:
    make_a1111(root)
    return touch(root, "modules_forge/", "backend/", "packages_3rdparty/", "spaces.py", "NEWS.md")


def make_forge1(root: Path) -> Path:
    make_a1111(root)
    return touch(root, "modules_forge/", "ldm_patched/")


def make_reforge(root: Path) -> Path:
    make_a1111(root)
    return touch(root, "modules_forge/", "ldm_patched/", "k_diff/", "random_res_config/")


def make_sdnext(root: Path) -> Path:
    touch(root, "webui.py", "launch.py", "installer.py", "webui.ps1", "webui.bat", "webui.sh")
    touch(root, "modules/sd_vae.py", "models/VAE/", "models/Stable-diffusion/", "cli/")
    (root / "package.json").write_text('{"name": "sdnext", "version": "2025.07.01"}')
    return root


def make_comfy(root: Path) -> Path:
    touch(root, "main.py", "folder_paths.py", "nodes.py", "execution.py", "server.py")
    touch(root, "comfy/sd.py", "comfy_extras/", "custom_nodes/", "models/checkpoints/")
    touch(root, "models/vae/put_vae_here", "extra_model_paths.yaml.example")
    (root / "comfyui_version.py").write_text('__version__ = "0.3.64"\n')
    return root


def make_comfy_portable(wrapper: Path, run_args: str = "") -> Path:
    make_comfy(wrapper / "ComfyUI")
    touch(wrapper, "python_embeded/python.exe", "update/update.py", "README_VERY_IMPORTANT.txt")
    line = rf".\python_embeded\python.exe -s ComfyUI\main.py --windows-standalone-build {run_args}"
    (wrapper / "run_nvidia_gpu.bat").write_text(line + "\npause\n")
    (wrapper / "run_cpu.bat").write_text(line + " --cpu\npause\n")
    return wrapper


def make_comfy_desktop(base: Path, user_data: Path, yaml_text: str = "") -> Path:
    touch(base, "models/vae/", "models/checkpoints/", "input/", "output/", "user/default/")
    touch(base, "custom_nodes/", ".venv/bin/python")
    user_data.mkdir(parents=True, exist_ok=True)
    (user_data / "config.json").write_text(json.dumps({"basePath": str(base)}))
    if yaml_text:
        (user_data / "extra_models_config.yaml").write_text(yaml_text)
    return base


def make_invokeai(root: Path) -> Path:
    touch(root, "invokeai.yaml", text="schema_version: 4.0.2\n")
    touch(root, "databases/invokeai.db", "models/", "outputs/", "nodes/")
    touch(root, ".venv/lib/python3.11/site-packages/invokeai-5.6.0.dist-info/")
    return root


def make_fooocus(root: Path) -> Path:
    touch(root, "entry_with_update.py", "launch.py", "webui.py", "modules/config.py")
    touch(root, "models/vae/", "models/checkpoints/", "presets/", "ldm_patched/")
    (root / "fooocus_version.py").write_text("version = '2.5.5'\n")
    return root


def make_swarm(root: Path, settings: str = "") -> Path:
    touch(root, "SwarmUI.sln", "src/SwarmUI.csproj", "launch-windows.bat", "launch-linux.sh")
    touch(root, "launchtools/", "Models/VAE/", "Models/Stable-Diffusion/", "Data/")
    if settings:
        (root / "Data" / "Settings.fds").write_text(settings)
    return root


def make_stability_matrix(library: Path) -> Path:
    """A library with an A1111 package in symlink mode and a ComfyUI package."""
    touch(library, "Models/VAE/", "Models/StableDiffusion/", "Assets/", "Images/")
    pkg = make_a1111(library / "Packages" / "stable-diffusion-webui")
    os.rmdir(pkg / "models" / "VAE")
    os.symlink(library / "Models" / "VAE", pkg / "models" / "VAE")
    comfy = make_comfy(library / "Packages" / "ComfyUI")
    (comfy / "extra_model_paths.yaml").write_text(
        f"stability_matrix:\n  checkpoints: {library}/Models/StableDiffusion\n"
        f"  vae: {library}/Models/VAE\n"
    )
    settings = {
        "InstalledPackages": [
            {
                "DisplayName": "stable-diffusion-webui",
                "PackageName": "stable-diffusion-webui",
                "LibraryPath": "Packages\\stable-diffusion-webui",
                "PreferredSharedFolderMethod": "Symlink",
            },
            {
                "DisplayName": "ComfyUI",
                "PackageName": "ComfyUI",
                "LibraryPath": "Packages\\ComfyUI",
                "PreferredSharedFolderMethod": "Configuration",
            },
        ]
    }
    (library / "settings.json").write_text(json.dumps(settings))
    return library
