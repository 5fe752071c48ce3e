"""run_preview end to end: real files in, image and numbers out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from app.core.errors import Cancelled, UserError
from app.core.tasks import CancelToken
from app.preview.families import FLUX, SD1
from app.preview.images import read_image, to_uint8, write_png
from app.preview.service import PreviewRequest, run_preview
from app.preview.testcard import make_test_card
from tests.model_files import ldm_vae_state_dict, write_malicious_pickle, write_safetensors
from tests.preview.conftest import latent


@pytest.fixture(scope="module")
def vae4(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("vae4")
    return write_safetensors(folder / "vae.safetensors", ldm_vae_state_dict(ch=32))


@pytest.fixture(scope="module")
def vae16(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("vae16")
    sd = ldm_vae_state_dict(ch=32, latent_channels=16, quant_conv=False)
    return write_safetensors(folder / "sixteen.safetensors", sd)  # a name that tells nothing


def _latent_file(path: Path, z: torch.Tensor) -> Path:
    np.save(path, z.numpy())
    return path


def test_default_preview_encodes_the_test_card_once_and_caches_it(vae4, app_home):
    progress: list[tuple[int, int | None]] = []
    first = run_preview(
        PreviewRequest(vae_path=vae4, device="cpu"), progress=lambda d, t: progress.append((d, t))
    )
    assert first.image.shape == (512, 512, 3) and first.image.dtype == np.float32
    assert first.image.min() >= 0.0 and first.image.max() <= 1.0
    assert (first.device, first.dtype, first.family) == ("cpu", "fp32", "sd1-or-sdxl")
    assert first.psnr is not None and 0 < first.psnr < 60 and -1 <= first.ssim <= 1
    assert progress[-1] == (100, 100)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    cached = list((app_home / "cache" / "latents").glob("sd1-or-sdxl-*-card*-512-fp32.safetensors"))
    assert len(cached) == 1
    stamp = cached[0].stat().st_mtime_ns
    second = run_preview(PreviewRequest(vae_path=vae4, device="cpu"))
    assert cached[0].stat().st_mtime_ns == stamp
    assert np.array_equal(second.image, first.image) and second.psnr == first.psnr


def test_image_round_trip_measures_quality_and_writes_outputs(vae4, tmp_path):
    source = make_test_card(128)[:, :100]  # 100 px wide: cropped to 96 for the VAE
    write_png(tmp_path / "in.png", source)
    result = run_preview(
        PreviewRequest(
            vae_path=vae4, image_path=tmp_path / "in.png", out_path=tmp_path / "out" / "round.png"
        )
    )
    assert result.image.shape == (128, 96, 3)
    assert result.psnr is not None and result.ssim is not None
    written = to_uint8(read_image(tmp_path / "out" / "round.png").rgb)
    assert written.shape == (128, 96, 3)
    assert np.abs(written / 255.0 - result.image).max() <= 0.5 / 255 + 1e-6
    assert any("centre-cropped from 100x128 to 96x128" in n for n in result.notes)
    as_array = run_preview(
        PreviewRequest(
            vae_path=vae4, image_path=tmp_path / "in.png", out_path=tmp_path / "round.npy"
        )
    )
    stored = np.load(tmp_path / "round.npy")
    assert stored.dtype == np.float32 and np.array_equal(stored, as_array.image)


def test_latent_file_decodes_and_to_json_leaves_out_the_pixels(vae4, tmp_path):
    z = _latent_file(tmp_path / "z.npy", latent())
    result = run_preview(PreviewRequest(vae_path=vae4, latent_path=z, device="cpu", tile="off"))
    record = result.to_json()
    assert "image" not in record and (record["width"], record["height"]) == (64, 64)
    assert record["psnr"] is None and record["tiled"] is False and record["out"] is None
    json.dumps(record)


def test_wrong_family_latent_is_refused(vae4, vae16, tmp_path):
    with pytest.raises(UserError, match="16-channel latent .*4-channel latents"):
        run_preview(
            PreviewRequest(vae_path=vae4, latent_path=_latent_file(tmp_path / "a.npy", latent(16)))
        )
    with pytest.raises(UserError, match="4-channel latent .*16-channel latents"):
        run_preview(
            PreviewRequest(vae_path=vae16, latent_path=_latent_file(tmp_path / "b.npy", latent(4)))
        )


def test_scaled_latents_have_scale_and_shift_undone(vae4, vae16, tmp_path):
    raw = latent()
    scaled = (raw - SD1.shift) * SD1.scale
    plain = run_preview(
        PreviewRequest(vae_path=vae4, latent_path=_latent_file(tmp_path / "r.npy", raw))
    )
    undone = run_preview(
        PreviewRequest(
            vae_path=vae4, scaled=True, latent_path=_latent_file(tmp_path / "s.npy", scaled)
        )
    )
    np.testing.assert_allclose(undone.image, plain.image, atol=1e-5)
    wrong = run_preview(PreviewRequest(vae_path=vae4, latent_path=tmp_path / "s.npy"))
    assert np.abs(wrong.image - plain.image).max() > 0.05  # forgetting 'scaled' shows

    raw16 = latent(16)
    flux_scaled = _latent_file(tmp_path / "f.npy", (raw16 - FLUX.shift) * FLUX.scale)
    with pytest.raises(UserError, match="family=sd3 or family=flux1"):
        run_preview(PreviewRequest(vae_path=vae16, latent_path=flux_scaled, scaled=True))
    flux = run_preview(
        PreviewRequest(vae_path=vae16, latent_path=flux_scaled, scaled=True, family="flux1")
    )
    direct = run_preview(
        PreviewRequest(vae_path=vae16, latent_path=_latent_file(tmp_path / "g.npy", raw16))
    )
    assert flux.family == "flux1" and direct.family == "sd3-or-flux1"
    np.testing.assert_allclose(flux.image, direct.image, atol=1e-5)


def test_family_detected_by_inspection_is_used(vae16, tmp_path):
    flux_named = tmp_path / "ae.safetensors"  # the FLUX.1 VAE's file name
    flux_named.write_bytes(vae16.read_bytes())
    raw16 = latent(16)
    flux_scaled = _latent_file(tmp_path / "f.npy", (raw16 - FLUX.shift) * FLUX.scale)
    result = run_preview(PreviewRequest(vae_path=flux_named, latent_path=flux_scaled, scaled=True))
    direct = run_preview(
        PreviewRequest(vae_path=vae16, latent_path=_latent_file(tmp_path / "g.npy", raw16))
    )
    assert result.family == "flux1"
    np.testing.assert_allclose(result.image, direct.image, atol=1e-5)


def test_comfy_latent_files_work_end_to_end(vae4, tmp_path):
    z = latent()
    save_file({"latent_tensor": z * 0.18215}, str(tmp_path / "old.latent"))
    save_file(
        {"latent_tensor": z, "latent_format_version_0": torch.tensor([])},
        str(tmp_path / "new.latent"),
    )
    old = run_preview(PreviewRequest(vae_path=vae4, latent_path=tmp_path / "old.latent"))
    new = run_preview(PreviewRequest(vae_path=vae4, latent_path=tmp_path / "new.latent"))
    np.testing.assert_allclose(old.image, new.image, atol=1e-5)


@pytest.mark.parametrize("zipped", [True, False], ids=["zip", "legacy"])
def test_malicious_checkpoint_is_refused_and_nothing_runs(tmp_path, zipped):
    marker = tmp_path / "pwned"
    evil = write_malicious_pickle(tmp_path / "evil.ckpt", marker, zip=zipped)
    with pytest.raises(UserError, match="unsafe"):
        run_preview(PreviewRequest(vae_path=evil))
    assert not marker.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"latent_path": Path("a.npy"), "image_path": Path("b.png")}, "not both"),
        ({"scaled": True}, "latent files only"),
        ({"out_path": Path("x.jpg")}, r"\.png image or a \.npy"),
        ({"tile": "sometimes"}, "tiling mode"),
        ({"dtype": "fp8"}, "Unknown precision"),
        ({"vae_path": Path("/nonexistent/vae.safetensors")}, "VAE not found"),
        ({"image_path": Path("/nonexistent/in.png")}, "Image not found"),
        ({"family": "sd3"}, "4 latent channels but family 'sd3' uses 16"),
    ],
)
def test_bad_requests_are_user_errors(vae4, changes, message):
    with pytest.raises(UserError, match=message):
        run_preview(PreviewRequest(**{"vae_path": vae4, **changes}))


def test_cancel_before_work_raises_cancelled(vae4):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        run_preview(PreviewRequest(vae_path=vae4), cancel=token)


def test_damaged_image_is_refused(vae4, tmp_path):
    (tmp_path / "photo.png").write_bytes(b"\xff\xd8\xff\xe0 jpeg really")
    with pytest.raises(UserError, match="photo.png"):
        run_preview(PreviewRequest(vae_path=vae4, image_path=tmp_path / "photo.png"))


def test_jpeg_with_alpha_free_round_trip_and_rgba_note(vae4, tmp_path):
    from PIL import Image

    card = make_test_card(128)
    Image.fromarray(card).save(tmp_path / "card.jpg", quality=95)
    jpeg = run_preview(PreviewRequest(vae_path=vae4, image_path=tmp_path / "card.jpg"))
    assert jpeg.image.shape == (128, 128, 3) and jpeg.notes == ()
    rgba = np.concatenate([card, np.full((128, 128, 1), 7, np.uint8)], axis=2)
    Image.fromarray(rgba, "RGBA").save(tmp_path / "card.png")
    with_alpha = run_preview(PreviewRequest(vae_path=vae4, image_path=tmp_path / "card.png"))
    assert any("alpha channel" in note for note in with_alpha.to_json()["notes"])


def test_the_x4_upscaler_vae_decodes_at_4x_with_its_own_scale(tmp_path):
    from app.preview.families import SD_X4

    vae = write_safetensors(tmp_path / "x4.safetensors", ldm_vae_state_dict(ch_mult=(1, 2, 4)))
    raw = latent(4, size=8)
    plain = run_preview(
        PreviewRequest(vae_path=vae, latent_path=_latent_file(tmp_path / "r.npy", raw))
    )
    assert plain.family == "sd-x4-upscaler" and plain.image.shape == (32, 32, 3)
    scaled = _latent_file(tmp_path / "s.npy", raw * SD_X4.scale)
    undone = run_preview(PreviewRequest(vae_path=vae, latent_path=scaled, scaled=True))
    np.testing.assert_allclose(undone.image, plain.image, atol=1e-5)
