"""Users' latents of every form each family has, and latents of the wrong family refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from app.core.errors import OutOfMemory, UserError
from app.preview.engines.wan import WAN21_STATS
from app.preview.families import FLUX
from app.preview.latent_forms import pack_2x2, unpack_2x2
from app.preview.loading import engine_for
from app.preview.service import PreviewRequest, run_preview
from tests.model_files import ldm_vae_state_dict, write_safetensors, write_torch_zip
from tests.preview import family_models as fm
from tests.preview.conftest import CPU
from tests.vae_layouts import comfy, write_header_only


def _z(*shape: int, seed: int = 1) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def _decode(engine, latent, *, scaled=False):
    native = engine.native_latent(latent, scaled=scaled, name="z.npy")
    return engine.decode(native, dtype=torch.float32).tensor


@pytest.fixture(scope="module")
def flux2():
    return engine_for(fm.flux2_pair()[0], CPU, "flux2")


def test_pack_and_unpack_are_inverse_and_match_the_pipeline_order():
    z = _z(1, 2, 4, 6)
    packed = pack_2x2(z)
    assert packed.shape == (1, 8, 2, 3)
    assert torch.equal(unpack_2x2(packed), z)
    assert packed[0, 1, 0, 0] == z[0, 0, 0, 1]  # channel c*4 + 2*py + px
    assert packed[0, 2, 0, 0] == z[0, 0, 1, 0]


def test_flux2_takes_raw_packed_and_scaled_latents_alike(flux2):
    packed = _z(1, 128, 3, 3)
    raw = flux2.denormalise(packed)
    assert raw.shape == (1, 32, 6, 6)
    torch.testing.assert_close(flux2.normalise(raw), packed, atol=1e-5, rtol=0)
    from_packed = _decode(flux2, packed)
    torch.testing.assert_close(_decode(flux2, raw), from_packed, atol=1e-5, rtol=0)
    scaled = unpack_2x2(packed)  # normalised but not packed: what TAEF2 takes
    torch.testing.assert_close(_decode(flux2, scaled, scaled=True), from_packed, atol=1e-5, rtol=0)


def test_flux2_refuses_a_flux1_latent_naming_both(flux2):
    with pytest.raises(UserError) as error:
        flux2.native_latent(_z(1, 16, 8, 8), scaled=False, name="flux1.latent")
    message = str(error.value)
    assert "flux1.latent is a 16-channel latent (" in message and "FLUX.1" in message
    assert "this FLUX.2 VAE decodes 32-channel or 128-channel latents" in message


def test_a_kl_vae_refuses_a_flux2_latent(tmp_path):
    vae = write_safetensors(
        tmp_path / "ae.safetensors", ldm_vae_state_dict(latent_channels=16, quant_conv=False)
    )
    np.save(tmp_path / "f2.npy", _z(1, 128, 4, 4).numpy())
    with pytest.raises(UserError, match=r"128-channel latent \(.*FLUX.2.*\).*16-channel latents"):
        run_preview(PreviewRequest(vae_path=vae, latent_path=tmp_path / "f2.npy"))


def test_image_vaes_refuse_video_latents_and_video_vaes_take_both(tmp_path):
    vae = write_safetensors(
        tmp_path / "vae.safetensors", ldm_vae_state_dict(latent_channels=16, quant_conv=False)
    )
    np.save(tmp_path / "wan.npy", _z(1, 16, 3, 4, 4).numpy())
    with pytest.raises(
        UserError, match=r"video latent \(3 latent frames, .*Wan 2.1.*single images"
    ):
        run_preview(PreviewRequest(vae_path=vae, latent_path=tmp_path / "wan.npy"))
    one_frame = _z(1, 16, 1, 4, 4)
    np.save(tmp_path / "one.npy", one_frame.numpy())
    single = run_preview(PreviewRequest(vae_path=vae, latent_path=tmp_path / "one.npy"))
    assert single.image.shape == (32, 32, 3)

    wan = engine_for(fm.wan_pair("wan2.1")[0], CPU, "wan2.1")
    video = _z(1, 16, 3, 4, 4)
    first = _decode(wan, video)
    torch.testing.assert_close(_decode(wan, video[:, :, 0]), first, atol=0, rtol=0)  # 4-D
    assert first.shape == (1, 3, 32, 32)


def test_wan_scaled_latents_use_the_channel_statistics():
    wan = engine_for(fm.wan_pair("qwen-image")[0], CPU, "qwen-image")
    raw = _z(1, 16, 1, 4, 4)
    shape = (1, 16, 1, 1, 1)
    mean = torch.tensor(WAN21_STATS.mean).view(shape)
    std = torch.tensor(WAN21_STATS.std).view(shape)
    scaled = (raw - mean) / std
    torch.testing.assert_close(
        _decode(wan, scaled, scaled=True), _decode(wan, raw), atol=1e-5, rtol=0
    )


def test_taef2_takes_comfyui_latents_and_explains_raw_ones():
    taef2 = engine_for(fm.taef2_decoder().state_dict(), CPU, "taef2")
    packed = _z(1, 128, 4, 4)
    expected = _decode(taef2, unpack_2x2(packed), scaled=True)
    torch.testing.assert_close(_decode(taef2, packed), expected, atol=0, rtol=0)
    with pytest.raises(
        UserError, match="raw 32-channel FLUX.2 VAE latent.*128-channel latent ComfyUI saves"
    ):
        taef2.native_latent(_z(1, 32, 8, 8), scaled=False, name="raw.npy")


def test_an_unnamed_16_channel_taesd_needs_the_family_for_raw_latents(tmp_path):
    decoder, _, reference = fm.tiny_pair(16)
    path = write_torch_zip(tmp_path / "tiny_decoder.pth", decoder)  # a name that tells nothing
    np.save(tmp_path / "raw.npy", _z(1, 16, 8, 8).numpy())
    with pytest.raises(UserError, match="taesd3 .*taef1.*--family sd3 or flux1"):
        run_preview(PreviewRequest(vae_path=path, latent_path=tmp_path / "raw.npy"))
    named = run_preview(
        PreviewRequest(vae_path=path, latent_path=tmp_path / "raw.npy", family="flux1")
    )
    assert named.family == "taef1"
    model_space = (_z(1, 16, 8, 8) - FLUX.shift) * FLUX.scale
    with torch.inference_mode():
        expected = ((reference.decode(model_space).sample[0] + 1) / 2).clamp(0, 1)
    assert np.abs(named.image - expected.permute(1, 2, 0).numpy()).max() <= 1e-4
    np.save(tmp_path / "scaled.npy", model_space.numpy())
    scaled = run_preview(
        PreviewRequest(vae_path=path, latent_path=tmp_path / "scaled.npy", scaled=True)
    )
    assert np.abs(scaled.image - named.image).max() <= 1e-5


def test_taesd_finds_its_sibling_encoder_for_the_test_card(tmp_path):
    decoder, encoder, _ = fm.tiny_pair(4)
    alone = tmp_path / "alone"
    alone.mkdir()
    path = write_torch_zip(alone / "taesd_decoder.pth", decoder)
    with pytest.raises(UserError, match="TAESD file has no encoder .*open a latent file"):
        run_preview(PreviewRequest(vae_path=path))
    write_torch_zip(alone / "taesd_encoder.pth", encoder)
    result = run_preview(PreviewRequest(vae_path=path))
    assert result.family == "taesd" and result.image.shape == (512, 512, 3)
    assert result.psnr is not None


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        ("mochi", "Mochi 1 is a video VAE whose single-frame decode the preview does not offer"),
        ("oobleck", "is an audio VAE; the preview shows images only"),
    ],
)
def test_families_without_a_preview_say_why(tmp_path, layout, message):
    path = write_header_only(tmp_path / f"{layout}.safetensors", comfy(layout))
    with pytest.raises(UserError, match=message):
        run_preview(PreviewRequest(vae_path=path))


def test_without_diffusers_the_preview_says_what_to_install(tmp_path, monkeypatch):
    import sys

    path = write_safetensors(tmp_path / "stage_a.safetensors", fm.stage_a_pair()[0])
    for name in [n for n in sys.modules if n == "diffusers" or n.startswith("diffusers.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "diffusers", None)  # import diffusers -> ImportError
    with pytest.raises(UserError, match=r"needs the diffusers package.*pip install diffusers"):
        run_preview(PreviewRequest(vae_path=path))
    assert Path(path).exists()


def test_running_out_of_memory_is_a_user_error(monkeypatch):
    wan = engine_for(fm.wan_pair("wan2.1")[0], CPU, "wan2.1")

    def exhausted(*args, **kwargs):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 9.00 GiB")

    monkeypatch.setattr(wan, "_run_once", exhausted)
    with pytest.raises(OutOfMemory, match=r"ran out of memory for this Wan 2.1 decode") as cpu:
        wan.decode(_z(1, 16, 1, 4, 4), dtype=torch.float32)
    assert str(cpu.value).startswith("The computer ran out of memory")
    assert "at 32x32 pixels; try a smaller latent" in str(cpu.value)
    monkeypatch.setattr(wan, "device", torch.device("cuda"))  # what a CUDA engine says
    with pytest.raises(OutOfMemory) as gpu:
        wan.decode(_z(1, 16, 1, 4, 4), dtype=torch.float32)
    assert str(gpu.value).startswith("The GPU (cuda) ran out of memory for this Wan 2.1 decode")
    assert str(gpu.value).endswith("or the CPU (--device cpu).")
    monkeypatch.setattr(wan, "device", CPU)

    def bug(*args, **kwargs):
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")

    monkeypatch.setattr(wan, "_run_once", bug)
    with pytest.raises(RuntimeError, match="shapes cannot be multiplied"):
        wan.decode(_z(1, 16, 1, 4, 4), dtype=torch.float32)


def test_previewers_decode_latent_files_only(tmp_path):
    blocks = fm.previewer_reference().state_dict()
    alone = write_safetensors(tmp_path / "previewer.safetensors", blocks)
    with pytest.raises(UserError, match="previewer file has no encoder"):
        run_preview(PreviewRequest(vae_path=alone))
    combined = {f"previewer.{k}": v for k, v in blocks.items()}
    combined |= {"encoder.mean": torch.zeros(3), "encoder.std": torch.ones(3)}
    combined["encoder.backbone.1.0.block.0.1.num_batches_tracked"] = torch.tensor(0)
    both = write_safetensors(tmp_path / "stage_c_coder.safetensors", combined)
    with pytest.raises(UserError, match="EfficientNet encoder too, but it needs torchvision"):
        run_preview(PreviewRequest(vae_path=both))
    np.save(tmp_path / "c.npy", _z(1, 16, 3, 3).numpy())
    result = run_preview(PreviewRequest(vae_path=both, latent_path=tmp_path / "c.npy"))
    assert result.family == "stable-cascade-stage-c-coder" and result.image.shape == (24, 24, 3)


def test_family_override_is_only_for_the_sd_style_families(tmp_path):
    path = write_safetensors(tmp_path / "stage_a.safetensors", fm.stage_a_pair()[0])
    with pytest.raises(UserError, match="--family applies to SD/SD3/FLUX.1 VAEs"):
        run_preview(PreviewRequest(vae_path=path, family="sdxl"))


@pytest.mark.parametrize(
    ("family", "build", "shape", "encoder_keys"),
    [
        ("wan2.1", lambda: fm.wan_pair("wan2.1"), (1, 16, 1, 4, 4), ("encoder.", "conv1.")),
        ("hunyuan-image-2.1", fm.hunyuan_image_pair, (1, 64, 2, 2), ("encoder.",)),
        ("stable-cascade-stage-a", fm.stage_a_pair, (1, 4, 8, 8), ("in_block.", "down_blocks.")),
    ],
)
def test_decoder_only_files_decode_and_say_they_cannot_encode(family, build, shape, encoder_keys):
    original, _ = build()
    decoder_only = {k: v for k, v in original.items() if not k.startswith(encoder_keys)}
    engine = engine_for(decoder_only, CPU, family)
    assert not engine.has_encoder
    z = _z(*shape)
    full = engine_for(original, CPU, family).decode(z, dtype=torch.float32).tensor
    torch.testing.assert_close(engine.decode(z, dtype=torch.float32).tensor, full, atol=0, rtol=0)
    with pytest.raises(UserError, match="has no encoder"):
        engine.encode(torch.zeros(1, 3, 64, 64), dtype=torch.float32)
