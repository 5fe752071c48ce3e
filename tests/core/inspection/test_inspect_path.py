import os
import stat

import pytest
import torch

from app.core.errors import UserError
from app.core.inspection import inspect_path
from tests import model_files as mf


def _codes(inspection) -> list[str]:
    return [p.code for p in inspection.problems]


def test_ldm_safetensors(tmp_path):
    sd = mf.ldm_vae_state_dict()
    path = mf.write_safetensors(tmp_path / "my_vae.safetensors", sd, {"note": "hi"})
    got = inspect_path(str(path))
    assert (got.format, got.kind, got.layout, got.family) == (
        "safetensors",
        "vae",
        "ldm",
        "sd1-or-sdxl",
    )
    assert got.latent_channels == 4 and got.has_encoder is True
    assert got.parameter_count == sum(t.numel() for t in sd.values())
    assert got.tensor_count == len(sd) and got.size_bytes == path.stat().st_size
    assert got.metadata == {"note": "hi"} and got.problems == []
    assert got.to_json()["kind"] == "vae"


@pytest.mark.parametrize("writer", [mf.write_torch_zip, mf.write_legacy_pickle])
def test_ckpt_with_state_dict(tmp_path, writer):
    sd = mf.ldm_vae_state_dict(dtype=torch.float16)
    got = inspect_path(writer(tmp_path / "sdxl_vae.ckpt", {"state_dict": sd, "global_step": 7}))
    expected_format = "torch-zip" if writer is mf.write_torch_zip else "torch-pickle"
    assert (got.format, got.kind, got.family, got.dtype) == (
        expected_format,
        "vae",
        "sdxl",
        "float16",
    )
    assert got.metadata["global_step"] == "7" and got.problems == []


def test_diffusers_file_and_folder(tmp_path):
    sd = mf.diffusers_vae_state_dict()
    config = mf.diffusers_vae_config(scaling_factor=0.13025)
    folder = mf.write_diffusers_folder(tmp_path / "vae", sd, config)
    for target in (folder, folder / "diffusion_pytorch_model.safetensors", tmp_path):
        got = inspect_path(target)
        assert (got.kind, got.layout, got.family) == ("vae", "diffusers", "sdxl"), target
        assert "scaling_factor 0.13025" in got.family_reason
        assert got.metadata["config._class_name"] == "AutoencoderKL"
    assert inspect_path(folder).format == "diffusers-folder"
    assert inspect_path(folder).path == str(folder)


def test_diffusers_bin_folder(tmp_path):
    folder = tmp_path / "sd3-vae"
    folder.mkdir()
    sd = mf.diffusers_vae_state_dict(latent_channels=16, quant_conv=False)
    mf.write_torch_zip(folder / "diffusion_pytorch_model.bin", sd)
    got = inspect_path(folder)
    assert (got.format, got.family, got.latent_channels) == ("diffusers-folder", "sd3", 16)


def test_folder_without_model(tmp_path):
    got = inspect_path(tmp_path)
    assert _codes(got) == ["unknown-format"]


def test_full_checkpoint(tmp_path):
    got = inspect_path(
        mf.write_safetensors(tmp_path / "model.safetensors", mf.checkpoint_state_dict())
    )
    assert got.kind == "checkpoint" and got.is_vae_like
    assert "carries a VAE under first_stage_model." in got.kind_reason
    assert got.family == "sd1" and got.problems == []


def test_sixteen_channel_vae_without_quant_convs(tmp_path):
    sd = mf.ldm_vae_state_dict(latent_channels=16, quant_conv=False, dtype=torch.bfloat16)
    got = inspect_path(mf.write_safetensors(tmp_path / "flux" / "ae.safetensors", sd))
    assert (got.latent_channels, got.family, got.dtype) == (16, "flux1", "bfloat16")
    got = inspect_path(mf.write_safetensors(tmp_path / "mystery.safetensors", sd))
    assert got.family == "sd3-or-flux1"


@pytest.mark.parametrize(
    ("name", "make", "kind"),
    [
        ("lora.safetensors", lambda p: mf.write_safetensors(p, mf.lora_state_dict()), "lora"),
        ("emb.pt", lambda p: mf.write_torch_zip(p, mf.embedding_state_dict()), "embedding"),
        (
            "emb.safetensors",
            lambda p: mf.write_safetensors(p, mf.embedding_state_dict(for_safetensors=True)),
            "embedding",
        ),
    ],
)
def test_not_vaes(tmp_path, name, make, kind):
    got = inspect_path(make(tmp_path / name))
    assert got.kind == kind and _codes(got) == ["not-a-vae"]


