from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from pathlib import Path

import pytest

from app.core.hashing.diskcache_store import read_store
from app.core.hashing.foreign_caches import ForeignHashIndex, find_cached_hashes
from tests.core.hashing.diskcache_fixture import open_store, put, write_store
from tests.core.hashing.test_plain_pickle import SystemPayload

SHA = "a3" * 32
OTHER = "5e" * 32
B3 = "b3" * 32


@pytest.fixture
def webui(tmp_path: Path) -> tuple[Path, Path]:
    """An A1111-style root with models/Stable-diffusion/sub/model.safetensors (mtime 1000)."""
    root = tmp_path / "stable-diffusion-webui"
    model = root / "models" / "Stable-diffusion" / "sub" / "model.safetensors"
    model.parent.mkdir(parents=True)
    model.write_bytes(b"weights")
    os.utime(model, (1000.0, 1000.0))
    return root, model


def write_json_cache(path: Path, hashes: dict[str, dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"hashes": hashes, "safetensors-metadata": {}}), encoding="utf-8")


def test_a1111_cache_json_entry_is_used_while_mtime_is_valid(webui) -> None:
    root, model = webui
    write_json_cache(
        root / "cache.json", {"checkpoint/sub/model.safetensors": {"mtime": 1000.0, "sha256": SHA}}
    )
    found = find_cached_hashes(model, [root])
    assert found is not None
    assert (found.sha256, found.blake3) == (SHA, None)
    assert found.source.startswith("a1111 ") and "cache.json" in found.source
    os.utime(model, (1000.5, 1000.5))  # edited after A1111 hashed it
    assert find_cached_hashes(model, [root]) is None


def test_windows_separators_and_uppercase_hex(webui) -> None:
    root, model = webui
    entry = {"mtime": 2000.0, "sha256": SHA.upper()}
    write_json_cache(root / "cache.json", {"checkpoint/sub\\model.safetensors": entry})
    assert find_cached_hashes(model, [root]).sha256 == SHA


def test_title_for_another_folder_does_not_match(webui) -> None:
    root, model = webui
    entry = {"mtime": 2000.0, "sha256": SHA}
    write_json_cache(root / "cache.json", {"checkpoint/other/model.safetensors": entry})
    assert find_cached_hashes(model, [root]) is None


def test_custom_folder_deeper_tail_wins_and_equal_depth_disagreement_is_refused(
    tmp_path: Path, webui
) -> None:
    """A model in a --ckpt-dir outside the root is matched by the tail of its path."""
    root, _ = webui
    model = tmp_path / "my-ckpts" / "sub" / "model.safetensors"
    model.parent.mkdir(parents=True)
    model.write_bytes(b"weights")
    hashes = {
        "checkpoint/model.safetensors": {"mtime": 9e9, "sha256": OTHER},
        "checkpoint/sub/model.safetensors": {"mtime": 9e9, "sha256": SHA},
    }
    write_json_cache(root / "cache.json", hashes)
    assert find_cached_hashes(model, [root]).sha256 == SHA
    sdnext = {"lora/sub/model": {"mtime": 9e9, "sha256": OTHER}}
    write_json_cache(root / "data" / "cache.json", sdnext)
    assert find_cached_hashes(model, [root]) is None


def test_default_folder_title_beats_a_deeper_tail_match(webui) -> None:
    root, model = webui
    hashes = {
        "checkpoint/sub/model.safetensors": {"mtime": 2e3, "sha256": SHA},
        "lora/Stable-diffusion/sub/model.safetensors": {"mtime": 2e3, "sha256": OTHER},
    }
    write_json_cache(root / "cache.json", hashes)
    assert find_cached_hashes(model, [root]).sha256 == SHA


def test_a1111_vae_title_is_never_trusted(webui) -> None:
    root, model = webui
    write_json_cache(root / "cache.json", {"vae": {"mtime": 9e9, "sha256": SHA}})
    assert find_cached_hashes(model, [root]) is None


def test_sdnext_data_cache_json_title_without_extension(webui) -> None:
    root, model = webui
    write_json_cache(
        root / "data" / "cache.json", {"checkpoint/sub/model": {"mtime": 1000.0, "sha256": SHA}}
    )
    found = find_cached_hashes(model, [root])
    assert found.sha256 == SHA and found.source.startswith("sdnext ")


def test_forge_filename_hash_and_non_hex_values_are_rejected(webui) -> None:
    root, model = webui
    fake = hashlib.sha256(b"model.safetensors").hexdigest()
    write_json_cache(
        root / "cache.json", {"checkpoint/sub/model.safetensors": {"mtime": 2e3, "sha256": fake}}
    )
    assert find_cached_hashes(model, [root]) is None
    for bad in ("abc", "zz" * 32, None):
        entry = {"mtime": 2e3, "sha256": bad}
        write_json_cache(root / "cache.json", {"checkpoint/sub/model.safetensors": entry})
        assert find_cached_hashes(model, [root]) is None


def test_diskcache_store_is_read_and_stale_entries_rejected(webui) -> None:
    root, model = webui
    store = root / "cache" / "hashes"
    write_store(store, {"checkpoint/sub/model.safetensors": {"mtime": 1000.0, "sha256": SHA}})
    found = find_cached_hashes(model, [root])
    assert found.sha256 == SHA and found.source.startswith("a1111-diskcache ")
    os.utime(model, (1001.0, 1001.0))
    assert find_cached_hashes(model, [root]) is None


