"""import / library / library move through the CLI, on real generated model files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import cli
from app.core.paths import app_paths
from tests.model_files import (
    checkpoint_state_dict,
    ldm_vae_state_dict,
    write_malicious_pickle,
    write_safetensors,
)

SMALL = {"ch_mult": (1, 2)}


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object]:
    code = cli.main([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_import_reports_one_object_per_file_and_library_counts_them(capsys, tmp_path: Path):
    src = tmp_path / "in"
    write_safetensors(src / "a_vae.safetensors", ldm_vae_state_dict(seed=1, **SMALL))
    write_safetensors(
        src / "model.safetensors", checkpoint_state_dict(ldm_vae_state_dict(seed=1, **SMALL))
    )
    code, outcomes = _json(capsys, "import", str(src), "--extract-vae")
    assert code == 0
    by_action = {(o["path"].rsplit("/", 1)[-1], o["action"]): o for o in outcomes}
    assert set(by_action) == {
        ("a_vae.safetensors", "imported"),
        ("model.safetensors", "imported"),
        ("model.safetensors", "duplicate"),
    }
    assert by_action[("model.safetensors", "imported")]["baked_in_vae"] == "a_vae.safetensors"
    assert set(outcomes[0]) >= {"path", "action", "dest", "reason", "baked_in_vae"}

    code, info = _json(capsys, "library")
    assert code == 0
    assert info["root"] == str(app_paths().library_dir)
    assert (info["vae_files"], info["checkpoint_files"]) == (1, 1)


def test_a_refused_file_makes_the_exit_code_1_and_says_why(capsys, tmp_path: Path):
    evil = write_malicious_pickle(tmp_path / "evil.ckpt", tmp_path / "marker")
    code = cli.main(["import", str(evil)])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("refused") and "unsafe-pickle" in out
    assert not (tmp_path / "marker").exists()


def test_human_output_names_the_baked_in_vae(capsys, tmp_path: Path):
    ckpt = write_safetensors(
        tmp_path / "m.safetensors", checkpoint_state_dict(ldm_vae_state_dict(**SMALL))
    )
    assert cli.main(["import", str(ckpt), "--hardlink"]) == 0
    out = capsys.readouterr().out
    assert "imported" in out and "baked-in VAE: unknown" in out


def test_library_move_moves_and_the_library_command_follows(capsys, tmp_path: Path):
    write_safetensors(tmp_path / "v.safetensors", ldm_vae_state_dict(**SMALL))
    assert cli.main(["import", str(tmp_path / "v.safetensors"), "--json"]) == 0
    capsys.readouterr()
    new = tmp_path / "elsewhere"
    code, report = _json(capsys, "library", "move", str(new))
    assert code == 0 and report["moved"] == 1 and report["left"] == []
    code, info = _json(capsys, "library")
    assert info["root"] == str(new) and info["vae_files"] == 1
    code = cli.main(["library", "move", str(new)])
    assert code == 2 and "already at" in capsys.readouterr().err
