"""Setting the default VAE in a real A1111 / Forge 2 config.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.core.installs import install_at
from app.core.installs.a1111_config import (
    AUTOMATIC,
    BACKUP_INFIX,
    config_path,
    current_default_vae,
    set_default_vae,
    supports_default_vae,
)
from tests.core.installs.trees import make_a1111, make_comfy, make_forge2


def _vae(folder: Path, name: str = "my-vae.safetensors") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"not read by this module")
    return path


def test_sets_sd_vae_keeps_other_keys_and_backs_up(tmp_path: Path) -> None:
    root = make_a1111(tmp_path / "webui")
    (root / "config.json").write_text(
        json.dumps({"sd_vae": "Automatic", "CLIP_stop_at_last_layers": 2, "名字": "值"}),
        encoding="utf-8",
    )
    install = install_at(root)
    vae = _vae(root / "models" / "VAE")

    change = set_default_vae(install, vae)

    data = json.loads((root / "config.json").read_text(encoding="utf-8"))
    assert data == {
        "sd_vae": "my-vae.safetensors",
        "CLIP_stop_at_last_layers": 2,
        "名字": "值",
        "quicksettings_list": ["sd_model_checkpoint", "sd_vae"],  # A1111's default + the VAE
    }
    assert change.old_value == "Automatic" and change.new_value == "my-vae.safetensors"
    assert change.backup is not None and BACKUP_INFIX in change.backup.name
    assert json.loads(change.backup.read_text(encoding="utf-8"))["sd_vae"] == "Automatic"
    assert any("restart" in note for note in change.notes)
    assert current_default_vae(install) == "my-vae.safetensors"
    assert not list(root.glob(".config.json*.tmp"))


def test_back_to_automatic_and_a_second_backup(tmp_path: Path) -> None:
    root = make_a1111(tmp_path / "webui")
    install = install_at(root)
    vae = _vae(root / "models" / "VAE" / "sub", "x.pt")
    first = set_default_vae(install, vae)
    assert first.backup is None  # there was no config.json yet
    assert current_default_vae(install) == "x.pt"
    second = set_default_vae(install, None)
    assert second.backup is not None and second.backup.exists()
    assert json.loads(config_path(install).read_text())["sd_vae"] == AUTOMATIC
    assert current_default_vae(install) is None


def test_a_symlink_in_the_vae_folder_counts_as_inside(tmp_path: Path) -> None:
    root = make_a1111(tmp_path / "webui")
    install = install_at(root)
    source = _vae(tmp_path / "library", "lib.safetensors")
    link = root / "models" / "VAE" / "lib.safetensors"
    os.symlink(source, link)
    assert set_default_vae(install, link).new_value == "lib.safetensors"
    with pytest.raises(UserError, match="link it there first"):
        set_default_vae(install, source)


def test_data_dir_from_the_launcher_script(tmp_path: Path) -> None:
    root = make_a1111(tmp_path / "webui")
    data = tmp_path / "data"
    (root / "webui-user.sh").write_text(f'export COMMANDLINE_ARGS="--data-dir {data}"\n')
    install = install_at(root)
    assert config_path(install) == data / "config.json"
    vae = _vae(data / "models" / "VAE")
    set_default_vae(install, vae)
    assert json.loads((data / "config.json").read_text())["sd_vae"] == vae.name
    assert not (root / "config.json").exists()


def test_forge2_replaces_only_vae_modules(tmp_path: Path) -> None:
    root = make_forge2(tmp_path / "forge")
    encoder = str(root / "models" / "text_encoder" / "clip_l.safetensors")
    old_vae = str(_vae(root / "models" / "VAE", "old.safetensors"))
    (root / "config.json").write_text(
        json.dumps({"forge_additional_modules": [encoder, old_vae], "sd_vae": "Automatic"})
    )
    install = install_at(root)
    new_vae = _vae(root / "models" / "VAE", "new.safetensors")
    change = set_default_vae(install, new_vae)
    data = json.loads((root / "config.json").read_text())
    assert data["forge_additional_modules"] == [encoder, os.path.abspath(new_vae)]
    assert data["sd_vae"] == "Automatic"  # "(Managed by Forge)" in Forge 2: left alone
    assert change.key == "forge_additional_modules"
    assert current_default_vae(install) == os.path.abspath(new_vae)


def test_refuses_broken_json_without_touching_it(tmp_path: Path) -> None:
    root = make_a1111(tmp_path / "webui")
    (root / "config.json").write_text("{ broken", encoding="utf-8")
    install = install_at(root)
    with pytest.raises(UserError, match="not valid JSON"):
        set_default_vae(install, _vae(root / "models" / "VAE"))
    assert (root / "config.json").read_text() == "{ broken"
    assert not list(root.glob(f"config.json{BACKUP_INFIX}*"))


def test_other_uis_are_refused(tmp_path: Path) -> None:
    install = install_at(make_comfy(tmp_path / "ComfyUI"))
    assert not supports_default_vae(install)
    with pytest.raises(UserError, match="does not keep its default VAE"):
        set_default_vae(install, None)


def test_ui_settings_file_from_the_launcher_script(tmp_path: Path) -> None:
    """``--ui-settings-file`` moves the settings file (A1111 ``modules/cmd_args.py``)."""
    root = make_a1111(tmp_path / "webui")
    (root / "webui-user.sh").write_text(
        'export COMMANDLINE_ARGS="--data-dir data --ui-settings-file settings/mine.json"\n'
    )
    install = install_at(root)
    assert config_path(install) == root / "settings" / "mine.json"
    (root / "settings").mkdir()
    (root / "settings" / "mine.json").write_text(json.dumps({"sd_vae": "Automatic", "x": 1}))
    vae = _vae(root / "data" / "models" / "VAE")
    set_default_vae(install, vae)
    assert json.loads((root / "settings" / "mine.json").read_text())["sd_vae"] == vae.name
    assert current_default_vae(install) == vae.name
    assert not (root / "config.json").exists() and not (root / "data" / "config.json").exists()


def test_a_batch_files_own_folder_is_where_dp0_points(tmp_path: Path) -> None:
    """One-click packages: ``%~dp0`` is the batch file's folder, as cmd.exe expands it."""
    root = make_a1111(tmp_path / "webui")
    (root / "webui-user.sh").unlink(missing_ok=True)
    (root / "webui-user.bat").write_text(
        '@echo off\r\nset COMMANDLINE_ARGS=--data-dir "%~dp0data" '
        '--ui-settings-file "%~DP0data/config.json"\r\ncall webui.bat\r\n'
    )
    install = install_at(root)
    assert config_path(install) == root / "data" / "config.json"
    from app.core.installs.a1111_config import data_dir

    assert data_dir(install) == root / "data"
