"""``python main.py --self-test`` as packaging runs it: a real process, exit status 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_self_test_passes_and_writes_one_png_per_panel(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("VAE_MANAGER_HOME", None)  # the self-test makes its own temporary home
    shots = tmp_path / "shots"
    result = subprocess.run(
        [sys.executable, "main.py", "--self-test", "--screenshot", str(shots)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout
    names = sorted(p.name for p in shots.glob("*.png"))
    for panel in ("library", "checkpoints", "installs", "get-official-vaes", "preview"):
        assert any(panel in name for name in names), names
    assert all((shots / name).stat().st_size > 10_000 for name in names)
