"""pair/unpair: the sidecar link and the user-metadata "Preferred VAE", undoable."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.core.installs import install_at
from app.core.installs.a1111_pairing import PairHow, VaeSource, pairings_of
from app.core.operations.journal import OperationKind
from app.core.operations.pair import pair, unpair
from app.core.operations.undo import undo
from tests.core.installs.trees import make_a1111, make_forge2


def _files(tmp_path: Path, root: Path, vae_name: str = "kl-f8-anime2.safetensors"):
    ckpt = root / "models" / "Stable-diffusion" / "anything-v4.5.safetensors"
    ckpt.write_bytes(os.urandom(1024))
    vae = tmp_path / "library" / vae_name
    vae.parent.mkdir(parents=True, exist_ok=True)
    vae.write_bytes(os.urandom(2048))
    return ckpt, vae


def test_sidecar_is_an_app_link_that_a1111_picks_and_undo_removes(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    ckpt, vae = _files(tmp_path, root)

    result = pair(vae, ckpt, journal=journal)

    sidecar = ckpt.with_name("anything-v4.5.vae.safetensors")
    assert result.how is PairHow.SIDECAR and result.linked == (sidecar,)
    assert os.path.islink(sidecar) and os.path.samefile(sidecar, vae)
    assert journal.links.active_for_dest(sidecar) is not None
    assert result.pairing.near == sidecar and result.pairing.effective == sidecar
    assert result.pairing.source is VaeSource.NEAR
    assert not (ckpt.with_suffix(".json")).exists()
    assert journal.get(result.operation_id).kind is OperationKind.PAIR

    assert undo(result.operation_id, journal=journal).complete
    assert not os.path.lexists(sidecar) and vae.is_file()


def test_a_pickle_vae_gets_a_vae_pt_sidecar(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    ckpt, vae = _files(tmp_path, root, "orangemix.vae.pt")
    result = pair(vae, ckpt, journal=journal)
    assert result.linked == (ckpt.with_name("anything-v4.5.vae.pt"),)


def test_metadata_names_the_vae_keeps_other_keys_and_undo_restores(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    ckpt, vae = _files(tmp_path, root)
    meta = ckpt.with_suffix(".json")
    meta.write_text(json.dumps({"description": "soft", "notes": "", "vae": "Automatic"}, indent=4))
    before = meta.read_bytes()

    result = pair(vae, ckpt, how="metadata", journal=journal)

    link = root / "models" / "VAE" / vae.name  # put in the VAE list first, same operation
    assert result.linked == (link,)
    assert json.loads(meta.read_text()) == {"description": "soft", "notes": "", "vae": vae.name}
    assert result.pairing.effective == link and result.pairing.source is VaeSource.METADATA
    steps = journal.get(result.operation_id).steps
    assert [s.kind for s in steps] == ["link-created", "config-value"]
    assert list(meta.parent.glob("anything-v4.5.json.vaem-bak-*"))

    assert undo(result.operation_id, journal=journal).complete
    assert meta.read_bytes() == before and not os.path.lexists(link)


def test_both_writes_the_sidecar_name_into_a_new_metadata_file(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    ckpt, vae = _files(tmp_path, root)
    result = pair(vae, ckpt, how=PairHow.BOTH, journal=journal)
    meta = ckpt.with_suffix(".json")
    assert json.loads(meta.read_text()) == {"vae": "anything-v4.5.vae.safetensors"}
    assert result.pairing.metadata_vae == ("anything-v4.5.vae.safetensors",)
    undo(result.operation_id, journal=journal)
    assert not meta.exists()  # the app created it and nothing else was added: gone again


def test_a_user_sidecar_is_never_replaced(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    ckpt, vae = _files(tmp_path, root)
    theirs = ckpt.with_name("anything-v4.5.vae.pt")
    theirs.write_bytes(b"the user's own")
    with pytest.raises(UserError, match="did not make it; it was left alone"):
        pair(vae, ckpt, journal=journal)
    assert theirs.read_bytes() == b"the user's own"
    assert journal.recent() == []


def test_pairing_again_replaces_the_apps_own_sidecar_and_unpair_removes_it(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    ckpt, vae = _files(tmp_path, root)
    pair(vae, ckpt, journal=journal)
    other = tmp_path / "library" / "blessed2.vae.pt"
    other.write_bytes(os.urandom(512))
    second = pair(other, ckpt, journal=journal)
    assert second.removed == (ckpt.with_name("anything-v4.5.vae.safetensors"),)
    assert second.linked == (ckpt.with_name("anything-v4.5.vae.pt"),)

    gone = unpair(ckpt, journal=journal)
    assert gone.removed == (ckpt.with_name("anything-v4.5.vae.pt"),)
    assert pairings_of(ckpt, install_at(root)).sidecars == ()
    assert undo(gone.operation_id, journal=journal).complete
    assert os.path.islink(ckpt.with_name("anything-v4.5.vae.pt"))


def test_sd_vae_setting_overriding_the_pairing_is_said(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    (root / "models" / "VAE" / "global.pt").write_bytes(b"g")
    (root / "config.json").write_text(json.dumps({"sd_vae": "global.pt"}))
    ckpt, vae = _files(tmp_path, root)
    result = pair(vae, ckpt, journal=journal)
    assert result.pairing.source is VaeSource.SETTING
    assert "sd_vae" in result.notes[0] and "overrides per-model preferences" in result.notes[0]


def test_forge2_writes_vae_te_and_refuses_a_sidecar(tmp_path, journal):
    root = make_forge2(tmp_path / "forge")
    ckpt, vae = _files(tmp_path, root)
    with pytest.raises(UserError, match="Forge 2 does not load a VAE placed beside"):
        pair(vae, ckpt, how="sidecar", journal=journal)
    meta = ckpt.with_suffix(".json")
    meta.write_text(
        json.dumps({"vae_te": ["clip_l.safetensors"], "sd_version_str": "SdVersion.SD1"})
    )
    result = pair(vae, ckpt, journal=journal)
    assert result.how is PairHow.METADATA
    data = json.loads(meta.read_text())
    assert data["vae_te"] == ["clip_l.safetensors", vae.name]
    assert result.pairing.source is VaeSource.METADATA
    unpair(ckpt, journal=journal)
    assert json.loads(meta.read_text())["vae_te"] == ["clip_l.safetensors"]


def test_a_checkpoint_outside_any_install_is_refused(tmp_path, journal):
    ckpt = tmp_path / "loose" / "model.safetensors"
    ckpt.parent.mkdir()
    ckpt.write_bytes(b"x")
    with pytest.raises(UserError, match="not in the checkpoint folder of a known"):
        pair(ckpt, ckpt, journal=journal)


def test_a_broken_metadata_file_refuses_before_anything_is_written(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    ckpt, vae = _files(tmp_path, root)
    meta = ckpt.with_suffix(".json")
    meta.write_text("[" * 100 + "]" * 100)
    with pytest.raises(UserError, match="nests deeper"):
        pair(vae, ckpt, how="both", journal=journal)
    assert not ckpt.with_name("anything-v4.5.vae.safetensors").exists()
    assert journal.recent() == []


def test_pairings_in_lists_every_checkpoint_with_its_choice(tmp_path, journal):
    from app.core.installs.a1111_pairing import pairings_in

    root = make_a1111(tmp_path / "webui")
    ckpt, vae = _files(tmp_path, root)
    plain = root / "models" / "Stable-diffusion" / "sub" / "plain.ckpt"
    plain.parent.mkdir()
    plain.write_bytes(b"p")
    pair(vae, ckpt, journal=journal)
    found = {p.checkpoint.name: p for p in pairings_in(install_at(root))}
    assert set(found) == {"anything-v4.5.safetensors", "plain.ckpt"}  # the sidecar is no checkpoint
    assert found["anything-v4.5.safetensors"].source is VaeSource.NEAR
    assert (
        found["plain.ckpt"].effective is None and found["plain.ckpt"].source is VaeSource.BUILT_IN
    )
