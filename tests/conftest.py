"""Shared test set-up: offscreen Qt and a fresh, private app home per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own $VAE_MANAGER_HOME so no test touches real user state."""
    home = tmp_path / "vae-manager-home"
    monkeypatch.setenv("VAE_MANAGER_HOME", str(home))
    return home
