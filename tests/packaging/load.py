"""Load the scripts in ``packaging/`` (not a package: its name would shadow pip's ``packaging``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def load(relative: str) -> ModuleType:
    """The module at ``packaging/<relative>``, freshly executed."""
    path = PACKAGING / relative
    spec = importlib.util.spec_from_file_location(f"vae_manager_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
