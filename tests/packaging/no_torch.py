"""Run this project's Python in a subprocess where PyTorch is really absent (or broken).

The child gets the venv's packages through a folder of symlinks that simply
leaves torch out, and ``-S`` so the venv's own site-packages is not added: an
``import torch`` then fails exactly as in the lite build. ``broken=True`` puts a
``torch`` package there whose import raises like a CUDA wheel missing its DLLs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TORCH_DISTRIBUTIONS = {"torch", "functorch", "torchgen"}
BROKEN_TORCH_ERROR = "libtorch_cuda.so: cannot open shared object file: No such file or directory"


def site_without_torch(folder: Path, *, broken: bool = False) -> Path:
    """A site folder of links to every installed package but torch; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    site = Path(sysconfig.get_paths()["purelib"])
    for entry in site.iterdir():
        if entry.name.split("-")[0].lower() in TORCH_DISTRIBUTIONS or entry.suffix == ".pth":
            continue
        (folder / entry.name).symlink_to(entry)
    if broken:
        package = folder / "torch"
        package.mkdir()
        (package / "__init__.py").write_text(
            f"raise OSError({BROKEN_TORCH_ERROR!r})\n", encoding="utf-8"
        )
    return folder


def run_python(
    site: Path, args: list[str], *, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -S ARGS`` in the repository with only ``site`` and the repository importable."""
    child_env = dict(os.environ)
    child_env.update(env or {})
    child_env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(site)])
    return subprocess.run(
        [sys.executable, "-S", *args],
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
