from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from app.core.catalog.store import Catalog
from app.core.hashing.hasher import hash_file
from app.core.installs import Environment, Install, recognize
from app.core.paths import app_paths
from app.core.registry import Registry, load_registry
from tests.core.installs import trees
from tests.model_files import ldm_vae_state_dict

# Two resolution levels instead of four: every key pattern is there, at a tenth of the size.
SMALL = {"ch_mult": (1, 2)}


def small_vae(seed: int = 0, dtype: torch.dtype = torch.float32) -> dict[str, torch.Tensor]:
    """A fresh dict over cached tensors (never modify them in place)."""
    return dict(_small_vae(seed, dtype))


@functools.cache
def _small_vae(seed: int, dtype: torch.dtype) -> dict[str, torch.Tensor]:
    return ldm_vae_state_dict(seed=seed, dtype=dtype, **SMALL)


@pytest.fixture
def catalog() -> Iterator[Catalog]:
    with Catalog(app_paths().ensure().catalog_db) as cat:
        yield cat


@pytest.fixture
def registry() -> Registry:
    return load_registry(app_paths().user_registry)


@pytest.fixture
def library() -> Path:
    return app_paths().library_dir


@pytest.fixture
def src(tmp_path: Path) -> Path:
    folder = tmp_path / "incoming"
    folder.mkdir()
    return folder


def pin_in_user_registry(path: Path, entry_id: str, filename: str) -> str:
    """Add a user registry entry pinning the SHA-256 of ``path``; return the hash."""
    sha = hash_file(path).sha256
    entry = {
        "id": entry_id,
        "display_name": f"{entry_id} (test)",
        "family": "sd1",
        "filename": filename,
        "sha256": sha,
        "size_bytes": path.stat().st_size,
    }
    target = app_paths().ensure().user_registry
    target.write_text(json.dumps([entry]), encoding="utf-8")
    return sha


@pytest.fixture
def a1111(tmp_path: Path) -> Install:
    root = trees.make_a1111(tmp_path / "ui" / "stable-diffusion-webui")
    return recognize(root, env=Environment.for_home(tmp_path / "home"))[0]
