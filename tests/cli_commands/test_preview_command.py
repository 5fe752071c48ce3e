"""`preview` on the command line: every image family, JSON out, notes on stderr, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.cli import main
from tests.model_files import write_safetensors
from tests.preview import family_models as fm


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["preview", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_stage_a_round_trip_of_an_rgba_png_as_json(tmp_path: Path, capsys) -> None:
    vae = write_safetensors(tmp_path / "stage_a.safetensors", fm.stage_a_pair()[0])
    rgba = np.random.default_rng(0).integers(0, 256, (64, 72, 4), dtype=np.uint8)
    Image.fromarray(rgba, "RGBA").save(tmp_path / "in.png")
    args = ["--vae", str(vae), "--image", str(tmp_path / "in.png")]
    code, out, _ = _run(
        capsys, *args, "--out", str(tmp_path / "out.png"), "--device", "cpu", "--json"
    )
    record = json.loads(out)
    assert code == 0 and record["family"] == "stable-cascade-stage-a"
    assert (record["width"], record["height"]) == (72, 64) and record["psnr"] is not None
    assert any("alpha channel" in note for note in record["notes"])
    assert Image.open(tmp_path / "out.png").size == (72, 64)


def test_a_wrong_family_latent_exits_2_naming_both(tmp_path: Path, capsys) -> None:
    sd, _ = fm.wan_pair("wan2.2")
    vae = write_safetensors(tmp_path / "wan2.2_vae.safetensors", sd)
    np.save(tmp_path / "flux.npy", np.zeros((1, 16, 8, 8), np.float32))
    code, _, err = _run(capsys, "--vae", str(vae), "--latent", str(tmp_path / "flux.npy"))
    assert code == 2 and "Traceback" not in err
    assert "16-channel latent" in err and "Wan 2.2 (5B) VAE decodes 48-channel latents" in err


@pytest.mark.parametrize("family", ["flux1", "sdxl"])
def test_family_choices_are_listed(family, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["preview", "--help"])
    assert family in capsys.readouterr().out
