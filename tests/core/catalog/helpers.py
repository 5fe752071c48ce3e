"""Real model files and call-counting wrappers around the real inspector and hasher."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from app.core.catalog.scanner import Scanner
from app.core.catalog.store import Catalog
from app.core.hashing.hasher import hash_file
from app.core.registry import Registry, load_registry


def tiny_vae(path: Path, seed: int = 0) -> Path:
    """A real (small) LDM VAE safetensors file; ``seed`` gives distinct bytes."""
    from tests.model_files import ldm_vae_state_dict, write_safetensors

    sd = ldm_vae_state_dict(ch=8, ch_mult=(1, 2), num_res_blocks=1, seed=seed)
    return write_safetensors(path, sd)


def tiny_tensor_file(path: Path, seed: int = 0) -> Path:
    """A few-KB real safetensors file without torch (for trees of many files)."""
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({"decoder.conv_in.weight": rng.standard_normal((4, 4, 3, 3), np.float32)}, str(path))
    return path


def inspector():
    """The real ``inspect_path``."""
    from app.core.inspection import inspect_path

    return inspect_path


class Counting:
    """Wraps the real inspector and hasher and counts what they were asked to read."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.hashed_paths: list[str] = []
        self._inspect = inspector()

    def inspect(self, path: Path):
        self.calls["inspect"] += 1
        return self._inspect(path)

    def hasher(self, path: Path, **kwargs):
        self.calls["hash"] += 1
        self.hashed_paths.append(str(path))
        return hash_file(path, **kwargs)

    def scanner(self, catalog: Catalog, registry: Registry | None = None, **kwargs) -> Scanner:
        return Scanner(
            catalog,
            registry=registry or load_registry(),
            inspect=self.inspect,
            hasher=self.hasher,
            **kwargs,
        )

    def reset(self) -> None:
        self.calls.clear()
        self.hashed_paths.clear()


def bump_mtime(path: Path, seconds: int = 10) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))