def test_diskcache_read_while_the_ui_holds_it_open(webui) -> None:
    root, model = webui
    con = open_store(root / "cache" / "hashes")
    try:
        put(con, "checkpoint/sub/model.safetensors", {"mtime": 1000.0, "sha256": SHA})
        assert (root / "cache" / "hashes" / "cache.db-wal").exists()
        assert find_cached_hashes(model, [root]).sha256 == SHA
    finally:
        con.close()


def test_diskcache_skips_expired_non_plain_and_forge_fake_entries(webui) -> None:
    root, model = webui
    fake = hashlib.sha256(b"model.safetensors").hexdigest()
    con = open_store(root / "cache" / "hashes")
    put(con, "checkpoint/a.safetensors", {"mtime": 1.0, "sha256": SHA}, expire_time=time.time() - 5)
    put(con, ("pickled", "key"), {"mtime": 1.0, "sha256": SHA})
    put(con, "checkpoint/sub/model.safetensors", {"mtime": 2e3, "sha256": fake})
    con.close()
    assert read_store(root / "cache" / "hashes") == {
        "checkpoint/sub/model.safetensors": {"mtime": 2e3, "sha256": fake}
    }
    assert find_cached_hashes(model, [root]) is None


def test_malicious_diskcache_value_is_refused_and_runs_nothing(webui, tmp_path: Path) -> None:
    root, model = webui
    marker = tmp_path / "pwned"
    con = open_store(root / "cache" / "hashes")
    evil = pickle.dumps({"mtime": 2e3, "sha256": SystemPayload(marker)}, protocol=5)
    put(con, "checkpoint/sub/model.safetensors", None, raw_value=evil)
    put(con, "checkpoint/other.safetensors", {"mtime": 2e3, "sha256": SHA})
    con.close()
    assert list(read_store(root / "cache" / "hashes")) == ["checkpoint/other.safetensors"]
    assert find_cached_hashes(model, [root]) is None
    assert not marker.exists()


def write_sidecar(model: Path, hashes: dict, mtime: float) -> Path:
    sidecar = model.with_name(model.stem + ".cm-info.json")
    sidecar.write_text(json.dumps({"ModelName": "x", "Hashes": hashes}), encoding="utf-8")
    os.utime(sidecar, (mtime, mtime))
    return sidecar


def test_stability_matrix_sidecar_case_insensitive(webui) -> None:
    _, model = webui
    write_sidecar(model, {"SHA256": SHA.upper(), "blake3": B3.upper(), "CRC32": "1234"}, 1000.0)
    found = find_cached_hashes(model)
    assert (found.sha256, found.blake3) == (SHA, B3)
    assert found.source.startswith("stability-matrix ")


def test_sidecar_older_than_model_is_ignored(webui) -> None:
    _, model = webui
    write_sidecar(model, {"SHA256": SHA, "BLAKE3": B3}, 999.0)
    assert find_cached_hashes(model) is None


def test_sidecar_blake3_joins_ui_sha256_and_conflicts_are_refused(webui) -> None:
    root, model = webui
    write_json_cache(
        root / "cache.json", {"checkpoint/sub/model.safetensors": {"mtime": 1e3, "sha256": SHA}}
    )
    write_sidecar(model, {"BLAKE3": B3}, 1000.0)
    found = ForeignHashIndex([root]).lookup(model)
    assert (found.sha256, found.blake3) == (SHA, B3)
    write_sidecar(model, {"SHA256": OTHER, "BLAKE3": B3}, 1000.0)
    assert ForeignHashIndex([root]).lookup(model) is None


def test_title_under_a_linked_folder_matches_the_real_file(tmp_path: Path, webui) -> None:
    """Stability Matrix links models/Stable-diffusion/sd to its shared Models/StableDiffusion."""
    root, _ = webui
    shared = tmp_path / "StabilityMatrix" / "Models" / "StableDiffusion"
    shared.mkdir(parents=True)
    real = shared / "model.safetensors"
    real.write_bytes(b"other weights")
    os.utime(real, (1000.0, 1000.0))
    (root / "models" / "Stable-diffusion" / "sd").symlink_to(shared, target_is_directory=True)
    hashes = {
        "checkpoint/sd/model.safetensors": {"mtime": 1e3, "sha256": SHA},
        "lora/model.safetensors": {"mtime": 1e3, "sha256": OTHER},
    }
    write_json_cache(root / "cache.json", hashes)
    assert find_cached_hashes(real, [root]).sha256 == SHA
    linked = root / "models" / "Stable-diffusion" / "sd" / "model.safetensors"
    assert find_cached_hashes(linked, [root]).sha256 == SHA


def test_missing_file_and_missing_caches(tmp_path: Path) -> None:
    assert find_cached_hashes(tmp_path / "gone.safetensors", [tmp_path]) is None
    (tmp_path / "m.pt").write_bytes(b"x")
    (tmp_path / "cache.json").write_text("{not json", encoding="utf-8")
    assert find_cached_hashes(tmp_path / "m.pt", [tmp_path, tmp_path / "nowhere"]) is None
