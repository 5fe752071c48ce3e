"""The torch check, run in child processes where torch is present, absent or broken."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.torch_support import install_command_hint
from tests.packaging.no_torch import (
    BROKEN_TORCH_ERROR,
    ROOT,
    run_python,
    site_without_torch,
)

REPORT = (
    "import json, sys\n"
    "from dataclasses import asdict\n"
    "from app.core import torch_support as t\n"
    "{setup}\n"
    "quick = t.torch_findable()\n"
    "loaded_after_quick = 'torch' in sys.modules\n"
    "probed = [t.probe_torch() for _ in range(2)]\n"
    "print(json.dumps({{'quick': asdict(quick), 'loaded_after_quick': loaded_after_quick,\n"
    "    'probe': asdict(probed[0]), 'same': probed[0] is probed[1],\n"
    "    'quick_after': asdict(t.torch_findable())}}))\n"
)


def _report(result: subprocess.CompletedProcess[str]) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _code(setup: str = "") -> str:
    return REPORT.format(setup=setup)


@pytest.fixture(scope="module")
def no_torch_site(tmp_path_factory) -> Path:
    return site_without_torch(tmp_path_factory.mktemp("site") / "site-packages")


@pytest.fixture(scope="module")
def broken_torch_site(tmp_path_factory) -> Path:
    return site_without_torch(tmp_path_factory.mktemp("site") / "site-packages", broken=True)


def test_installed_torch_is_found_cheaply_then_imported_by_the_probe() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _code()], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    report = _report(result)
    assert report["quick"]["available"] and not report["quick"]["imported"]
    assert report["loaded_after_quick"] is False  # the cheap check never imports torch
    probe = report["probe"]
    assert probe["available"] and probe["imported"] and probe["reason"] == "ok"
    assert probe["version"] == importlib.metadata.version("torch")
    assert report["quick_after"]["version"] == probe["version"]


def test_absent_torch_is_reported_with_the_pip_command(no_torch_site: Path) -> None:
    absent = run_python(no_torch_site, ["-c", "import torch"])
    assert "No module named 'torch'" in absent.stderr  # the set-up really hides it
    report = _report(run_python(no_torch_site, ["-c", _code()]))
    for status in (report["quick"], report["probe"]):
        assert not status["available"] and status["reason"] == "not-installed"
        assert sys.executable in status["message"]
        assert "pip install torch" in status["hint"]


def test_a_torch_that_fails_to_load_is_explained(broken_torch_site: Path) -> None:
    report = _report(run_python(broken_torch_site, ["-c", _code()]))
    assert report["quick"]["available"] and not report["quick"]["imported"]
    probe = report["probe"]
    assert not probe["available"] and probe["reason"] == "import-failed"
    assert probe["error"] == f"OSError: {BROKEN_TORCH_ERROR}"
    assert "failed to load" in probe["message"] and probe["hint"]
    assert report["same"]  # one attempt per process
    assert report["quick_after"] == probe  # and the cheap check now knows better


def test_the_lite_build_points_to_the_full_build(no_torch_site: Path) -> None:
    report = _report(run_python(no_torch_site, ["-c", _code("sys.frozen = True")]))
    assert report["probe"]["reason"] == "not-bundled"
    assert "full build" in report["probe"]["hint"]
    assert "pip" not in report["probe"]["hint"]  # a packaged app has no pip to run


def test_the_switch_turns_torch_off_even_when_installed() -> None:
    code = _code("import os; os.environ['VAE_MANAGER_NO_TORCH'] = '1'")
    result = subprocess.run(
        [sys.executable, "-c", code + "print('torch' in sys.modules)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(result.stdout.splitlines()[0])
    assert report["probe"]["reason"] == "disabled" and not report["probe"]["available"]
    assert result.stdout.splitlines()[1] == "False"


def test_install_hint_names_the_interpreter() -> None:
    hint = install_command_hint("/opt/py/bin/python3")
    assert '"/opt/py/bin/python3" -m pip install torch --index-url' in hint
    assert "whl/cu128" in hint
