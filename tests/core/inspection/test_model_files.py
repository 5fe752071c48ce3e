"""The shared model-file factory produces files the real libraries accept."""

from __future__ import annotations

import pytest
import torch
from safetensors.torch import load_file

from tests import model_files as mf


def _diffusers_vae(ch: int, latent_channels: int, quant_conv: bool):
    diffusers = pytest.importorskip("diffusers")
    return diffusers.AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=tuple(ch * m for m in (1, 2, 4, 4)),
        layers_per_block=2,
        latent_channels=latent_channels,
        norm_num_groups=32,
        use_quant_conv=quant_conv,
        use_post_quant_conv=quant_conv,
    )


@pytest.mark.parametrize(("latent_channels", "quant_conv"), [(4, True), (16, False)])
def test_diffusers_layout_loads_strictly_into_autoencoderkl(latent_channels, quant_conv):
    model = _diffusers_vae(32, latent_channels, quant_conv)
    sd = mf.diffusers_vae_state_dict(latent_channels=latent_channels, quant_conv=quant_conv)
    model.load_state_dict(sd, strict=True)
    with torch.no_grad():
        out = model.decode(torch.randn(1, latent_channels, 8, 8)).sample
    assert out.shape == (1, 3, 64, 64)
    assert torch.isfinite(out).all()


def test_ldm_and_diffusers_hold_the_same_weights():
    ldm = mf.ldm_vae_state_dict(seed=3)
    dif = mf.diffusers_vae_state_dict(seed=3)
    assert len(ldm) == len(dif)
    assert torch.equal(
        ldm["decoder.up.3.block.0.conv1.weight"], dif["decoder.up_blocks.0.resnets.0.conv1.weight"]
    )
    assert torch.equal(
        ldm["encoder.mid.attn_1.q.weight"][:, :, 0, 0],
        dif["encoder.mid_block.attentions.0.to_q.weight"],
    )
    assert dif["encoder.mid_block.attentions.0.to_q.weight"].ndim == 2


def test_old_attention_names():
    dif = mf.diffusers_vae_state_dict(attention_style="old")
    assert "decoder.mid_block.attentions.0.query.weight" in dif
    assert "decoder.mid_block.attentions.0.proj_attn.weight" in dif
    assert not any("to_q" in k for k in dif)


def test_real_sd_vae_shapes_match_diffusers_parameter_count():
    sd = mf.ldm_vae_state_dict(ch=128)
    assert sum(t.numel() for t in sd.values()) == 83_653_863
    assert sd["decoder.conv_in.weight"].shape == (512, 4, 3, 3)
    assert sd["encoder.down.1.block.0.nin_shortcut.weight"].shape == (256, 128, 1, 1)
    assert sd["decoder.up.1.block.0.nin_shortcut.weight"].shape == (256, 512, 1, 1)
    assert "decoder.up.0.upsample.conv.weight" not in sd


def test_sd3_style_vae_has_no_quant_convs():
    sd = mf.ldm_vae_state_dict(latent_channels=16, quant_conv=False)
    assert "post_quant_conv.weight" not in sd and "quant_conv.weight" not in sd
    assert sd["encoder.conv_out.weight"].shape[0] == 32


def test_taesd_decoder_keys():
    sd = mf.taesd_decoder_state_dict(latent_channels=16)
    assert sd["1.weight"].shape == (64, 16, 3, 3)
    assert "7.weight" in sd and "7.bias" not in sd
    assert "18.conv.4.bias" in sd and "19.bias" in sd
    sd4 = mf.taesd_decoder_state_dict(latent_channels=4)
    assert sum(t.numel() for t in sd4.values()) == 1_222_531  # README: about 1.22 M per half


def test_writers_round_trip(tmp_path):
    sd = mf.ldm_vae_state_dict(dtype=torch.float16)
    st = mf.write_safetensors(tmp_path / "a.safetensors", sd, {"k": "v"})
    assert torch.equal(load_file(st)["decoder.conv_in.weight"], sd["decoder.conv_in.weight"])
    ck = mf.write_torch_zip(tmp_path / "a.ckpt", {"state_dict": sd})
    assert torch.load(ck, weights_only=True)["state_dict"].keys() == sd.keys()
    lg = mf.write_legacy_pickle(tmp_path / "a.pt", {"state_dict": sd})
    assert torch.load(lg, weights_only=True)["state_dict"].keys() == sd.keys()


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
@pytest.mark.parametrize("zipped", [True, False])
def test_malicious_pickle_really_runs_code_when_fully_unpickled(tmp_path, zipped):
    # Our own payload (it only touches a file in tmp_path): prove the fixture is a real exploit,
    # so the "marker not created" assertions elsewhere can fail.
    marker = tmp_path / "pwned"
    path = mf.write_malicious_pickle(tmp_path / "evil.ckpt", marker, zip=zipped)
    with pytest.raises(Exception):  # noqa: B017 - weights_only refuses it in some way
        torch.load(path, weights_only=True)
    assert not marker.exists()
    torch.load(path, weights_only=False)
    assert marker.exists()


def test_corruption_helpers(tmp_path):
    src = mf.write_safetensors(tmp_path / "a.safetensors", mf.taesd_decoder_state_dict())
    size = src.stat().st_size
    assert mf.truncate_copy(src, tmp_path / "t", 0.5).stat().st_size == size // 2
    assert mf.truncate_copy(src, tmp_path / "t2", 100).stat().st_size == 100
    flipped = mf.bitflip_copy(src, tmp_path / "f", -10).read_bytes()
    assert flipped != src.read_bytes() and len(flipped) == size
    huge = mf.write_huge_header_claim(tmp_path / "h.safetensors")
    assert int.from_bytes(huge.read_bytes()[:8], "little") == 100 * 10**9
