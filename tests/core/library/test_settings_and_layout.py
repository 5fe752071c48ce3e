from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.core.library.layout import (
    MARKER,
    ensure_library,
    is_library,
    library_info,
    read_marker,
)
from app.core.library.naming import candidate_names, split_name, temp_path_for
from app.core.library.settings import library_root, set_library_root
from app.core.paths import app_paths


def test_library_root_defaults_to_the_data_folder_then_follows_the_setting(tmp_path: Path):
    assert library_root() == app_paths().library_dir
    set_library_root(tmp_path / "big-drive" / "models")
    assert library_root() == tmp_path / "big-drive" / "models"
    set_library_root(None)
    assert library_root() == app_paths().library_dir


def test_setting_the_library_keeps_other_keys_and_stays_private():
    settings = app_paths().settings_file
    settings.parent.mkdir(parents=True)
    downloads = {"endpoint": "https://hf-mirror.example", "token": "hf_secret", "max_parallel": 3}
    settings.write_text(json.dumps({"downloads": downloads, "theme": "dark"}))
    set_library_root(Path("/mnt/models/library"))
    data = json.loads(settings.read_text())
    assert data == {"downloads": downloads, "theme": "dark", "library_dir": "/mnt/models/library"}
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600, "the file may hold a token"
    assert [p.name for p in settings.parent.iterdir()] == ["settings.json"], "no temp left"


def test_a_corrupt_settings_file_is_an_error_not_a_silent_default():
    settings = app_paths().settings_file
    settings.parent.mkdir(parents=True)
    settings.write_text("{not json")
    with pytest.raises(UserError, match="settings file"):
        library_root()
    with pytest.raises(UserError):
        set_library_root(Path("/x"))
    assert settings.read_text() == "{not json", "an unreadable file is never overwritten"


def test_ensure_library_creates_folders_and_marker(tmp_path: Path):
    root = ensure_library(tmp_path / "lib")
    assert sorted(p.name for p in root.iterdir()) == sorted(["VAE", "checkpoints", MARKER])
    assert read_marker(root).moving_from is None
    assert is_library(root)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x")
    assert not is_library(tmp_path / "other")


def test_ensure_library_on_a_file_is_a_user_error(tmp_path: Path):
    blocker = tmp_path / "lib"
    blocker.write_text("a file where the library should be")
    with pytest.raises(UserError, match="cannot use"):
        ensure_library(blocker)


def test_library_info_counts_files_and_bytes(tmp_path: Path):
    root = ensure_library(tmp_path / "lib")
    (root / "VAE" / "a.safetensors").write_bytes(b"x" * 10)
    (root / "VAE" / ".a.safetensors.vaem-tmp").write_bytes(b"x" * 99)
    (root / "checkpoints" / "m.ckpt").write_bytes(b"x" * 5)
    info = library_info(root)
    assert (info.vae_files, info.vae_bytes, info.checkpoint_files) == (1, 10, 1)
    assert info.to_json()["root"] == str(root) and not info.is_default


def test_names_never_collide_and_keep_pair_suffixes():
    assert split_name("model.vae.pt") == ("model", ".vae.pt")
    assert split_name("sdxl_vae.safetensors") == ("sdxl_vae", ".safetensors")
    names = candidate_names("model.vae.safetensors")
    assert [next(names) for _ in range(3)] == [
        "model.vae.safetensors",
        "model-2.vae.safetensors",
        "model-3.vae.safetensors",
    ]
    assert temp_path_for(Path("/l/VAE/a.safetensors")) == Path("/l/VAE/.a.safetensors.vaem-tmp")
