import json
from pathlib import Path

import pytest

from app.core.inspection.records import PROBLEM_TRUNCATED, Inspection, Problem
from app.core.registry import (
    SHIPPED_REGISTRY,
    STATUS_INVALID,
    STATUS_MISMATCH,
    STATUS_OFFICIAL,
    STATUS_UNKNOWN,
    load_registry,
)

MSE_SHA = "735e4c3a447a3255760d7f86845f09f937809baa529c17370d83e4c3758f3c75"
REQUIRED = (
    "id",
    "display_name",
    "family",
    "filename",
    "url",
    "size_bytes",
    "sha256",
    "autov2",
    "format",
    "verified",
    "description",
)


def test_shipped_file_has_the_schema_and_consistent_short_hashes() -> None:
    raw = json.loads(SHIPPED_REGISTRY.read_text())
    assert len(raw) >= 15
    ids = [e["id"] for e in raw]
    assert len(ids) == len(set(ids))
    for entry in raw:
        assert all(key in entry for key in REQUIRED), entry["id"]
        assert entry["description"]
        if entry["sha256"]:
            assert entry["verified"] is True
            assert entry["autov2"] == entry["sha256"][:10]
            assert len(entry["sha256"]) == 64
        else:
            assert entry["verified"] is False and entry["autov2"] is None


def test_shipped_registry_covers_the_guides_official_variants() -> None:
    registry = load_registry()
    assert registry.by_sha256(MSE_SHA).id == "sd-vae-ft-mse-original-safetensors"
    assert registry.get("sd-vae-ft-ema-original-ckpt").sha256.startswith("0b204ad0ca")
    assert registry.get("sdxl-vae-fp16-fix").autov2 == "235745af8d"
    # Only verified hashes ship; a one-source hash is kept aside and not trusted.
    ema_st = registry.get("sd-vae-ft-ema-original-safetensors")
    assert ema_st.sha256 is None and not ema_st.verified


def test_validation_verdicts() -> None:
    registry = load_registry()
    ok = Inspection(path="x", format="safetensors", size_bytes=334641190, kind="vae")
    assert registry.validate(MSE_SHA, "renamed.safetensors", 1, ok).status == STATUS_OFFICIAL

    short = registry.validate("0" * 64, "vae-ft-mse-840000-ema-pruned.safetensors", 1000, ok)
    assert short.status == STATUS_MISMATCH
    assert "incomplete download" in short.message

    same_size = registry.validate(
        "0" * 64, "vae-ft-mse-840000-ema-pruned.safetensors", 334641190, ok
    )
    assert same_size.status == STATUS_MISMATCH and "corrupt or modified" in same_size.message

    # Every diffusers model shares this name: the name proves nothing.
    generic = registry.validate("1" * 64, "diffusion_pytorch_model.safetensors", 5, ok)
    assert generic.status == STATUS_UNKNOWN

    broken = Inspection(
        path="x",
        format="safetensors",
        size_bytes=9,
        problems=[Problem(PROBLEM_TRUNCATED, "file is cut short")],
    )
    verdict = registry.validate("2" * 64, "my_vae.safetensors", 9, broken)
    assert verdict.status == STATUS_INVALID and verdict.message == "file is cut short"


def test_unconfirmed_hash_is_reported_but_not_official() -> None:
    registry = load_registry()
    candidate = registry.get("sd-vae-ft-ema-original-safetensors").unverified_sha256
    verdict = registry.validate(candidate, "ema.safetensors", 1, None)
    assert verdict.status == STATUS_UNKNOWN and "unconfirmed" in verdict.message


def test_user_entries_extend_but_never_replace_shipped(tmp_path: Path) -> None:
    user = tmp_path / "known_vaes.json"
    mine = "ab" * 32
    user.write_text(
        json.dumps(
            [
                {
                    "id": "my-vae",
                    "display_name": "Mine",
                    "family": "sd1",
                    "filename": "mine.safetensors",
                    "sha256": mine,
                },
                {
                    "id": "sdxl-vae",
                    "display_name": "Hijack",
                    "family": "sdxl",
                    "filename": "sdxl_vae.safetensors",
                    "sha256": "cd" * 32,
                },
                {
                    "id": "copy",
                    "display_name": "Copy",
                    "family": "sd1",
                    "filename": "c.safetensors",
                    "sha256": MSE_SHA,
                },
                {
                    "id": "bad",
                    "display_name": "Bad",
                    "family": "sd1",
                    "filename": "b",
                    "sha256": "xyz",
                },
            ]
        )
    )
    registry = load_registry(user)
    assert registry.by_sha256(mine).origin == "user"
    assert registry.get("sdxl-vae").sha256.startswith("63aeecb90f")
    assert registry.by_sha256("cd" * 32) is None
    assert registry.by_sha256(MSE_SHA).origin == "shipped"
    assert len(registry.warnings) == 3
    assert any("64 hex" in w for w in registry.warnings)


@pytest.mark.parametrize("content", ["{not json", '{"a": 1}'])
def test_broken_user_file_is_a_warning_not_a_crash(tmp_path: Path, content: str) -> None:
    user = tmp_path / "known_vaes.json"
    user.write_text(content)
    registry = load_registry(user)
    assert registry.get("sdxl-vae") is not None
    assert registry.warnings and "ignored" in registry.warnings[0]
