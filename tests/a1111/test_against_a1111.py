"""What VAE Manager writes, read by AUTOMATIC1111's own code (skipped without ``A1111_SRC``).

Run with ``A1111_SRC=/path/to/stable-diffusion-webui`` (v1.8.0 layout; for example
``git archive 45b8a499 modules`` of the Forge repository, which holds A1111's history).
A1111's ``Options.load`` must see our ``sd_vae`` and quick settings, ``refresh_vae_list``
+ ``resolve_vae`` must find the linked file by the name we wrote, the sidecar beside a
checkpoint and the user-metadata choice, and the ``cache.json`` its ``hashes.sha256``
writes must give VAE Manager the same hash.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from app.core.hashing.foreign_caches import find_cached_hashes
from app.core.installs import install_at
from app.core.installs.a1111_pairing import pairings_of
from app.core.operations.journal import Journal
from app.core.operations.pair import pair
from app.core.operations.set_default import set_default
from tests.a1111.harness import run_a1111, source_dir
from tests.core.installs.trees import make_a1111

SRC = source_dir()
pytestmark = pytest.mark.skipif(SRC is None, reason="A1111_SRC does not point at a webui checkout")


def _file(path: Path, size: int = 4096) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(size))
    return path


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "state" / "links.sqlite3")


@pytest.mark.parametrize("layout", ["a1111", "indent-2-old-string"])
def test_a1111_loads_our_default_and_quick_settings(tmp_path, journal, layout):
    assert SRC is not None
    root = make_a1111(tmp_path / "webui")
    if layout != "a1111":  # a hand-edited pre-1.1.1 style file
        old = {"quicksettings": "sd_model_checkpoint", "sd_vae": "Automatic"}
        (root / "config.json").write_text(json.dumps(old, indent=2) + "\n")
    library = _file(tmp_path / "library" / "vae-ft-mse-840000-ema-pruned.safetensors")
    ckpt = _file(root / "models" / "Stable-diffusion" / "v1-5-pruned-emaonly.safetensors")
    result = set_default(library, root, journal=journal)

    seen = run_a1111(SRC, tmp_path / "run", root=root, config=root / "config.json",
                     checkpoints=[ckpt])  # fmt: skip

    assert seen["sd_vae"] == library.name
    assert "sd_vae" in seen["quicksettings_list"]
    assert seen["vae_dict"][library.name] == str(result.linked)
    assert seen["resolve"][str(ckpt)] == [str(result.linked), "specified in settings"]


def test_a1111_finds_our_sidecar_and_metadata_choice(tmp_path, journal):
    assert SRC is not None
    root = make_a1111(tmp_path / "webui")
    models = root / "models" / "Stable-diffusion"
    near = _file(models / "anything-v4.5.safetensors")
    chosen = _file(models / "sub" / "dreamshaper_8.safetensors")
    vae_a = _file(tmp_path / "library" / "kl-f8-anime2.safetensors")
    vae_b = _file(tmp_path / "library" / "orangemix.vae.pt")
    pair(vae_a, near, how="sidecar", journal=journal)
    pair(vae_b, chosen, how="metadata", journal=journal)

    seen = run_a1111(SRC, tmp_path / "run", root=root, config=root / "config.json",
                     checkpoints=[near, chosen])  # fmt: skip

    sidecar = models / "anything-v4.5.vae.safetensors"
    assert seen["resolve"][str(near)] == [str(sidecar), "found near the checkpoint"]
    linked_b = root / "models" / "VAE" / vae_b.name
    assert seen["resolve"][str(chosen)] == [str(linked_b), "from user metadata"]
    install = install_at(root)
    for ckpt in (near, chosen):  # our reading agrees with A1111's
        ours = pairings_of(ckpt, install)
        assert [str(ours.effective), str(ours.source)] == seen["resolve"][str(ckpt)]
    assert sorted(seen["vae_dict"]) == sorted(p.name for p in (sidecar, linked_b))


def test_the_cache_a1111_writes_gives_us_the_same_hash(tmp_path):
    assert SRC is not None
    root = make_a1111(tmp_path / "webui")
    ckpt = _file(root / "models" / "Stable-diffusion" / "sub" / "model.safetensors", 1 << 20)
    title = "checkpoint/" + os.path.join("sub", "model.safetensors")  # sd_models.py's title

    seen = run_a1111(SRC, tmp_path / "run", root=root, config=root / "config.json",
                     checkpoints=[], hash_titles=[(ckpt, title)])  # fmt: skip

    expected = hashlib.sha256(ckpt.read_bytes()).hexdigest()
    assert seen["sha256"][title] == expected
    assert seen["cache_file"] == str(root / "cache.json") and (root / "cache.json").is_file()
    found = find_cached_hashes(ckpt, [root])
    assert found is not None and found.sha256 == expected and "cache.json" in found.source


def test_after_unlinking_the_default_a1111_no_longer_looks_for_it(tmp_path, journal):
    """Without the guard A1111 prints "Couldn't find VAE named ..." (resolve_vae_from_setting)."""
    from app.core.operations.unlink import unlink

    assert SRC is not None
    root = make_a1111(tmp_path / "webui")
    library = _file(tmp_path / "library" / "sdxl_vae.safetensors")
    ckpt = _file(root / "models" / "Stable-diffusion" / "sdxl.safetensors")
    made = set_default(library, root, journal=journal)
    unlink([made.linked], journal=journal)

    seen = run_a1111(SRC, tmp_path / "run", root=root, config=root / "config.json",
                     checkpoints=[ckpt])  # fmt: skip

    assert seen["sd_vae"] == "Automatic" and seen["vae_dict"] == {}
    assert seen["resolve"][str(ckpt)] == [None, None]  # the checkpoint's own VAE
    assert "Couldn't find VAE" not in seen["printed"]

    config = json.loads((root / "config.json").read_text())  # the failure the guard prevents
    (root / "config.json").write_text(json.dumps(dict(config, sd_vae=library.name)))
    unguarded = run_a1111(SRC, tmp_path / "run2", root=root, config=root / "config.json",
                          checkpoints=[ckpt])  # fmt: skip
    assert f"Couldn't find VAE named {library.name}" in unguarded["printed"]
