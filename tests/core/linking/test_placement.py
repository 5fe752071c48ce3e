"""Each VAE family goes where the target UI looks for it; UIs that cannot use it say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.core.installs import Environment, recognize
from app.core.installs.records import Folder
from app.core.linking import apply_plan, plan_links
from app.core.linking.placement import place
from tests import vae_layouts as vl
from tests.core.installs import trees


def _install(root: Path, tmp_path: Path):
    return recognize(root, env=Environment.for_home(tmp_path / "home"))[0]


@pytest.fixture
def uis(tmp_path: Path):
    a1111 = _install(trees.make_a1111(tmp_path / "ui" / "stable-diffusion-webui"), tmp_path)
    forge = _install(trees.make_forge2(tmp_path / "ui" / "forge"), tmp_path)
    comfy = _install(trees.make_comfy(tmp_path / "ui" / "ComfyUI"), tmp_path)
    for install in (a1111, forge):
        (install.root / "models" / "VAE").mkdir(parents=True, exist_ok=True)
    return a1111, forge, comfy


def _vae(tmp_path: Path, layout, name: str) -> Path:
    folder = tmp_path / "library"
    folder.mkdir(exist_ok=True)
    return vl.write_header_only(folder / name, layout)


def test_video_vae_goes_to_comfyui_and_a1111_forge_say_why_not(tmp_path, uis):
    a1111, forge, comfy = uis
    source = _vae(tmp_path, vl.comfy("wan21"), "wan_2.1_vae.safetensors")
    plan = plan_links(source, [a1111, forge, comfy])
    by_kind = {e.kind: e for e in plan.entries}
    for kind in ("a1111", "forge"):
        entry = by_kind[kind]
        assert (entry.action, entry.dest) == ("cannot-use", None)
        assert "has no video models" in entry.reason and "Wan 2.1" in entry.reason
    assert by_kind["comfyui"].action == "create"
    assert by_kind["comfyui"].dest == comfy.root / "models" / "vae" / source.name
    result = apply_plan(plan)
    made = [o for o in result.outcomes if o.action == "created"]
    assert [o.dest for o in made] == [comfy.root / "models" / "vae" / source.name]
    assert not (a1111.root / "models" / "VAE" / source.name).exists()
    assert {o.action for o in result.outcomes} == {"created", "cannot-use"}


def test_taesd_decoder_goes_to_the_preview_decoder_folders(tmp_path, uis):
    a1111, forge, comfy = uis
    source = _vae(tmp_path, vl.taesd_decoder(4), "taesdxl_decoder.safetensors")
    plan = plan_links(source, [a1111, comfy])
    a_entry, c_entry = plan.entries
    assert c_entry.dest == comfy.root / "models" / "vae_approx" / source.name
    assert "vae_approx/" in c_entry.reason and "creates vae_approx/" in c_entry.reason
    assert a_entry.dest == a1111.root / "models" / "VAE-approx" / source.name
    assert "taesdxl_decoder.pth" in a_entry.reason  # A1111 only loads fixed names
    apply_plan(plan)
    assert (comfy.root / "models" / "vae_approx" / source.name).exists()
    assert not (comfy.root / "models" / "vae" / source.name).exists()


def test_video_tae_is_comfyui_only(tmp_path, uis):
    a1111, _, comfy = uis
    source = _vae(tmp_path, vl.taehv(48, patch=2), "taew2_2.safetensors")
    a_entry, c_entry = plan_links(source, [a1111, comfy]).entries
    assert a_entry.action == "cannot-use" and "video" in a_entry.reason
    assert c_entry.dest.parent.name == "vae_approx"


def test_flux2_in_a1111_cannot_be_used_but_sd_vae_is_linked_as_before(tmp_path, uis):
    a1111, _, comfy = uis
    flux2 = _vae(tmp_path, vl.kl_original(32, quant=True, bn=True), "flux2-vae.safetensors")
    entry = plan_links(flux2, [a1111]).entries[0]
    assert entry.action == "cannot-use" and "FLUX.2" in entry.reason
    sd = _vae(tmp_path, vl.comfy("sd_kl"), "my_vae.safetensors")
    entries = plan_links(sd, [a1111, comfy]).entries
    assert [e.action for e in entries] == ["create", "create"]
    assert entries[0].dest == a1111.vae_dirs[0].path / "my_vae.safetensors"
    assert entries[0].reason == "" or "VAE-approx" not in entries[0].reason


def test_an_explicit_folder_is_taken_as_given(tmp_path):
    source = _vae(tmp_path, vl.comfy("wan21"), "wan.safetensors")
    target = Folder(tmp_path / "anywhere", "chosen by the user")
    (tmp_path / "anywhere").mkdir()
    entry = plan_links(source, [target]).entries[0]
    assert (entry.action, entry.folder) == ("create", tmp_path / "anywhere")


def test_unknown_family_and_unreadable_files_keep_the_vae_folder(tmp_path, uis):
    a1111, _, _ = uis
    junk = tmp_path / "library" / "junk.safetensors"
    junk.parent.mkdir(exist_ok=True)
    junk.write_bytes(b"not a model at all")
    entry = plan_links(junk, [a1111]).entries[0]
    assert entry.action == "create" and entry.folder == a1111.vae_dirs[0].path
    assert place(a1111, None, "x.safetensors").folder == a1111.vae_dirs[0].path


def test_link_command_prints_the_reason(tmp_path, uis, capsys, monkeypatch):
    monkeypatch.setenv("VAE_MANAGER_HOME", str(tmp_path / "app-home"))
    a1111, _, comfy = uis
    source = _vae(tmp_path, vl.comfy("hunyuan_conv3d_32"), "hunyuanvideo15_vae_fp16.safetensors")
    code = main(["link", str(source), "--to", str(a1111.root), str(comfy.root), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert "cannot-use" in out and "has no video models" in out
    code = main(["link", str(source), "--to", str(a1111.root), "--dry-run", "--json"])
    record = json.loads(capsys.readouterr().out)
    assert record["entries"][0]["action"] == "cannot-use"
