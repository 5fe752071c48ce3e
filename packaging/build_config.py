"""What goes into a packaged VAE Manager, as plain data the PyInstaller spec reads.

Kept out of the ``.spec`` file so tests can check it without PyInstaller and so
the two flavours are decided in one place:

* ``full``: everything, PyTorch included (GPU/CPU preview works; about 1 GB
  with CPU torch, several GB with CUDA torch).
* ``lite``: no PyTorch. Library, installs, downloads, linking and import work;
  the Preview panel explains how to get the full build. A fraction of the size.

The flavour comes from ``$VAE_MANAGER_FLAVOUR`` (``full`` by default). This
folder is deliberately not a Python package (its name would shadow the
``packaging`` distribution that pip and PyInstaller import).
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "VAE Manager"
EXE_NAME = "vae-manager"
CLI_EXE_NAME = "vae-manager-cli"  # Windows only: a console twin so the CLI can print
BUNDLE_ID = "io.github.vae-manager"
FLAVOUR_ENV = "VAE_MANAGER_FLAVOUR"
FLAVOURS = ("full", "lite")
MODEL_EXTENSIONS = ("safetensors", "ckpt")

PACKAGING_DIR = Path(__file__).resolve().parent
ROOT = PACKAGING_DIR.parent
ICON_DIR = PACKAGING_DIR / "icons"

# Files the app opens at run time, relative to the repository root. Every module
# finds them as ``Path(__file__).parents[2] / "resources"``, which PyInstaller
# maps onto the bundle's ``_internal/`` folder, so they keep the same layout.
RESOURCE_GLOBS = ("resources/known_vaes.json", "resources/icons/*.svg", "resources/i18n/*.qm")

# Imported lazily or by name, so the analysis might miss them.
# send2trash picks its platform module at import time; app/core/trash.py also reads the
# freedesktop one (plat_other) by name to follow $XDG_DATA_HOME, so it must be in every bundle.
HIDDEN_IMPORTS = ("PySide6.QtSvg", "PySide6.QtNetwork", "send2trash.plat_other")

# Never wanted in an app bundle: test tools, notebooks, other GUI toolkits.
ALWAYS_EXCLUDED = (
    "tkinter", "_tkinter", "pytest", "_pytest", "pytestqt", "IPython", "ipykernel",
    "matplotlib", "pandas", "scipy", "PyInstaller", "ruff", "transformers",
    "accelerate", "torchvision", "torchaudio", "tensorboard",
)  # fmt: skip

# The lite flavour drops PyTorch and what only PyTorch needs (diffusers' decoders too).
TORCH_STACK = (
    "torch", "functorch", "triton", "safetensors.torch", "diffusers", "sympy", "mpmath",
    "networkx", "jinja2", "fsspec", "filelock", "optree", "onnx", "onnxruntime",
)  # fmt: skip


def flavour_from_env(environ: dict[str, str] | None = None) -> str:
    """``full`` or ``lite`` from ``$VAE_MANAGER_FLAVOUR``; ValueError for anything else."""
    env = os.environ if environ is None else environ
    flavour = env.get(FLAVOUR_ENV, "full").strip().lower() or "full"
    if flavour not in FLAVOURS:
        raise ValueError(f"{FLAVOUR_ENV} must be one of {FLAVOURS}, not {flavour!r}")
    return flavour


def excludes(flavour: str) -> list[str]:
    """Module names PyInstaller must leave out for this flavour."""
    names = list(ALWAYS_EXCLUDED)
    if flavour == "lite":
        names += TORCH_STACK
    return names


def datas(root: Path = ROOT) -> list[tuple[str, str]]:
    """``(source file, folder in the bundle)`` pairs for every resource file, sorted."""
    pairs = []
    for pattern in RESOURCE_GLOBS:
        for path in sorted(root.glob(pattern)):
            pairs.append((str(path), str(path.parent.relative_to(root))))
    return pairs


def bundle_dir_name(flavour: str) -> str:
    """The one-folder build's folder name: ``vae-manager`` or ``vae-manager-lite``."""
    return EXE_NAME if flavour == "full" else f"{EXE_NAME}-lite"


def icon_file(platform: str) -> str | None:
    """The icon format each platform's executable wants (None: Linux uses the .desktop icon)."""
    if platform.startswith("win"):
        return str(ICON_DIR / "vae-manager.ico")
    if platform == "darwin":
        return str(ICON_DIR / "vae-manager.icns")
    return None


def mac_info_plist(version: str) -> dict[str, object]:
    """Info.plist entries: version, dark mode, and the *offered* document types.

    ``LSHandlerRank = Alternate`` lists the app under "Open With" without taking
    ``.safetensors``/``.ckpt`` away from whatever the user has set as default.
    """
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "NSHighResolutionCapable": True,
        "NSRequiresAquaSystemAppearance": False,
        "LSMinimumSystemVersion": "11.0",
        "CFBundleDocumentTypes": [
            {
                "CFBundleTypeName": "Stable Diffusion model",
                "CFBundleTypeRole": "Viewer",
                "LSHandlerRank": "Alternate",
                "CFBundleTypeExtensions": list(MODEL_EXTENSIONS),
                "CFBundleTypeIconFile": "vae-manager.icns",
            }
        ],
    }


def app_version(root: Path = ROOT) -> str:
    """``__version__`` from ``app/__init__.py``, read as text (no import of the app)."""
    for line in (root / "app" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise ValueError("app/__init__.py has no __version__")
