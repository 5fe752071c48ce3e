"""set_default: link if needed, write sd_vae + quick settings, record steps, undo them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.core.installs import install_at
from app.core.installs.a1111_config import BACKUP_INFIX
from app.core.operations.journal import OperationKind
from app.core.operations.set_default import CONFIG_VALUE, set_default
from app.core.operations.undo import undo
from tests.core.installs.trees import make_a1111, make_comfy
from tests.model_files import ldm_vae_state_dict, write_safetensors


@pytest.fixture
def real_vae(tmp_path: Path) -> Path:
    sd = ldm_vae_state_dict(ch=8, ch_mult=(1, 2), num_res_blocks=1)
    return write_safetensors(tmp_path / "library" / "vae-ft-mse-840000-ema-pruned.safetensors", sd)


def _config(root: Path) -> dict:
    return json.loads((root / "config.json").read_text(encoding="utf-8"))


def test_a_library_file_is_linked_and_made_the_default_in_one_operation(
    tmp_path, real_vae, journal
):
    root = make_a1111(tmp_path / "webui")
    original = json.dumps({"sd_vae": "Automatic", "quicksettings_list": ["sd_model_checkpoint"]})
    (root / "config.json").write_text(original, encoding="utf-8")

    result = set_default(real_vae, root, journal=journal)

    link = root / "models" / "VAE" / real_vae.name
    assert result.linked == link and result.vae == link
    assert os.path.islink(link) and os.path.samefile(link, real_vae)
    assert _config(root) == {
        "sd_vae": real_vae.name,
        "quicksettings_list": ["sd_model_checkpoint", "sd_vae"],
    }
    record = journal.get(result.operation_id)
    assert record is not None and record.kind is OperationKind.SET_DEFAULT
    assert [s.kind for s in record.steps] == ["link-created", CONFIG_VALUE, CONFIG_VALUE]
    assert record.steps[1].data["key"] == "sd_vae" and record.steps[1].data["old"] == "Automatic"
    assert result.to_json()["linked"] == str(link)

    undone = undo(result.operation_id, journal=journal)

    assert undone.complete, undone.to_json()
    assert not os.path.lexists(link)
    assert (root / "config.json").read_text(encoding="utf-8") == original  # byte for byte
    assert real_vae.is_file()  # the library file is never touched


def test_a_file_already_in_the_vae_folder_is_used_in_place(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    vae = root / "models" / "VAE" / "mine.pt"
    vae.write_bytes(b"x")
    result = set_default(vae, install_at(root), journal=journal)
    assert result.linked is None and result.vae == vae
    assert _config(root)["sd_vae"] == "mine.pt"
    assert result.change.backup is None  # no config.json before
    record = journal.get(result.operation_id)
    assert [s.data["key"] for s in record.steps] == ["sd_vae", "quicksettings_list"]
    undo(result.operation_id, journal=journal)
    assert not (root / "config.json").exists()  # the file the app created is gone again


def test_reset_is_its_own_undoable_operation(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    vae = root / "models" / "VAE" / "mine.pt"
    vae.write_bytes(b"x")
    set_default(vae, root, journal=journal)
    result = set_default(None, root, journal=journal)
    assert journal.get(result.operation_id).kind is OperationKind.RESET_DEFAULT
    assert _config(root)["sd_vae"] == "Automatic"
    assert result.change.backup is not None and BACKUP_INFIX in result.change.backup.name
    undo(result.operation_id, journal=journal)
    assert _config(root)["sd_vae"] == "mine.pt"


def test_undo_refuses_when_the_user_changed_the_value_since(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    vae = root / "models" / "VAE" / "mine.pt"
    vae.write_bytes(b"x")
    result = set_default(vae, root, journal=journal)
    data = _config(root)
    data["sd_vae"] = "picked-in-the-webui.safetensors"
    (root / "config.json").write_text(json.dumps(data, indent=4))
    before = (root / "config.json").read_bytes()

    undone = undo(result.operation_id, journal=journal)

    assert not undone.complete
    refused = [s for s in undone.steps if not s.done]
    assert len(refused) == 1 and "picked-in-the-webui.safetensors" in refused[0].reason
    assert _config(root)["sd_vae"] == "picked-in-the-webui.safetensors"
    assert "quicksettings_list" not in _config(root)  # that step was still ours: undone
    assert journal.get(result.operation_id).undone_at is None
    assert (root / "config.json").read_bytes() != before  # only the quick settings changed


def test_a_broken_config_refuses_before_linking(tmp_path, real_vae, journal):
    root = make_a1111(tmp_path / "webui")
    (root / "config.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(UserError, match="left untouched"):
        set_default(real_vae, root, journal=journal)
    assert (root / "config.json").read_text() == "{ not json"
    assert not list((root / "models" / "VAE").iterdir())
    assert journal.recent() == []


def test_other_uis_are_refused_plainly(tmp_path, real_vae, journal):
    with pytest.raises(UserError, match="does not keep its default VAE"):
        set_default(real_vae, make_comfy(tmp_path / "ComfyUI"), journal=journal)


def test_choosing_the_current_default_again_writes_nothing(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    vae = root / "models" / "VAE" / "mine.pt"
    vae.write_bytes(b"x")
    set_default(vae, root, journal=journal)
    before = (root / "config.json").read_bytes()
    again = set_default(vae, root, journal=journal)
    assert again.operation_id is None and again.change.changes == ()
    assert again.change.new_value == "mine.pt" and again.change.backup is None
    assert (root / "config.json").read_bytes() == before
    assert not list(root.glob(f"config.json{BACKUP_INFIX}*"))
    assert len(journal.recent()) == 1
