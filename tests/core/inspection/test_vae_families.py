"""Every VAE family, identified from files in its real key layouts (original and diffusers).

Files are header-only safetensors (``tests.vae_layouts``): real names, real shapes, no data
read. Original layouts are ComfyUI's classes' state dicts (sparse); diffusers layouts are
built from diffusers 0.42's ``Autoencoder*`` classes on the meta device.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.inspection import inspect_path
from app.core.inspection.classify import classify
from app.core.inspection.records import TensorInfo
from app.core.inspection.vae_families import all_families, facts_for
from app.core.inspection.vae_families.detect import identify
from tests import vae_layouts as vl

ROOT = Path(__file__).resolve().parents[3]


def _file(tmp_path, layout, name="model_x.safetensors", **kw) -> Path:
    return vl.write_header_only(tmp_path / name, layout, **kw)


def _cosmos():
    layout = vl.comfy("cosmos")
    # ComfyUI keys Cosmos on this buffer (comfy/sd.py); the tokenizer's haar wavelet pair.
    layout["decoder.unpatcher3d.wavelets"] = (2,)
    return layout


def _ltx2_audio():
    layout = {f"audio_vae.{k}": v for k, v in vl.diffusers("AutoencoderKLLTX2Audio").items()}
    layout["vocoder.resblocks.0.convs1.0.weight"] = (512, 512, 3)
    return layout


# Original single-file layouts: case id -> (layout builder, file stem, family, latent channels,
# has encoder, has decoder).
ORIGINAL = {
    "sd-kl": (lambda: vl.comfy("sd_kl"), "model_x", "sd1-or-sdxl", 4, True, True),
    "sdxl-by-name": (lambda: vl.comfy("sd_kl"), "sdxl_vae", "sdxl", 4, True, True),
    "sd3-or-flux1": (
        lambda: vl.kl_original(16, quant=False),
        "model_x",
        "sd3-or-flux1",
        16,
        True,
        True,
    ),
    "flux1-ae": (lambda: vl.kl_original(16, quant=False), "ae", "flux1", 16, True, True),
    "flux2": (lambda: vl.kl_original(32, quant=True, bn=True), "model_x", "flux2", 32, True, True),
    "flux2-bfl": (
        lambda: vl.kl_original(32, quant=True, bn=True, bfl_names=True),
        "ae",
        "flux2",
        32,
        True,
        True,
    ),
    "x4-upscaler": (vl.x4_original, "model_x", "sd-x4-upscaler", 4, True, True),
    "svd": (lambda: vl.comfy("temporal_svd"), "model_x", "svd", 4, True, True),
    "hunyuan-image": (
        lambda: vl.comfy("hunyuan_image"),
        "model_x",
        "hunyuan-image-2.1",
        64,
        True,
        True,
    ),
    "hunyuan-refiner": (
        lambda: vl.comfy("hunyuan_refiner_or_v15"),
        "model_x",
        "hunyuan-image-2.1-refiner",
        32,
        True,
        True,
    ),
    "hunyuan-video": (
        lambda: vl.comfy("hunyuan_video_10"),
        "model_x",
        "hunyuan-video",
        16,
        True,
        True,
    ),
    "hunyuan-video-1.5": (
        lambda: vl.comfy("hunyuan_conv3d_32"),
        "model_x",
        "hunyuan-video-1.5",
        32,
        True,
        True,
    ),
    "mochi": (lambda: vl.comfy("mochi"), "model_x", "mochi", 12, True, True),
    "mochi-decoder-only": (
        lambda: vl.comfy("mochi", keep="decoder.", strip="decoder."),
        "model_x",
        "mochi",
        12,
        False,
        True,
    ),
    "ltxv-0.9.0": (lambda: vl.comfy("ltx_v0"), "model_x", "ltxv", 128, True, True),
    "ltxv-0.9.1": (lambda: vl.comfy("ltx_v1"), "model_x", "ltxv", 128, True, True),
    "ltx-0.9.7-layout": (lambda: vl.comfy("ltx_v2"), "model_x", "ltxv-or-ltx2", 128, True, True),
    "ltx2-by-name": (lambda: vl.comfy("ltx_v2"), "LTX2_video_vae_bf16", "ltx2", 128, True, True),
    "ltxv-0.9.7-by-name": (
        lambda: vl.comfy("ltx_v2"),
        "ltxv-13b-0.9.7-vae-BF16",
        "ltxv",
        128,
        True,
        True,
    ),
    "cosmos": (_cosmos, "model_x", "cosmos", 16, True, True),
    "wan2.1": (lambda: vl.comfy("wan21"), "wan_2.1_vae", "wan2.1", 16, True, True),
    "qwen-image": (lambda: vl.comfy("wan21"), "qwen_image_vae", "qwen-image", 16, True, True),
    "wan2.2": (lambda: vl.comfy("wan22"), "wan2.2_vae", "wan2.2", 48, True, True),
    "cascade-stage-a": (
        lambda: vl.comfy("cascade_stage_a"),
        "stage_a",
        "stable-cascade-stage-a",
        4,
        True,
        True,
    ),
    "cascade-effnet": (
        lambda: vl.comfy("cascade_stage_c_coder", keep="encoder.", strip="encoder."),
        "effnet_encoder",
        "stable-cascade-effnet",
        16,
        True,
        False,
    ),
    "cascade-previewer": (
        lambda: vl.comfy("cascade_stage_c_coder", keep="previewer.", strip="previewer."),
        "previewer",
        "stable-cascade-previewer",
        16,
        False,
        True,
    ),
    "cascade-combined": (
        lambda: vl.comfy("cascade_stage_c_coder"),
        "model_x",
        "stable-cascade-stage-c-coder",
        16,
        True,
        True,
    ),
    "stable-audio": (lambda: vl.comfy("oobleck"), "model_x", "stable-audio", 64, True, True),
    "ace-step": (lambda: vl.comfy("ace"), "model_x", "ace-step", 8, True, True),
    "mmaudio": (lambda: vl.comfy("mmaudio"), "model_x", "mmaudio", 20, True, True),
    "ltx2-audio": (_ltx2_audio, "model_x", "ltx2-audio", None, True, True),
    "hunyuan3d": (lambda: vl.comfy("hunyuan3d"), "model_x", "hunyuan3d", 64, True, True),
    "taesd-combined": (lambda: vl.comfy("taesd4"), "model_x", "taesd", 4, True, True),
    "taesd-decoder": (lambda: vl.taesd_decoder(4), "taesd_decoder", "taesd", 4, False, True),
    "taef2": (lambda: vl.taesd_decoder(32, pool=True), "taef2_decoder", "taef2", 32, False, True),
    "taesana": (vl.taesana_decoder, "taesana_decoder", "taesana", 32, False, True),
    "taew2_2": (lambda: vl.taehv(48, patch=2), "taew2_2", "taew2_2", 48, True, True),
    "taehv1_5": (lambda: vl.taehv(32, patch=2), "lighttaehy1_5", "taehv1_5", 32, True, True),
    "taeh3": (lambda: vl.taehv(24, patch=2), "taeh3", "taeh3", 24, True, True),
    "taeltx2": (lambda: vl.taehv(128, patch=4), "taeltx_2", "taeltx2", 128, True, True),
    "dc-ae": (lambda: vl.MARKER_LAYOUTS["dc-ae"], "model_x", "dc-ae", 32, True, True),
}

DIFFUSERS_SD = {
    "down_block_types": ("DownEncoderBlock2D",) * 4,
    "up_block_types": ("UpDecoderBlock2D",) * 4,
    "block_out_channels": (128, 256, 512, 512),
    "layers_per_block": 2,
}
DIFFUSERS = [
    ("AutoencoderKL", DIFFUSERS_SD, "sd1-or-sdxl", 4),
    (
        "AutoencoderKL",
        {
            **DIFFUSERS_SD,
            "latent_channels": 16,
            "use_quant_conv": False,
            "use_post_quant_conv": False,
        },
        "sd3-or-flux1",
        16,
    ),
    (
        "AutoencoderKL",
        {
            "down_block_types": ("DownEncoderBlock2D",) * 3,
            "up_block_types": ("UpDecoderBlock2D",) * 3,
            "block_out_channels": (128, 256, 512),
            "layers_per_block": 2,
        },
        "sd-x4-upscaler",
        4,
    ),
    ("AutoencoderKLFlux2", {}, "flux2", 32),
    ("AutoencoderTiny", {}, "taesd", 4),
    ("AutoencoderTiny", {"latent_channels": 16}, "taesd", 16),
    ("AutoencoderKLTemporalDecoder", {}, "svd", 4),
    (
        "AutoencoderKLHunyuanImage",
        {
            "in_channels": 3,
            "out_channels": 3,
            "latent_channels": 64,
            "block_out_channels": (128, 256, 512, 512, 1024, 1024),
            "layers_per_block": 2,
            "spatial_compression_ratio": 32,
            "sample_size": 512,
        },
        "hunyuan-image-2.1",
        64,
    ),
    ("AutoencoderKLHunyuanImageRefiner", {}, "hunyuan-video-1.5", 32),
    ("AutoencoderKLHunyuanVideo", {}, "hunyuan-video", 16),
    ("AutoencoderKLHunyuanVideo15", {}, "hunyuan-video-1.5", 32),
    ("AutoencoderKLMochi", {}, "mochi", 12),
    ("AutoencoderKLLTXVideo", {}, "ltxv", 128),
    ("AutoencoderKLLTX2Video", {}, "ltxv-or-ltx2", 128),
    ("AutoencoderKLCosmos", {}, "cosmos", 16),
    ("AutoencoderKLWan", {}, "wan2.1", 16),
    (
        "AutoencoderKLWan",
        {
            "base_dim": 160,
            "decoder_base_dim": 256,
            "z_dim": 48,
            "in_channels": 12,
            "out_channels": 12,
            "is_residual": True,
            "patch_size": 2,
            "scale_factor_spatial": 16,
            "scale_factor_temporal": 4,
        },
        "wan2.2",
        48,
    ),
    ("AutoencoderKLQwenImage", {}, "wan2.1", 16),
    ("AutoencoderDC", {}, "dc-ae", 32),
    ("AutoencoderOobleck", {}, "stable-audio", 64),
    ("AutoencoderKLCogVideoX", {}, "cogvideox", 16),
    ("AutoencoderKLLTX2Audio", {}, "ltx2-audio", 8),
    ("MMAudioVAE", {}, "mmaudio", 40),
]


def _freeze(config: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in config.items()}


@pytest.mark.parametrize("case", sorted(ORIGINAL))
def test_original_layout(tmp_path, case):
    build, stem, family, latent, enc, dec = ORIGINAL[case]
    got = inspect_path(_file(tmp_path, build(), f"{stem}.safetensors"))
    assert got.problems == [], got.problems
    assert (got.kind, got.family) == ("vae", family), got.family_reason
    assert got.latent_channels == latent
    assert (got.has_encoder, got.has_decoder) == (enc, dec)
    assert got.layout in ("ldm", "original", "taesd")
    facts = facts_for(family)
    assert got.modality == facts.modality and got.usable_by == list(facts.usable_by)
    assert got.family_name and got.family_reason


@pytest.mark.parametrize(
    ("class_name", "config", "family", "latent"),
    DIFFUSERS,
    ids=[f"{c[0]}-{c[2]}" for c in DIFFUSERS],
)
def test_diffusers_layout(tmp_path, class_name, config, family, latent):
    layout = vl.diffusers(class_name, **_freeze(config))
    got = inspect_path(_file(tmp_path, layout, "diffusion_pytorch_model.safetensors"))
    assert (got.kind, got.family, got.layout) == ("vae", family, "diffusers"), got.family_reason
    assert got.latent_channels == latent
    assert got.problems == []


@pytest.mark.parametrize(
    ("class_name", "family"),
    [
        ("AutoencoderKLHunyuanImageRefiner", "hunyuan-image-2.1-refiner"),
        ("AutoencoderKLLTX2Video", "ltx2"),
        ("AutoencoderKLQwenImage", "qwen-image"),
    ],
)
def test_diffusers_config_class_settles_shared_layouts(tmp_path, class_name, family):
    folder = vl.write_diffusers_folder(tmp_path / "vae", class_name, vl.diffusers(class_name))
    got = inspect_path(folder)
    assert (got.format, got.family) == ("diffusers-folder", family)
    assert "_class_name" in got.family_reason


@pytest.mark.parametrize("family", sorted(vl.MARKER_LAYOUTS))
def test_marker_families(tmp_path, family):
    got = inspect_path(_file(tmp_path, vl.MARKER_LAYOUTS[family]))
    assert (got.kind, got.family) == ("vae", family)
    assert got.problems == []


def test_hunyuan_video_15_is_not_encoder_only(tmp_path):
    got = inspect_path(_file(tmp_path, vl.comfy("hunyuan_conv3d_32")))
    assert got.has_decoder and "encoder only" not in got.kind_reason
    assert (got.spatial_compression, got.temporal_compression) == (16, 4)


def test_taesd_name_picks_the_display_name_not_the_family(tmp_path):
    got = inspect_path(_file(tmp_path, vl.taesd_decoder(4), "taesdxl_decoder.safetensors"))
    assert got.family == "taesd" and got.family_name.startswith("TAESDXL")
    plain = inspect_path(_file(tmp_path, vl.taesd_decoder(16), "tiny.safetensors"))
    assert plain.family == "taesd" and "16 channels" in plain.family_name


@pytest.mark.parametrize(("dtype", "family"), [("F16", "taehv"), ("BF16", "taew2_1")])
def test_16_channel_video_tae_follows_comfyui_dtype_rule(tmp_path, dtype, family):
    got = inspect_path(_file(tmp_path, vl.taehv(16), dtype=dtype))
    assert got.family == family


def test_ltx2_from_checkpoint_config_metadata(tmp_path):
    meta = {
        "config": json.dumps({"vae": {"_class_name": "CausalVideoAutoencoder"}, "audio_vae": {}})
    }
    got = inspect_path(_file(tmp_path, vl.comfy("ltx_v2"), metadata=meta))
    assert got.family == "ltx2" and "audio VAE" in got.family_reason


def test_ltx_checkpoint_carries_its_vae_under_vae_prefix(tmp_path):
    layout = {f"vae.{k}": v for k, v in vl.comfy("ltx_v1").items()}
    layout["model.diffusion_model.patchify_proj.weight"] = (2048, 128)
    got = inspect_path(_file(tmp_path, layout))
    assert (got.kind, got.family) == ("checkpoint", "ltxv")
    assert "vae." in got.kind_reason and got.tensor_count == len(vl.comfy("ltx_v1"))


def test_prefixed_standalone_vae(tmp_path):
    layout = {f"vae.{k}": v for k, v in vl.comfy("wan21").items()}
    got = inspect_path(_file(tmp_path, layout))
    assert (got.kind, got.family) == ("vae", "wan2.1") and "under vae." in got.kind_reason


def test_unknown_vae_like_file_says_what_was_seen(tmp_path):
    layout = {
        "decoder.stem.weight": (256, 24, 3, 3),
        "decoder.head.weight": (3, 256, 3, 3),
        "encoder.stem.weight": (256, 3, 3, 3),
    }
    got = inspect_path(_file(tmp_path, layout))
    assert (got.kind, got.family, got.problems) == ("vae", "unknown", [])
    assert "VAE-like" in got.family_reason and "2 decoder conv kernels" in got.family_reason


def test_text_encoder_with_encoder_keys_is_not_a_vae():
    t5 = {
        "encoder.block.0.layer.0.SelfAttention.q.weight": TensorInfo("q", "F16", (4096, 4096)),
        "encoder.final_layer_norm.weight": TensorInfo("n", "F16", (4096,)),
    }
    assert classify(t5).kind == "other"


@pytest.mark.parametrize(
    "shape", [(), (7,), (1, 2, 3, 4, 5, 6, 7), (0, 0, 0, 0)], ids=["scalar", "1d", "7d", "zero"]
)
def test_hostile_shapes_never_raise(shape):
    for key in ("decoder.conv_in.weight", "decoder.conv_in.conv.weight", "decoder.1.weight"):
        tensors = {
            key: TensorInfo(key, "F16", shape),
            "decoder.22.bias": TensorInfo("b", "F16", shape),
        }
        got = classify(tensors)
        assert got.kind in ("vae", "other")


def test_every_detected_family_has_facts():
    ids = {f.id for f in all_families()}
    for case in ORIGINAL.values():
        assert case[2] in ids
    for case in DIFFUSERS:
        assert case[2] in ids
    for family in vl.MARKER_LAYOUTS:
        assert family in ids
    for facts in all_families():
        assert facts.modality in ("image", "video", "audio", "3d")
        assert facts.usable_by and facts.purpose
        for target in facts.refines_to:
            assert target in ids


def test_ui_kinds_match_installs():
    from app.core.inspection.vae_families import facts
    from app.core.installs import records as installs

    for name in (
        "A1111",
        "FORGE",
        "REFORGE",
        "SDNEXT",
        "COMFYUI",
        "COMFYUI_DESKTOP",
        "INVOKEAI",
        "FOOOCUS",
        "SWARMUI",
        "STABILITY_MATRIX",
    ):
        assert getattr(facts, f"UI_{name}") == getattr(installs, f"KIND_{name}")


def test_video_and_audio_families_are_comfyui_only():
    for facts in all_families():
        if facts.modality in ("video", "audio", "3d"):
            assert not {"a1111", "forge", "reforge", "fooocus"} & set(facts.usable_by), facts.id


def test_inspect_json_has_the_new_fields(tmp_path):
    record = inspect_path(_file(tmp_path, vl.comfy("wan22"), "wan2.2_vae.safetensors")).to_json()
    assert record["kind"] == "vae" and record["family"] == "wan2.2"
    assert record["family_name"] == "Wan 2.2 (5B)" and record["modality"] == "video"
    assert (record["latent_channels"], record["spatial_compression"]) == (48, 16)
    assert record["temporal_compression"] == 4 and record["layout"] == "original"
    assert record["has_encoder"] is True and record["has_decoder"] is True
    assert record["usable_by"][0] == "comfyui"


def test_identify_works_without_torch():
    code = (
        "import sys\n"
        "from app.core.inspection.vae_families import identify\n"
        "from app.core.inspection.records import TensorInfo\n"
        "t = {'decoder.middle.0.residual.0.gamma': TensorInfo('g', 'F16', (384, 1, 1, 1))}\n"
        "assert identify(t).family == 'wan2.1'\n"
        "assert 'torch' not in sys.modules and 'diffusers' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_identify_accepts_a_plain_mapping():
    tensors = {k: TensorInfo(k, "F16", v) for k, v in vl.comfy("mochi").items()}
    assert identify(tensors).family == "mochi"


def test_a_vae_prefix_alone_does_not_make_a_vae():
    tensors = {
        "vae.scale": TensorInfo("s", "F32", (1,)),
        "vae.offset": TensorInfo("o", "F32", (1,)),
    }
    assert classify(tensors).kind == "other"


def test_locon_with_conv_shaped_weights_stays_a_lora():
    key = "decoder.up.0.block.0.conv1.lora_down.weight"
    got = classify({key: TensorInfo(key, "F16", (8, 128, 3, 3))})
    assert got.kind == "lora"
