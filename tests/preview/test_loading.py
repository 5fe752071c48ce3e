"""Every layout users have loads to the same model, and bad files are named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from app.core.errors import UserError
from app.preview.engine import VaeEngine
from tests.model_files import (
    checkpoint_state_dict,
    diffusers_vae_config,
    diffusers_vae_state_dict,
    ldm_vae_state_dict,
    lora_state_dict,
    write_diffusers_folder,
    write_legacy_pickle,
    write_safetensors,
    write_torch_zip,
)
from tests.preview.conftest import CPU, decode, latent


def _write(layout: str, folder: Path) -> Path:
    sd = ldm_vae_state_dict(ch=32, seed=0)
    if layout == "ldm-safetensors":
        return write_safetensors(folder / "vae.safetensors", sd)
    if layout == "ckpt-state_dict":
        return write_torch_zip(folder / "vae.ckpt", {"state_dict": sd})
    if layout == "pt-bare":
        return write_torch_zip(folder / "vae.pt", sd)
    if layout == "legacy-pickle":
        return write_legacy_pickle(folder / "vae.ckpt", {"state_dict": sd})
    if layout == "a1111-extras":
        extras = {
            "loss.logvar": torch.zeros(()),
            "loss.discriminator.main.0.weight": torch.ones(2),
            "model_ema.decay": torch.tensor(0.9999),
            "model_ema.num_updates": torch.tensor(7),
        }
        return write_torch_zip(folder / "vae.pt", {"state_dict": {**sd, **extras}})
    if layout == "diffusers-new":
        return write_safetensors(folder / "d.safetensors", diffusers_vae_state_dict(ch=32))
    if layout == "diffusers-old":
        dsd = diffusers_vae_state_dict(ch=32, attention_style="old")
        return write_safetensors(folder / "d.safetensors", dsd)
    if layout == "diffusers-folder":
        return write_diffusers_folder(folder / "vae", diffusers_vae_state_dict(ch=32))
    if layout == "checkpoint-safetensors":
        return write_safetensors(folder / "model.safetensors", checkpoint_state_dict(sd))
    if layout == "checkpoint-ckpt":
        return write_torch_zip(folder / "model.ckpt", {"state_dict": checkpoint_state_dict(sd)})
    if layout == "vae-prefix-diffusers":
        inner = {f"vae.{k}": v for k, v in diffusers_vae_state_dict(ch=32).items()}
        inner["unet.conv_in.weight"] = torch.zeros(8, 4, 3, 3)
        return write_safetensors(folder / "pipeline.safetensors", inner)
    raise AssertionError(layout)


LAYOUTS = [
    "ldm-safetensors",
    "ckpt-state_dict",
    "pt-bare",
    "legacy-pickle",
    "a1111-extras",
    "diffusers-new",
    "diffusers-old",
    "diffusers-folder",
    "checkpoint-safetensors",
    "checkpoint-ckpt",
    "vae-prefix-diffusers",
]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_decodes_exactly_like_the_ldm_original(layout, tmp_path, small_engine):
    engine = VaeEngine.from_file(_write(layout, tmp_path), CPU)
    assert engine.config == small_engine.config
    z = latent()
    assert torch.equal(decode(engine, z), decode(small_engine, z))


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_files_load_and_decode_in_fp32(dtype, tmp_path):
    sd = ldm_vae_state_dict(ch=32, dtype=dtype)
    engine = VaeEngine.from_file(write_safetensors(tmp_path / "half.safetensors", sd), CPU)
    upcast = VaeEngine({k: v.float() for k, v in sd.items()}, CPU)
    z = latent()
    out = decode(engine, z)
    assert out.dtype == torch.float32
    assert torch.equal(out, decode(upcast, z))


def test_sixteen_channel_vae_without_quant_convs(tmp_path):
    sd = ldm_vae_state_dict(ch=32, latent_channels=16, quant_conv=False)
    assert not any("quant_conv" in k for k in sd)
    engine = VaeEngine.from_file(write_safetensors(tmp_path / "ae.safetensors", sd), CPU)
    assert engine.latent_channels == 16 and not engine.config.has_quant_conv
    assert decode(engine, latent(16)).shape == (1, 3, 64, 64)
    encoded = engine.encode(torch.zeros(1, 3, 32, 32), dtype=torch.float32).tensor
    assert encoded.shape == (1, 16, 4, 4)


def test_real_sized_architecture_is_inferred_from_shapes():
    engine = VaeEngine(ldm_vae_state_dict(ch=128), CPU)
    config = engine.config
    assert (config.ch, config.ch_mult, config.num_res_blocks) == (128, (1, 2, 4, 4), 2)
    assert (config.z_channels, config.embed_dim, config.downscale) == (4, 4, 8)


def test_other_depths_and_block_counts_are_inferred():
    sd = ldm_vae_state_dict(ch=64, ch_mult=(1, 2, 2), num_res_blocks=1)
    engine = VaeEngine(sd, CPU)
    assert engine.config.ch_mult == (1, 2, 2) and engine.config.num_res_blocks == 1
    assert decode(engine, latent(size=4)).shape == (1, 3, 16, 16)


def test_decoder_only_vae_decodes_but_cannot_encode():
    engine = VaeEngine(ldm_vae_state_dict(ch=32, encoder=False), CPU)
    assert not engine.config.has_encoder
    assert decode(engine, latent()).shape == (1, 3, 64, 64)
    with pytest.raises(UserError, match="no encoder"):
        engine.encode(torch.zeros(1, 3, 64, 64), dtype=torch.float32)


def test_missing_keys_are_named_with_a_count_of_the_rest(small_sd):
    gone = sorted(k for k in small_sd if k.startswith("decoder.up.1.block.2."))
    broken = {k: v for k, v in small_sd.items() if k not in gone}
    with pytest.raises(UserError) as caught:
        VaeEngine(broken, CPU)
    message = str(caught.value)
    assert f"missing keys: {', '.join(gone[:4])} and {len(gone) - 4} more" in message
    assert "unexpected" not in message


def test_unexpected_and_misshapen_keys_are_named(small_sd):
    odd = dict(small_sd)
    odd["decoder.mid.attn_1.extra.weight"] = torch.zeros(1)
    odd["decoder.conv_out.bias"] = torch.zeros(5)
    with pytest.raises(UserError) as caught:
        VaeEngine(odd, CPU)
    message = str(caught.value)
    assert "unexpected keys: decoder.mid.attn_1.extra.weight" in message
    assert "wrong shapes: decoder.conv_out.bias (5,) (expected (3,))" in message


@pytest.mark.parametrize("sd", [lora_state_dict(), {"decoder.conv_in.weight": torch.zeros(1)}])
def test_files_that_are_not_vaes_are_refused(sd):
    with pytest.raises(UserError, match="not a KL VAE"):
        VaeEngine(sd, CPU)


def test_digest_follows_the_encoder_weights_not_the_layout(small_engine):
    diffusers_layout = VaeEngine(diffusers_vae_state_dict(ch=32, seed=0), CPU)
    other_weights = VaeEngine(ldm_vae_state_dict(ch=32, seed=1), CPU)
    assert small_engine.digest() == diffusers_layout.digest()
    assert small_engine.digest() != other_weights.digest()


def test_diffusers_config_helper_matches_what_we_infer(small_engine):
    config = diffusers_vae_config(ch=32)
    assert tuple(config["block_out_channels"]) == small_engine.config.block_channels
