"""DC-AE and TAESANA (Sana), the HunyuanImage 2.1 refiner: latent forms, layouts, refusals."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from app.core.errors import UserError
from app.preview.engines import dcae
from app.preview.loading import engine_for, open_engine
from app.preview.service import PreviewRequest, run_preview
from tests.model_files import write_safetensors, write_torch_zip
from tests.preview import family_models as fm
from tests.preview.conftest import CPU
from tests.vae_layouts import MARKER_LAYOUTS, write_header_only
from tests.vae_layouts_data import COMFY_LAYOUTS

REFINER = "hunyuan-image-2.1-refiner"


def _z(*shape: int, seed: int = 1) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


@pytest.fixture(scope="module")
def sana():
    return fm.dcae_pair(fm.DCAE_SANA)


@pytest.fixture(scope="module")
def refiner():
    return fm.refiner_pair()


@pytest.mark.parametrize("config", [fm.DCAE_SANA, fm.DCAE_MIX], ids=["sana", "mix"])
def test_dcae_config_is_read_from_the_shapes(config):
    sd, reference = fm.dcae_pair(config)
    got = dcae.infer_config(dcae.to_diffusers_layout(sd))
    want = reference.config
    for key in ("latent_channels", "upsample_block_type", "downsample_block_type"):
        assert got[key] == want[key], key
    layers = tuple(want["decoder_layers_per_block"])
    assert got["decoder_layers_per_block"] == layers
    assert got["encoder_layers_per_block"] == tuple(want["encoder_layers_per_block"])
    built = [i for i, n in enumerate(layers) if n]  # a depth-0 stage is never built
    for key in ("decoder_block_out_channels", "decoder_block_types"):
        assert [got[key][i] for i in built] == [tuple(want[key])[i] for i in built], key
    norms = want["decoder_norm_types"]
    norms = (norms,) * len(layers) if isinstance(norms, str) else tuple(norms)
    assert [got["decoder_norm_types"][i] for i in built] == [norms[i] for i in built]
    scales = [tuple(s) for s in want["decoder_qkv_multiscales"]]
    assert [got["decoder_qkv_multiscales"][i] for i in built] == [scales[i] for i in built]
    assert got["attention_head_dim"] == want["attention_head_dim"]


def test_dcae_scaled_latents_use_sanas_scale(sana):
    sd, reference = sana
    engine = engine_for(sd, CPU, "dc-ae")
    raw = _z(1, 32, 4, 4)
    native = engine.native_latent(raw * 0.41407, scaled=True, name="sana.latent")
    assert torch.allclose(native, raw, atol=1e-6)
    with torch.inference_mode():
        expected = reference.decode(raw).sample
    assert float((engine.decode(native, dtype=torch.float32).tensor - expected).abs().max()) <= 1e-4


def test_dcae_refuses_a_flux_latent_naming_both(sana):
    engine = engine_for(sana[0], CPU, "dc-ae")
    with pytest.raises(UserError) as error:
        engine.native_latent(_z(1, 16, 4, 4), scaled=False, name="flux.latent")
    message = str(error.value)
    assert "flux.latent is a 16-channel latent (" in message and "FLUX.1" in message
    assert "this DC-AE (Sana) VAE decodes 32-channel latents" in message


def test_dcae_test_card_round_trip_through_the_service(sana, tmp_path):
    path = write_safetensors(tmp_path / "dc_ae.safetensors", sana[0])
    result = run_preview(PreviewRequest(vae_path=path))
    assert result.family == "dc-ae"
    assert result.image.ndim == 3 and result.image.shape[2] == 3
    assert result.psnr is not None  # the card went through the encoder and back


def test_a_decoder_only_dcae_decodes_latents_and_says_it_cannot_encode(sana):
    sd, reference = sana
    decoder = {k: v for k, v in sd.items() if k.startswith("decoder.")}
    engine = engine_for(decoder, CPU, "dc-ae")
    z = _z(1, 32, 4, 4)
    with torch.inference_mode():
        expected = reference.decode(z).sample
    assert float((engine.decode(z, dtype=torch.float32).tensor - expected).abs().max()) <= 1e-4
    with pytest.raises(UserError, match="has no encoder"):
        engine.encode(torch.zeros(1, 3, 32, 32), dtype=torch.float32)


def test_refiner_in_comfyui_layout_decodes_like_diffusers(refiner):
    sd, reference = refiner
    assert "encoder.down.0.block.0.conv1.conv.weight" in sd and "decoder.mid.attn_1.q.weight" in sd
    engine = engine_for(sd, CPU, REFINER)
    z = _z(1, 32, 1, 4, 4)
    with torch.inference_mode():
        expected = reference.decode(z).sample[:, :, 0]
    assert float((engine.decode(z, dtype=torch.float32).tensor - expected).abs().max()) <= 1e-4


def test_refiner_takes_comfyuis_64_channel_latent_and_scaled_ones(refiner, tmp_path):
    engine = engine_for(refiner[0], CPU, REFINER)
    frame = _z(1, 32, 1, 4, 4)
    packed = torch.cat([frame, frame], dim=1)  # ComfyUI: the first frame twice, in channels
    assert torch.equal(engine.native_latent(packed, scaled=False, name="c.latent"), frame)
    scaled = engine.native_latent(frame * 1.03682, scaled=True, name="s.latent")
    assert torch.allclose(scaled, frame, atol=1e-6)
    with pytest.raises(UserError) as error:
        engine.native_latent(_z(1, 16, 1, 4, 4), scaled=False, name="wan.latent")
    message = str(error.value)
    assert "wan.latent is a 16-channel latent (" in message and "Wan 2.1" in message
    assert "HunyuanImage 2.1 refiner VAE decodes 32-channel or 64-channel latents" in message


def test_the_groupnorm_3d_layout_is_refused_with_the_reason():
    layout = {k: torch.empty(s, device="meta") for k, s in COMFY_LAYOUTS["hunyuan_refiner_or_v15"]}
    with pytest.raises(UserError, match=r"GroupNorm layout .*diffusers has no implementation"):
        engine_for(layout, CPU, REFINER)


def test_refiner_latent_file_through_the_service(refiner, tmp_path):
    _, reference = refiner
    path = write_safetensors(
        tmp_path / "hunyuan_image_2.1_refiner_vae.safetensors", reference.state_dict()
    )
    frame = _z(1, 32, 1, 4, 4, seed=3)
    np.save(tmp_path / "packed.npy", torch.cat([frame, frame], dim=1).numpy())
    result = run_preview(PreviewRequest(vae_path=path, latent_path=tmp_path / "packed.npy"))
    with torch.inference_mode():
        expected = reference.decode(frame).sample[0, :, 0]
    image = ((expected.clamp(-1, 1) + 1) / 2).permute(1, 2, 0).numpy()
    assert result.family == REFINER
    assert np.abs(result.image - image).max() <= 1e-4


def test_taesana_pairs_with_its_sibling_encoder_and_takes_sanas_latents(tmp_path):
    decoder, encoder = fm.taesana_reference()
    path = write_torch_zip(tmp_path / "taesana_decoder.pth", decoder.state_dict())
    alone = open_engine(path, CPU, "taesana")
    assert not alone.has_encoder
    write_torch_zip(tmp_path / "taesana_encoder.pth", encoder.state_dict())
    engine = open_engine(path, CPU, "taesana")
    assert engine.has_encoder and engine.downscale == 32
    raw = _z(1, 32, 2, 2)
    native = engine.native_latent(raw, scaled=False, name="sana.npy")
    assert torch.allclose(native, raw * 0.41407)  # TAESD decoders take the model's latent
    assert torch.equal(engine.native_latent(native, scaled=True, name="sana.npy"), native)
    result = run_preview(PreviewRequest(vae_path=path))  # the test card, encoded and decoded
    assert result.family == "taesana" and result.psnr is not None


def test_taesana_refuses_an_sdxl_latent_naming_both():
    decoder, _ = fm.taesana_reference()
    engine = engine_for(decoder.state_dict(), CPU, "taesana")
    with pytest.raises(UserError) as error:
        engine.native_latent(_z(1, 4, 8, 8), scaled=False, name="sdxl.latent")
    message = str(error.value)
    assert "sdxl.latent is a 4-channel latent (" in message and "SDXL" in message
    assert "this TAESANA VAE decodes 32-channel latents" in message


def test_an_8x_taesd_file_is_not_taken_for_taesana():
    decoder, _, _ = fm.tiny_pair(4)
    with pytest.raises(UserError, match=r"does not match madebyollin's F32 TAESD"):
        engine_for(decoder, CPU, "taesana")


def test_refiner_test_card_round_trip(refiner, tmp_path):
    path = write_safetensors(
        tmp_path / "hunyuan_image_2.1_refiner_vae.safetensors", refiner[1].state_dict()
    )
    result = run_preview(PreviewRequest(vae_path=path))
    assert result.family == REFINER and result.psnr is not None


def test_mage_vae_says_why_it_is_not_previewed(tmp_path):
    path = write_header_only(tmp_path / "mage_vae.safetensors", MARKER_LAYOUTS["mage-vae"])
    with pytest.raises(UserError, match=r"one-step diffusion model .*diffusers has no Mage-VAE"):
        run_preview(PreviewRequest(vae_path=path))