def test_taesd(tmp_path):
    got = inspect_path(
        mf.write_torch_zip(tmp_path / "taesdxl_decoder.pth", mf.taesd_decoder_state_dict())
    )
    assert (got.kind, got.family, got.layout, got.parameter_count) == (
        "vae",
        "taesd",
        "taesd",
        1_222_531,
    )


@pytest.mark.parametrize("keep", [3, 8, 30, 0.25, 0.5, 0.999])
@pytest.mark.parametrize(
    "writer", [mf.write_safetensors, mf.write_torch_zip, mf.write_legacy_pickle]
)
def test_truncated_copies(tmp_path, keep, writer):
    src = writer(tmp_path / "src.bin", mf.taesd_decoder_state_dict())
    got = inspect_path(mf.truncate_copy(src, tmp_path / "cut.safetensors", keep))
    assert _codes(got) in (["truncated"], ["unknown-format"])
    if keep >= 30:  # enough bytes to recognise the container
        assert _codes(got) == ["truncated"]
    assert got.problems[0].message


def test_empty_file(tmp_path):
    (tmp_path / "x.safetensors").write_bytes(b"")
    got = inspect_path(tmp_path / "x.safetensors")
    assert _codes(got) == ["truncated"] and "empty" in got.problems[0].message


def test_garbage_and_unknown_extension(tmp_path):
    (tmp_path / "x.bin").write_bytes(os.urandom(1000))
    assert _codes(inspect_path(tmp_path / "x.bin")) == ["unknown-format"]
    (tmp_path / "x.gguf").write_bytes(b"GGUF" + bytes(100))
    assert "GGUF" in inspect_path(tmp_path / "x.gguf").problems[0].message


def test_bitflips(tmp_path):
    src = mf.write_safetensors(tmp_path / "a.safetensors", mf.taesd_decoder_state_dict())
    flipped_brace = inspect_path(mf.bitflip_copy(src, tmp_path / "b.safetensors", 8, bit=1))
    assert _codes(flipped_brace) == ["corrupt"]
    header_len = int.from_bytes(src.read_bytes()[:8], "little")
    quote = src.read_bytes().index(b'"dtype"')  # flip inside a JSON key: parser must notice
    assert quote < 8 + header_len
    assert _codes(inspect_path(mf.bitflip_copy(src, tmp_path / "c.safetensors", quote))) == [
        "corrupt"
    ]
    in_data = inspect_path(mf.bitflip_copy(src, tmp_path / "d.safetensors", -7))
    assert in_data.problems == [] and in_data.kind == "vae"  # only the hash can tell


@pytest.mark.parametrize("zipped", [True, False])
def test_malicious_pickle_reported_and_not_run(tmp_path, zipped):
    marker = tmp_path / "marker"
    got = inspect_path(
        mf.write_malicious_pickle(tmp_path / "vae.ckpt", marker, zip=zipped), check_nan=True
    )
    assert _codes(got) == ["unsafe-pickle"]
    assert "os.system" in got.problems[0].message
    assert not marker.exists()


def test_huge_header_claim_returns_at_once(tmp_path):
    got = inspect_path(mf.write_huge_header_claim(tmp_path / "vae.safetensors"))
    assert _codes(got) == ["header-too-large"]
    assert "100,000,000,000" in got.problems[0].message


def test_missing_and_unreadable_paths(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        inspect_path(tmp_path / "nope.safetensors")
    path = mf.write_safetensors(tmp_path / "a.safetensors", mf.lora_state_dict())
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read anything (root)")
        with pytest.raises(UserError, match="cannot read"):
            inspect_path(path)
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_real_sd_vae_shapes(tmp_path):
    sd = mf.ldm_vae_state_dict(ch=128, dtype=torch.float16)
    got = inspect_path(
        mf.write_safetensors(tmp_path / "vae-ft-mse-840000-ema-pruned.safetensors", sd)
    )
    assert got.parameter_count == 83_653_863  # diffusers AutoencoderKL default SD config
    assert (got.tensor_count, got.family, got.dtype) == (248, "sd1", "float16")
