"""set-default and pair through the CLI, on real install trees; exit codes as the README says."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.cli import main
from app.core.operations.undo import undo
from tests.core.installs.trees import make_a1111, make_comfy
from tests.model_files import ldm_vae_state_dict, write_safetensors


@pytest.fixture
def webui(tmp_path: Path) -> Path:
    return make_a1111(tmp_path / "stable-diffusion-webui")


@pytest.fixture
def vae(tmp_path: Path) -> Path:
    sd = ldm_vae_state_dict(ch=8, ch_mult=(1, 2), num_res_blocks=1)
    return write_safetensors(tmp_path / "lib" / "vae-ft-mse-840000-ema-pruned.safetensors", sd)


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _config(root: Path) -> dict:
    return json.loads((root / "config.json").read_text(encoding="utf-8"))


def test_set_default_links_writes_and_undo_reverses(capsys, webui, vae):
    code, result = _json(capsys, "set-default", str(vae), "--install", str(webui))
    assert code == 0
    link = webui / "models" / "VAE" / vae.name
    assert result["linked"] == str(link) and result["key"] == "sd_vae"
    assert _config(webui) == {
        "sd_vae": vae.name,
        "quicksettings_list": ["sd_model_checkpoint", "sd_vae"],
    }
    # the operation is in the app's journal, the one `undo` (core and CLI) reverses
    assert undo(result["operation_id"]).complete
    assert not os.path.lexists(link) and not (webui / "config.json").exists()


def test_reset_and_the_human_output(capsys, webui, vae):
    assert main(["set-default", str(vae), "--install", str(webui)]) == 0
    out = capsys.readouterr().out
    assert f"default VAE is now {vae.name}" in out
    assert f"Undo make {vae.name} the default VAE of " in out and ": undo " in out
    assert "restart" in out  # the running-webui warning
    assert main(["set-default", "--reset", "--install", str(webui)]) == 0
    assert "default VAE is now Automatic" in capsys.readouterr().out
    assert _config(webui)["sd_vae"] == "Automatic"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["set-default", "--install", "{webui}"], "or pass --reset"),
        (["set-default", "{vae}", "--install", "{comfy}"], "does not keep its default VAE"),
        (["set-default", "{webui}/nope.pt", "--install", "{webui}"], "no such file"),
        (["pair", "{vae}", "--with", "{vae}"], "not in the checkpoint folder"),
        (["pair", "--with", "{vae}"], "or pass --unpair"),
    ],
    ids=["no-path", "comfyui", "missing-file", "loose-ckpt", "no-vae"],
)
def test_refusals_exit_2_with_one_line(capsys, tmp_path, webui, vae, args, words):
    comfy = make_comfy(tmp_path / "ComfyUI")
    filled = [a.format(webui=webui, vae=vae, comfy=comfy) for a in args]
    assert main(filled) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_broken_config_exits_2_and_is_untouched(capsys, webui, vae):
    (webui / "config.json").write_text('{"sd_vae": "Automatic",,}', encoding="utf-8")
    assert main(["set-default", str(vae), "--install", str(webui)]) == 2
    assert "left untouched" in capsys.readouterr().err
    assert (webui / "config.json").read_text() == '{"sd_vae": "Automatic",,}'
    assert not list((webui / "models" / "VAE").iterdir())


def test_pair_and_unpair(capsys, webui, vae):
    ckpt = webui / "models" / "Stable-diffusion" / "dreamshaper_8.safetensors"
    ckpt.write_bytes(os.urandom(256))
    code, result = _json(capsys, "pair", str(vae), "--with", str(ckpt), "--how", "both")
    assert code == 0
    sidecar = ckpt.with_name("dreamshaper_8.vae.safetensors")
    assert result["linked"] == [str(sidecar)]
    assert result["pairing"]["effective"] == str(sidecar)
    assert json.loads(ckpt.with_suffix(".json").read_text()) == {"vae": sidecar.name}

    code, result = _json(capsys, "pair", "--unpair", "--with", str(ckpt))
    assert code == 0 and result["removed"] == [str(sidecar)]
    assert json.loads(ckpt.with_suffix(".json").read_text()) == {"vae": "Automatic"}
    assert result["pairing"]["source"] == "built in"


def test_reset_with_the_vae_named_resets_only_while_it_is_the_default(capsys, webui, vae):
    """The issue's form ``set-default PATH --install ROOT --reset``."""
    assert main(["set-default", str(vae), "--install", str(webui)]) == 0
    other = vae.with_name("other-vae.safetensors")
    other.write_bytes(vae.read_bytes())
    before = (webui / "config.json").read_bytes()
    capsys.readouterr()
    assert main(["set-default", str(other), "--reset", "--install", str(webui)]) == 2
    assert f"is {vae.name}, not other-vae.safetensors; nothing changed" in capsys.readouterr().err
    assert (webui / "config.json").read_bytes() == before
    assert main(["set-default", str(vae), "--reset", "--install", str(webui)]) == 0
    assert _config(webui)["sd_vae"] == "Automatic"


def test_unpair_with_the_vae_named_unpairs_only_that_vae(capsys, webui, vae):
    """The issue's form ``pair VAE --with CHECKPOINT --unpair``."""
    ckpt = webui / "models" / "Stable-diffusion" / "dreamshaper_8.safetensors"
    ckpt.write_bytes(os.urandom(256))
    assert main(["pair", str(vae), "--with", str(ckpt)]) == 0
    said = capsys.readouterr().out  # ends with the undo line every changing command prints
    assert f"Undo pair {vae.name} with dreamshaper_8.safetensors in " in said and ": undo " in said
    sidecar = ckpt.with_name("dreamshaper_8.vae.safetensors")
    other = vae.with_name("other-vae.safetensors")
    other.write_bytes(os.urandom(64))
    capsys.readouterr()
    assert main(["pair", str(other), "--with", str(ckpt), "--unpair"]) == 2
    assert "is not paired with other-vae.safetensors" in capsys.readouterr().err
    assert os.path.lexists(sidecar)
    code, result = _json(capsys, "pair", str(vae), "--with", str(ckpt), "--unpair")
    assert code == 0 and result["removed"] == [str(sidecar)]
