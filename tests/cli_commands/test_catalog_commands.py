"""The command-line front, run in-process on real generated files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.cli import main
from tests.model_files import (
    ldm_vae_state_dict,
    lora_state_dict,
    truncate_copy,
    write_malicious_pickle,
    write_safetensors,
)


def _run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object]:
    code = main([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def vae_file(tmp_path: Path) -> Path:
    return write_safetensors(tmp_path / "my_vae.safetensors", ldm_vae_state_dict())


def test_inspect_reports_the_documented_fields(capsys, vae_file: Path) -> None:
    code, record = _run_json(capsys, "inspect", str(vae_file))
    assert code == 0
    sha = hashlib.sha256(vae_file.read_bytes()).hexdigest()
    assert record["sha256"] == sha and record["autov2"] == sha[:10]
    assert len(record["autov1"]) == 8 and len(record["blake3"]) == 64
    assert record["kind"] == "vae" and record["layout"] == "ldm"
    assert record["family"] == "sd1-or-sdxl" and record["format"] == "safetensors"
    assert record["dtype"] == "float32" and record["has_encoder"] is True
    assert record["validation"] == "unknown" and record["official_id"] is None
    assert record["problems"] == []
    assert record["path"] == str(vae_file)


def test_user_registry_entry_makes_a_file_official_and_sets_family(
    capsys, vae_file: Path, app_home: Path
) -> None:
    sha = hashlib.sha256(vae_file.read_bytes()).hexdigest()
    user_registry = app_home / "data" / "known_vaes.json"
    user_registry.parent.mkdir(parents=True)
    entry = {
        "id": "mine",
        "display_name": "My XL VAE",
        "family": "sdxl",
        "filename": "my_vae.safetensors",
        "sha256": sha,
    }
    user_registry.write_text(json.dumps([entry]))
    code, record = _run_json(capsys, "inspect", str(vae_file))
    assert code == 0
    assert record["validation"] == "official" and record["official_id"] == "mine"
    assert record["family"] == "sdxl"


def test_verify_exit_codes(capsys, tmp_path: Path, vae_file: Path) -> None:
    assert main(["verify", str(vae_file)]) == 0
    # Same name as the official MSE VAE, other bytes: a modified or corrupt copy.
    fake = truncate_copy(vae_file, tmp_path / "vae-ft-mse-840000-ema-pruned.safetensors", 0.5)
    capsys.readouterr()
    code, results = _run_json(capsys, "verify", str(vae_file), str(fake))
    assert code == 1
    assert [r["validation"] for r in results] == ["unknown", "mismatch"]
    assert "incomplete download" in results[1]["message"]


def test_verify_flags_invalid_files(capsys, tmp_path: Path) -> None:
    lora = write_safetensors(tmp_path / "lora.safetensors", lora_state_dict())
    marker = tmp_path / "pwned"
    evil = write_malicious_pickle(tmp_path / "evil.ckpt", marker)
    code, results = _run_json(capsys, "verify", str(lora), str(evil))
    assert code == 1
    assert [r["validation"] for r in results] == ["invalid", "invalid"]
    assert "os.system" in results[1]["message"] or "system" in results[1]["message"]
    assert not marker.exists()


def test_known_lists_the_registry(capsys) -> None:
    code, entries = _run_json(capsys, "known")
    assert code == 0
    ids = {e["id"] for e in entries}
    assert {"sd-vae-ft-mse-original-safetensors", "sdxl-vae-fp16-fix", "flux1-ae"} <= ids
    assert main(["known"]) == 0
    assert "sdxl-vae-fp16-fix" in capsys.readouterr().out


def test_human_inspect_output_shows_problems(capsys, tmp_path: Path, vae_file: Path) -> None:
    cut = truncate_copy(vae_file, tmp_path / "cut.safetensors", 0.3)
    assert main(["inspect", str(cut)]) == 1  # an invalid file fails the check, as in verify
    out = capsys.readouterr().out
    assert "truncated" in out and "invalid" in out
