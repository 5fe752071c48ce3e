from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.installs import Environment, Install, recognize
from app.core.linking import LinkStore
from tests.core.installs import trees


@pytest.fixture
def store(tmp_path: Path) -> LinkStore:
    return LinkStore(tmp_path / "state" / "links.sqlite3")


@pytest.fixture
def library_file(tmp_path: Path) -> Path:
    path = tmp_path / "library" / "VAE" / "sdxl_vae.safetensors"
    path.parent.mkdir(parents=True)
    path.write_bytes(os.urandom(4096))
    return path


def _one(root: Path, tmp_path: Path) -> Install:
    return recognize(root, env=Environment.for_home(tmp_path / "home"))[0]


@pytest.fixture
def a1111(tmp_path: Path) -> Install:
    return _one(trees.make_a1111(tmp_path / "ui" / "stable-diffusion-webui"), tmp_path)


@pytest.fixture
def comfy(tmp_path: Path) -> Install:
    return _one(trees.make_comfy(tmp_path / "ui" / "ComfyUI"), tmp_path)
