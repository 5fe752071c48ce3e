import pytest
import torch

from app.core.inspection.classify import classify
from app.core.inspection.family import name_hints
from app.core.inspection.records import TensorInfo
from tests import model_files as mf


def infos(sd: dict[str, torch.Tensor]) -> dict[str, TensorInfo]:
    return {
        k: TensorInfo(k, str(v.dtype).removeprefix("torch."), tuple(v.shape)) for k, v in sd.items()
    }


SD1_SHAPES = infos(mf.ldm_vae_state_dict())
SD3_SHAPES = infos(mf.ldm_vae_state_dict(latent_channels=16, quant_conv=False))


def test_ldm_vae():
    got = classify(SD1_SHAPES)
    assert (got.kind, got.layout, got.family) == ("vae", "ldm", "sd1-or-sdxl")
    assert got.latent_channels == 4 and got.has_encoder and got.has_quant_conv
    assert got.tensor_count == len(SD1_SHAPES) and got.problems == []
    assert got.dtypes == ["float32"]


@pytest.mark.parametrize("style", ["new", "old"])
def test_diffusers_vae(style):
    got = classify(
        infos(
            mf.diffusers_vae_state_dict(attention_style=style, latent_channels=16, quant_conv=False)
        )
    )
    assert (got.layout, got.latent_channels, got.family) == ("diffusers", 16, "sd3-or-flux1")


def test_decoder_only_vae():
    got = classify(infos(mf.ldm_vae_state_dict(encoder=False)))
    assert got.kind == "vae" and got.has_encoder is False and got.latent_channels == 4


@pytest.mark.parametrize(
    ("names", "shapes", "family"),
    [
        (("sdxl_vae",), SD1_SHAPES, "sdxl"),
        (("sd_xl_base_1.0_vae",), SD1_SHAPES, "sdxl"),
        (("xlVAEC_c9",), SD1_SHAPES, "sdxl"),
        (("vae-ft-mse-840000-ema-pruned",), SD1_SHAPES, "sd1"),
        (("pixel_art_vae",), SD1_SHAPES, "sd1-or-sdxl"),
        (("ae", "FLUX.1-dev"), SD3_SHAPES, "flux1"),
        (("ae",), SD3_SHAPES, "flux1"),
        (("sd35_vae",), SD3_SHAPES, "sd3"),
        (("flux_vae",), SD1_SHAPES, "sd1-or-sdxl"),  # a hint can't cross the shape pair
        (("diffusion_pytorch_model", "vae", "sdxl-base"), SD1_SHAPES, "sdxl"),  # pipeline dir
        (("diffusion_pytorch_model", "sdxl-vae"), SD1_SHAPES, "sdxl"),
        (("my_vae", "sdxl"), SD1_SHAPES, "sd1-or-sdxl"),  # folder names only for generic files
    ],
)
def test_family_name_hints(names, shapes, family):
    assert classify(shapes, names=names).family == family


def test_name_hints_from_paths(tmp_path):
    assert name_hints(tmp_path / "FLUX.1" / "ae.fp16.safetensors")[:2] == ("ae", "FLUX.1")
    assert name_hints(tmp_path / "x" / "sd_xl_base_1.0.safetensors")[0] == "sd_xl_base_1.0"


def test_metadata_and_config_hints():
    meta = {"modelspec.architecture": "stable-diffusion-xl-v1-base/vae"}
    got = classify(SD1_SHAPES, metadata=meta)
    assert got.family == "sdxl" and "modelspec.architecture" in got.family_reason
    for factor, family in [(0.13025, "sdxl"), (0.18215, "sd1")]:
        assert classify(SD1_SHAPES, config={"scaling_factor": factor}).family == family
    for factor, family in [(1.5305, "sd3"), (0.3611, "flux1")]:
        assert classify(SD3_SHAPES, config={"scaling_factor": factor}).family == family
    # config beats a misleading file name
    assert classify(SD1_SHAPES, names=("sdxl",), config={"scaling_factor": 0.18215}).family == "sd1"


def test_checkpoint():
    got = classify(infos(mf.checkpoint_state_dict()))
    assert got.kind == "checkpoint" and "first_stage_model." in got.kind_reason
    assert got.family == "sd1" and "CLIP" in got.family_reason
    assert got.tensor_count == len(SD1_SHAPES)  # counts describe the VAE part
    sdxl = {f"first_stage_model.{k}": v for k, v in SD1_SHAPES.items()}
    sdxl["conditioner.embedders.1.model.ln_final.weight"] = TensorInfo("x", "float16", (1280,))
    assert classify(sdxl).family == "sdxl"


def test_unknown_family():
    got = classify(infos(mf.ldm_vae_state_dict(latent_channels=4, quant_conv=False)))
    assert got.family == "unknown" and "4 latent channels without quant convs" in got.family_reason


@pytest.mark.parametrize("latent", [4, 16])
def test_taesd(latent):
    got = classify(infos(mf.taesd_decoder_state_dict(latent_channels=latent)))
    assert (got.kind, got.family, got.layout, got.latent_channels) == (
        "vae",
        "taesd",
        "taesd",
        latent,
    )
    assert got.has_encoder is False
    prefixed = {f"taesd_decoder.{k}": v for k, v in infos(mf.taesd_decoder_state_dict()).items()}
    assert classify(prefixed).family == "taesd"


def test_taesd_encoder():
    enc = {
        "0.weight": TensorInfo("0.weight", "float32", (64, 3, 3, 3)),
        "1.conv.0.weight": TensorInfo("1.conv.0.weight", "float32", (64, 64, 3, 3)),
        "14.weight": TensorInfo("14.weight", "float32", (16, 64, 3, 3)),
    }
    got = classify(enc)
    assert got.family == "taesd" and got.has_encoder and got.latent_channels == 16


@pytest.mark.parametrize(
    ("sd", "kind", "words"),
    [
        (mf.lora_state_dict(), "lora", "LoRA"),
        (mf.embedding_state_dict(for_safetensors=True), "embedding", "embedding"),
        ({"string_to_param.*": torch.ones(2, 8)}, "embedding", "embedding"),
        ({"clip_l": torch.ones(2, 768), "clip_g": torch.ones(2, 1280)}, "embedding", "embedding"),
        ({"model.diffusion_model.x.weight": torch.ones(2)}, "other", "diffusion model"),
        ({"foo": torch.ones(2)}, "other", "1 tensors"),
        ({}, "other", "no tensors"),
    ],
)
def test_not_a_vae(sd, kind, words):
    got = classify(infos(sd))
    assert got.kind == kind
    assert [p.code for p in got.problems] == ["not-a-vae"]
    assert words in got.problems[0].message
