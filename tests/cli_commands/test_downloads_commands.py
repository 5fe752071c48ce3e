"""`download` through the CLI against a real loopback server: verify, place, catalog."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.cli import main
from tests.http_server import FaultServer
from tests.model_files import ldm_vae_state_dict, write_safetensors


@pytest.fixture
def served_vae(tmp_path: Path, app_home: Path):
    """A real VAE file served on 127.0.0.1 and pinned in the user registry."""
    data = write_safetensors(tmp_path / "src.safetensors", ldm_vae_state_dict()).read_bytes()
    with FaultServer() as server:
        server.add_content("/my-vae.safetensors", data)
        entry = {
            "id": "test-vae",
            "display_name": "Test VAE",
            "family": "sdxl",
            "filename": "my-vae.safetensors",
            "url": server.url("/my-vae.safetensors"),
            "sha256": hashlib.sha256(data).hexdigest(),
            "size_bytes": len(data),
        }
        registry = app_home / "data" / "known_vaes.json"
        registry.parent.mkdir(parents=True, exist_ok=True)
        registry.write_text(json.dumps([entry]))
        yield server, data


def test_download_verifies_places_and_catalogs_as_official(capsys, served_vae) -> None:
    server, data = served_vae
    assert main(["download", "test-vae", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    landed = Path(result["path"])
    assert landed.read_bytes() == data and landed.name == "my-vae.safetensors"
    assert not list(landed.parent.glob("*.part"))

    assert main(["list", "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["validation"] == "official" and entry["official_id"] == "test-vae"
    assert entry["family"] == "sdxl" and entry["locations"] == [str(landed)]


def test_unknown_target_is_a_one_line_error(capsys) -> None:
    assert main(["download", "no-such-vae"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err
