"""One file, one verdict: ``scan``, ``list``, ``verify`` and ``inspect`` agree, forged or not.

Runs the real CLI in-process on real files, with a user registry entry for a
small "official" VAE so the fakes can be made at exactly its size.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from app.cli import main
from tests.core.hashing.diskcache_fixture import write_store
from tests.core.hashing.hostile_sidecars import (
    cache_entry,
    small_vae,
    webui_tree,
    write_cache_json,
    write_sidecar,
)

OFFICIAL_NAME = "real_vae.safetensors"


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object]:
    code = main([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def official(tmp_path: Path, app_home: Path) -> tuple[str, int]:
    """(sha256, size) of a small VAE the user registry calls official."""
    real = small_vae(tmp_path / "vendor" / OFFICIAL_NAME, seed=1)
    sha = hashlib.sha256(real.read_bytes()).hexdigest()
    entry = {
        "id": "real-vae", "display_name": "Real VAE", "family": "sdxl",
        "filename": OFFICIAL_NAME, "sha256": sha, "size_bytes": real.stat().st_size,
    }  # fmt: skip
    registry = app_home / "data" / "known_vaes.json"
    registry.parent.mkdir(parents=True, exist_ok=True)
    registry.write_text(json.dumps([entry]), encoding="utf-8")
    return sha, real.stat().st_size


def verdicts_everywhere(capsys, path: Path, scan_root: Path) -> dict[str, tuple[str, str]]:
    """(verdict, hash source) of ``path`` as each command reports it."""
    _, scanned = run_json(capsys, "scan", str(scan_root))
    _, listed = run_json(capsys, "list")
    _, verified = run_json(capsys, "verify", str(path))
    _, inspected = run_json(capsys, "inspect", str(path))
    by_path = {f["path"]: f for f in scanned["files"]}
    entry = next(e for e in listed if str(path) in e["locations"])
    return {
        "scan": (by_path[str(path)]["validation"], entry["hash_source"]),
        "list": (entry["validation"], entry["hash_source"]),
        "verify": (verified[0]["validation"], verified[0]["hash_source"]),
        "inspect": (inspected["validation"], inspected["hash_source"]),
    }


def sidecar_fake(folder: Path, name: str, sha: str, same_size: bool) -> tuple[Path, Path]:
    fake = small_vae(folder / name, seed=2, ch=8 if same_size else 16)
    write_sidecar(fake, sha)
    return fake, folder


def cache_json_fake(folder: Path, name: str, sha: str, same_size: bool) -> tuple[Path, Path]:
    root = webui_tree(folder / "webui")
    fake = small_vae(root / "models" / "VAE" / name, seed=3, ch=8 if same_size else 16)
    write_cache_json(root, {f"vae/{name}": cache_entry(fake, sha)})
    return fake, root


def diskcache_fake(folder: Path, name: str, sha: str, same_size: bool) -> tuple[Path, Path]:
    root = webui_tree(folder / "forge")
    fake = small_vae(root / "models" / "VAE" / name, seed=4, ch=8 if same_size else 16)
    write_store(root / "cache" / "hashes", {f"vae/{name}": cache_entry(fake, sha)})
    return fake, root


@pytest.mark.parametrize("same_size", [False, True], ids=["wrong-size", "right-size"])
@pytest.mark.parametrize(
    ("name", "verdict"), [(OFFICIAL_NAME, "mismatch"), ("my-vae.safetensors", "unknown")]
)
@pytest.mark.parametrize("forge", [sidecar_fake, cache_json_fake, diskcache_fake])
def test_a_forged_claim_gives_one_honest_verdict_in_every_command(
    capsys, tmp_path: Path, official: tuple[str, int], forge, name, verdict, same_size
) -> None:
    sha, size = official
    fake, scan_root = forge(tmp_path / "models", name, sha, same_size)
    assert (fake.stat().st_size == size) is same_size

    seen = verdicts_everywhere(capsys, fake, scan_root)

    assert set(seen.values()) == {(verdict, "computed")}, seen


def test_bytes_under_two_names_have_the_verdict_of_both(
    capsys, tmp_path: Path, official: tuple[str, int]
) -> None:
    """A copy named like the official file makes its bytes a mismatch under any name."""
    folder = tmp_path / "models"
    named = small_vae(folder / "a1111" / OFFICIAL_NAME, seed=5)
    (folder / "comfy").mkdir()
    renamed = shutil.copy2(named, folder / "comfy" / "renamed.safetensors")

    seen = verdicts_everywhere(capsys, Path(renamed), folder)

    assert {v for v, _ in seen.values()} == {"mismatch"}, seen
    code, verified = run_json(capsys, "verify")  # everything cataloged: both paths
    assert code == 1 and {r["validation"] for r in verified} == {"mismatch"}


def test_scan_json_counts_and_lists_what_it_did_not_believe(
    capsys, tmp_path: Path, official: tuple[str, int]
) -> None:
    sha, _ = official
    fake, folder = sidecar_fake(tmp_path / "models", OFFICIAL_NAME, sha, same_size=False)

    _, scanned = run_json(capsys, "scan", str(folder))

    assert scanned["foreign_ignored"] == 1 and scanned["reused"] == 0
    [problem] = [p for p in scanned["problems"] if p["code"] == "foreign-hash-ignored"]
    assert problem["path"] == str(fake) and ".cm-info.json" in problem["message"]
