"""``import`` of a safetensors VAE loads no pickle scanner, logging, numpy, torch or undo code.

Each of these cost milliseconds of every import (issue 14's import row); they
load only for the files or events that need them. The probe is the real
command line in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import torch

from tests.model_files import ldm_vae_state_dict, write_safetensors

ROOT = Path(__file__).resolve().parents[2]
NOT_NEEDED = ("tarfile", "pickle", "logging", "numpy", "torch", "app.core.operations.undo")

_PROBE = f"""
import json, runpy, sys
sys.argv = ["main.py", "import", sys.argv[1]]
try:
    runpy.run_path("main.py", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({{"code": code, "loaded": [m for m in {NOT_NEEDED!r} if m in sys.modules]}}))
"""


def _import_in_fresh_process(path: Path, home: Path) -> dict[str, object]:
    env = dict(os.environ, VAE_MANAGER_HOME=str(home))
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    lines = done.stdout.strip().splitlines()
    assert any("Undo import vae.safetensors: undo " in line for line in lines), done.stdout
    result: dict[str, object] = json.loads(lines[-1])
    return result


def test_import_of_a_safetensors_vae_loads_none_of_them(tmp_path: Path) -> None:
    vae = write_safetensors(tmp_path / "vae.safetensors", ldm_vae_state_dict(dtype=torch.float16))
    result = _import_in_fresh_process(vae, tmp_path / "home")
    assert result == {"code": 0, "loaded": []}
    assert (tmp_path / "home" / "data" / "library" / "VAE" / "vae.safetensors").is_file()
