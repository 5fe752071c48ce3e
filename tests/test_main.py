"""`python main.py` as a user starts it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, env_update: dict[str, str] | None = None, drop: tuple[str, ...] = ()):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_update or {})
    return subprocess.run(
        [sys.executable, "main.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_lists_the_commands() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for command in ("inspect", "scan", "list", "verify", "known", "preview"):
        assert command in result.stdout


def test_without_a_display_it_says_so_and_points_to_the_cli() -> None:
    if not sys.platform.startswith("linux"):
        return
    result = _run(drop=("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    assert result.returncode == 2
    assert "needs a display" in result.stderr
    assert "python main.py --help" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_is_a_one_line_error() -> None:
    result = _run("frobnicate")
    assert result.returncode != 0
    assert "invalid choice" in result.stderr


def test_missing_file_is_a_clear_error() -> None:
    result = _run("inspect", "/nonexistent/vae.safetensors")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: no such file or folder: /nonexistent/vae.safetensors"


def test_a_command_wins_over_a_file_of_the_same_name(tmp_path: Path) -> None:
    (tmp_path / "known").write_text("not a model")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "known"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "sdxl-vae-fp16-fix" in result.stdout


def test_existing_files_open_the_window_not_the_cli(tmp_path: Path) -> None:
    model = tmp_path / "model.safetensors"
    model.write_bytes(b"x")
    result = _run(str(model), drop=("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    assert result.returncode == 2 and "needs a display" in result.stderr
