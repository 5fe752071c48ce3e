"""A1111's hash cache is read from its data folder, which ``--data-dir`` moves.

``modules/cache.py`` (AUTOMATIC1111 v1.8.0, Forge repo commit 45b8a499) keeps
``cache_filename = <data_path>/cache.json``; ``paths_internal.py`` sets ``data_path`` from
``--data-dir``; from 1.9 the cache is the ``<data_path>/cache/`` diskcache folder.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from app.core.hashing.foreign_caches import find_cached_hashes
from app.core.hashing.ui_caches import data_dirs
from tests.core.installs.trees import make_a1111


def test_a_cache_json_in_the_data_dir_is_reused(tmp_path: Path) -> None:
    root = make_a1111(tmp_path / "webui")
    data = tmp_path / "sd-data"
    (root / "webui-user.sh").write_text(f'export COMMANDLINE_ARGS="--data-dir {data}"\n')
    ckpt = data / "models" / "Stable-diffusion" / "sub" / "dreamshaper_8.safetensors"
    ckpt.parent.mkdir(parents=True)
    ckpt.write_bytes(os.urandom(4096))
    sha = hashlib.sha256(ckpt.read_bytes()).hexdigest()
    entry = {"mtime": os.path.getmtime(ckpt), "sha256": sha}
    title = "checkpoint/" + os.path.join("sub", "dreamshaper_8.safetensors")
    (data / "cache.json").write_text(json.dumps({"hashes": {title: entry}}, indent=4))

    assert data_dirs(root) == [root, data]
    found = find_cached_hashes(ckpt, [root])
    assert found is not None and found.sha256 == sha
    assert str(data / "cache.json") in found.source


def test_without_the_flag_only_the_root_is_read(tmp_path: Path) -> None:
    root = make_a1111(tmp_path / "webui")
    assert data_dirs(root) == [root]


def test_the_1_9_diskcache_folder_in_the_data_dir_is_reused(tmp_path: Path) -> None:
    """A1111 >= 1.9: ``cache_dir = <data_path>/cache``, one diskcache store per subsection."""
    from tests.core.hashing.diskcache_fixture import write_store

    root = make_a1111(tmp_path / "webui")
    data = tmp_path / "sd-data"
    (root / "webui-user.sh").write_text(f'export COMMANDLINE_ARGS="--data-dir {data}"\n')
    ckpt = data / "models" / "Stable-diffusion" / "juggernaut.safetensors"
    ckpt.parent.mkdir(parents=True)
    ckpt.write_bytes(os.urandom(4096))
    sha = hashlib.sha256(ckpt.read_bytes()).hexdigest()
    entry = {"mtime": os.path.getmtime(ckpt), "sha256": sha}
    write_store(data / "cache" / "hashes", {"checkpoint/juggernaut.safetensors": entry})

    found = find_cached_hashes(ckpt, [root])
    assert found is not None and found.sha256 == sha
    assert str(data / "cache" / "hashes") in found.source
