"""installs / link / unlink / undo / scan through the CLI, on real fake install trees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from tests.core.installs.trees import make_a1111, make_comfy
from tests.model_files import ldm_vae_state_dict, write_safetensors


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake user home holding two UIs, so discovery never walks the real one."""
    home = tmp_path / "home"
    make_a1111(home / "stable-diffusion-webui")
    make_comfy(home / "ComfyUI")
    monkeypatch.setenv("HOME", str(home))
    return home


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object]:
    code = main([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_installs_are_discovered_with_their_vae_folders(capsys, home: Path) -> None:
    code, found = _json(capsys, "installs", "--root", str(home))
    assert code == 0
    by_kind = {i["kind"]: i for i in found}
    assert set(by_kind) == {"a1111", "comfyui"}
    assert by_kind["a1111"]["vae_dirs"][0]["path"] == str(
        home / "stable-diffusion-webui" / "models" / "VAE"
    )


def test_link_dry_run_writes_nothing_then_link_and_undo(capsys, home: Path, tmp_path: Path) -> None:
    vae = write_safetensors(tmp_path / "lib" / "my_vae.safetensors", ldm_vae_state_dict())
    roots = [str(home / "stable-diffusion-webui"), str(home / "ComfyUI")]
    a1111_dest = home / "stable-diffusion-webui" / "models" / "VAE" / "my_vae.safetensors"

    code, plan = _json(capsys, "link", str(vae), "--to", *roots, "--dry-run")
    assert code == 0
    assert [e["action"] for e in plan["entries"]] == ["create", "create"]
    assert not a1111_dest.exists()

    code, result = _json(capsys, "link", str(vae), "--to", *roots)
    assert code == 0
    assert a1111_dest.read_bytes() == vae.read_bytes()
    assert all(o["mode"] in ("symlink", "hardlink", "copy") for o in result["outcomes"])

    code, undone = _json(capsys, "undo")
    assert code == 0
    assert not a1111_dest.exists() and not a1111_dest.is_symlink()
    assert vae.exists(), "the library original is never removed"
    assert undone["complete"] and len(undone["steps"]) == 2


def test_conflicting_user_file_is_left_alone(capsys, home: Path, tmp_path: Path) -> None:
    vae = write_safetensors(tmp_path / "my_vae.safetensors", ldm_vae_state_dict())
    theirs = home / "ComfyUI" / "models" / "vae" / "my_vae.safetensors"
    theirs.write_bytes(b"the user's own file")
    code, result = _json(capsys, "link", str(vae), "--to", str(home / "ComfyUI"))
    assert code == 1
    assert result["outcomes"][0]["action"] == "conflict"
    assert theirs.read_bytes() == b"the user's own file"
    # unlink refuses what the app did not make
    assert main(["unlink", str(theirs)]) == 1
    assert theirs.read_bytes() == b"the user's own file"


def test_scan_without_paths_covers_library_and_install_vae_folders(capsys, home: Path) -> None:
    vae_dir = home / "stable-diffusion-webui" / "models" / "VAE"
    write_safetensors(vae_dir / "a.safetensors", ldm_vae_state_dict(seed=1))
    write_safetensors(
        home / "ComfyUI" / "models" / "vae" / "copy.safetensors", ldm_vae_state_dict(seed=1)
    )
    code, report = _json(capsys, "scan")
    assert code == 0 and report["added"] == 2
    code, groups = _json(capsys, "list", "--duplicates")
    assert len(groups) == 1 and groups[0]["wasted_bytes"] > 0
    code, entries = _json(capsys, "list")
    assert len(entries) == 1 and len(entries[0]["locations"]) == 2
