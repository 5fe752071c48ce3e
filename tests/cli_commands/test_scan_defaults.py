"""`scan` with no paths catalogs what the window's rescan does: install checkpoints included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.core.catalog.store import Catalog
from app.core.paths import app_paths
from tests.core.installs.trees import make_a1111
from tests.model_files import checkpoint_state_dict, ldm_vae_state_dict, write_safetensors


def test_scan_without_paths_catalogs_the_discovered_installs_checkpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    webui = make_a1111(home / "stable-diffusion-webui")
    models = webui / "models"
    ckpt = write_safetensors(models / "Stable-diffusion" / "dreamy.safetensors",
                             checkpoint_state_dict(ch=8))  # fmt: skip
    vae = write_safetensors(models / "VAE" / "soft.safetensors",
                            ldm_vae_state_dict(ch=8, ch_mult=(1, 2), num_res_blocks=1))  # fmt: skip
    monkeypatch.setenv("HOME", str(home))
    assert main(["scan", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {Path(f["path"]) for f in report["files"]} >= {ckpt, vae}
    with Catalog(app_paths().catalog_db) as catalog:
        kinds = {loc: e.kind for e in catalog.entries() for loc in e.locations}
    assert kinds[str(ckpt)] == "checkpoint" and kinds[str(vae)] == "vae"
