"""config.json in the layouts real installs have: kept as they were, but for the VAE lines.

A1111 writes ``json.dump(data, f, indent=4, ensure_ascii=False)`` through a text-mode
file (AUTOMATIC1111 ``modules/options.py`` ``Options.save``, v1.8.0 = Forge repo commit
45b8a499): 4 spaces, no final newline, CRLF on Windows. Hand-edited files have 2 spaces,
a final newline, or sit on one line. Quick settings: the ``quicksettings_list`` list (1.1.1+),
the older ``quicksettings`` string ("1.1.1 quicksettings list migration" in ``Options.load``).
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.core.installs import install_at
from app.core.installs.a1111_config import (
    BACKUP_INFIX,
    ValueChange,
    release_default,
    restore_value,
    set_default_vae,
)
from app.core.installs.json_format import detect_format
from tests.core.installs.trees import make_a1111, make_forge1, make_forge2, make_reforge

WEBUI_SAVED = {  # the start of a real 1.8.0 config.json, in the order A1111 saves it
    "samples_save": True,
    "samples_format": "png",
    "outdir_txt2img_samples": "outputs/txt2img-images",
    "sd_model_checkpoint": "v1-5-pruned-emaonly.safetensors [6ce0161689]",
    "sd_vae": "Automatic",
    "sd_vae_overrides_per_model_preferences": True,
    "CLIP_stop_at_last_layers": 1,
    "quicksettings_list": ["sd_model_checkpoint"],
    "sd_checkpoint_hash": "6ce0161689b3853acaa03779ec93eafe75a02f4ced659bee03f50797806fa2fa",
    "prompt_style_名": "水彩",
}


def _vae(root: Path, name: str = "vae-ft-mse-840000-ema-pruned.safetensors") -> Path:
    path = root / "models" / "VAE" / name
    path.write_bytes(b"bytes are not read when setting a default")
    return path


def _diff(before: str, after: str) -> tuple[set[str], set[str]]:
    """(lines removed, lines added), stripped, as a reviewer of the backup would see them."""
    lines = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return {x[2:].strip() for x in lines if x[0] == "-"}, {
        x[2:].strip() for x in lines if x[0] == "+"
    }


@pytest.mark.parametrize(
    ("dumps", "newline"),
    [
        (lambda d: json.dumps(d, indent=4, ensure_ascii=False), "\n"),  # A1111 on Linux
        (lambda d: json.dumps(d, indent=4, ensure_ascii=False), "\r\n"),  # A1111 on Windows
        (lambda d: json.dumps(d, indent=2, ensure_ascii=False) + "\n", "\n"),  # hand-edited
        (lambda d: json.dumps(d, indent="\t", ensure_ascii=False) + "\n", "\n"),
        (lambda d: json.dumps(d, indent=4), "\n"),  # ensure_ascii: \\u escapes kept
    ],
    ids=["a1111-linux", "a1111-windows-crlf", "indent-2-final-newline", "tabs", "ascii-escapes"],
)
def test_only_the_vae_lines_change_in_each_layout(tmp_path, dumps, newline):
    root = make_a1111(tmp_path / "webui")
    before = dumps(WEBUI_SAVED).replace("\n", newline)
    (root / "config.json").write_bytes(before.encode("utf-8"))
    set_default_vae(install_at(root), _vae(root))

    after = (root / "config.json").read_bytes().decode("utf-8")
    expected = dict(WEBUI_SAVED, sd_vae="vae-ft-mse-840000-ema-pruned.safetensors")
    expected["quicksettings_list"] = ["sd_model_checkpoint", "sd_vae"]
    assert json.loads(after) == expected
    assert list(json.loads(after)) == list(WEBUI_SAVED)  # key order kept
    assert after == dumps(expected).replace("\n", newline)  # byte for byte the same layout
    assert after.count("\n") == after.count(newline)  # every line end as the file had it
    removed, added = _diff(before, after)
    assert removed == {'"sd_vae": "Automatic",', '"sd_model_checkpoint"'}
    assert added == {
        '"sd_vae": "vae-ft-mse-840000-ema-pruned.safetensors",',
        '"sd_model_checkpoint",',
        '"sd_vae"',
    }


def test_a_one_line_file_stays_on_one_line(tmp_path):
    root = make_a1111(tmp_path / "webui")
    (root / "config.json").write_text('{"sd_vae":"Automatic","CLIP_stop_at_last_layers":2}')
    set_default_vae(install_at(root), _vae(root, "x.pt"))
    text = (root / "config.json").read_text()
    assert text == (
        '{"sd_vae":"x.pt","CLIP_stop_at_last_layers":2,'
        '"quicksettings_list":["sd_model_checkpoint","sd_vae"]}'
    )


def test_detects_what_a1111_itself_writes():
    text = json.dumps(WEBUI_SAVED, indent=4, ensure_ascii=False)
    layout = detect_format(text)
    assert (layout.indent, layout.final_newline, layout.ensure_ascii) == ("    ", False, False)
    assert layout.dumps(WEBUI_SAVED) == text


# ----------------------------------------------------------------------------- quick settings


def test_the_old_quicksettings_string_gets_sd_vae_once(tmp_path):
    root = make_a1111(tmp_path / "webui")
    (root / "config.json").write_text(json.dumps({"quicksettings": "sd_model_checkpoint, CLIP"}))
    install = install_at(root)
    change = set_default_vae(install, _vae(root))
    data = json.loads((root / "config.json").read_text())
    # only the string: A1111 builds the list from it when the list is missing (Options.load)
    assert data["quicksettings"] == "sd_model_checkpoint, CLIP, sd_vae"
    assert "quicksettings_list" not in data
    assert [c.key for c in change.changes] == ["sd_vae", "quicksettings"]
    set_default_vae(install, _vae(root, "other.safetensors"))
    again = json.loads((root / "config.json").read_text())
    assert again["quicksettings"] == "sd_model_checkpoint, CLIP, sd_vae"  # not twice


def test_both_the_list_and_the_string_get_it_and_a_present_one_is_left(tmp_path):
    root = make_a1111(tmp_path / "webui")
    config = {"quicksettings": "sd_model_checkpoint", "quicksettings_list": ["sd_vae", "x"]}
    (root / "config.json").write_text(json.dumps(config))
    change = set_default_vae(install_at(root), _vae(root))
    data = json.loads((root / "config.json").read_text())
    assert data["quicksettings_list"] == ["sd_vae", "x"]
    assert data["quicksettings"] == "sd_model_checkpoint,sd_vae"
    assert [c.key for c in change.changes] == ["sd_vae", "quicksettings"]


def test_reset_leaves_quick_settings_alone(tmp_path):
    root = make_a1111(tmp_path / "webui")
    install = install_at(root)
    set_default_vae(install, _vae(root))
    change = set_default_vae(install, None)
    data = json.loads((root / "config.json").read_text())
    assert data["sd_vae"] == "Automatic"
    assert data["quicksettings_list"] == ["sd_model_checkpoint", "sd_vae"]
    assert [c.key for c in change.changes] == ["sd_vae"]


@pytest.mark.parametrize("make", [make_reforge, make_forge1], ids=["reforge", "forge1"])
def test_forks_whose_default_list_shows_the_vae_get_no_list_written(tmp_path, make):
    root = make(tmp_path / "webui")
    set_default_vae(install_at(root), _vae(root))
    data = json.loads((root / "config.json").read_text())
    assert data == {"sd_vae": "vae-ft-mse-840000-ema-pruned.safetensors"}


def test_forge2_keeps_text_encoders_and_no_quick_settings(tmp_path):
    root = make_forge2(tmp_path / "forge")
    te = str(root / "models" / "text_encoder" / "t5xxl_fp16.safetensors")
    old = str(_vae(root, "ae.safetensors"))
    (root / "config.json").write_text(json.dumps({"forge_additional_modules": [te, old]}, indent=4))
    new = _vae(root, "flux-vae-bf16.safetensors")
    change = set_default_vae(install_at(root), new)
    data = json.loads((root / "config.json").read_text())
    assert data == {"forge_additional_modules": [te, str(new)]}
    assert [c.key for c in change.changes] == ["forge_additional_modules"]


# ----------------------------------------------------------------------------- undo and release


def test_restore_puts_the_old_value_back_only_while_ours(tmp_path):
    root = make_a1111(tmp_path / "webui")
    (root / "config.json").write_text(json.dumps({"sd_vae": "old.pt"}, indent=4))
    change = set_default_vae(install_at(root), _vae(root))
    config = root / "config.json"
    sd_vae = change.changes[0]
    assert sd_vae == ValueChange("sd_vae", "old.pt", "vae-ft-mse-840000-ema-pruned.safetensors")

    data = json.loads(config.read_text())
    config.write_text(json.dumps(dict(data, sd_vae="user-chose-this.pt"), indent=4))
    before = config.read_bytes()
    with pytest.raises(UserError, match="now holds 'user-chose-this.pt'.*left as it is"):
        restore_value(config, sd_vae)
    assert config.read_bytes() == before

    config.write_text(json.dumps(data, indent=4))
    assert restore_value(config, sd_vae)[0] is True
    assert json.loads(config.read_text())["sd_vae"] == "old.pt"
    assert restore_value(config, sd_vae) == (False, None)  # already back: nothing written


def test_restoring_a_key_that_was_absent_removes_it(tmp_path):
    root = make_a1111(tmp_path / "webui")
    (root / "config.json").write_text("{}")
    change = set_default_vae(install_at(root), _vae(root))
    for c in reversed(change.changes):
        restore_value(root / "config.json", c)
    assert json.loads((root / "config.json").read_text()) == {}


def test_release_resets_only_a_default_whose_file_is_gone(tmp_path):
    root = make_a1111(tmp_path / "webui")
    install = install_at(root)
    vae = _vae(root)
    set_default_vae(install, vae)
    assert release_default(install, [vae]) is None  # still there
    vae.unlink()
    (root / "models" / "VAE" / "sub").mkdir()
    twin = _vae(root, "sub/vae-ft-mse-840000-ema-pruned.safetensors")
    assert release_default(install, [vae]) is None  # A1111 still finds that name (basename key)
    twin.unlink()
    change = release_default(install, [vae])
    assert change is not None and change.new_value == "Automatic"
    assert json.loads((root / "config.json").read_text())["sd_vae"] == "Automatic"
    assert change.backup is not None and BACKUP_INFIX in change.backup.name
