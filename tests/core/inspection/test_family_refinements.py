"""Refinements the preview engines found in real files' layouts (issue 15).

A HunyuanImage 2.1 refiner in ComfyUI's own layout shares HunyuanVideo 1.5's key names,
so its name must settle the family in that layout too; DC-AE's released files name the
decoder's input ``project_in.main.conv`` (diffusers' converter reads that name).
"""

from __future__ import annotations

from app.core.inspection import inspect_path
from tests import vae_layouts as vl


def test_a_refiner_named_file_in_comfyui_layout_is_the_refiner(tmp_path) -> None:
    layout = vl.comfy("hunyuan_conv3d_32")
    video = inspect_path(vl.write_header_only(tmp_path / "hunyuanvideo15_vae.safetensors", layout))
    refiner = inspect_path(
        vl.write_header_only(tmp_path / "hunyuan_image_2.1_refiner_vae.safetensors", layout)
    )
    assert video.family == "hunyuan-video-1.5"
    assert refiner.family == "hunyuan-image-2.1-refiner"
    assert refiner.layout == video.layout == "original"


def test_dcae_latent_channels_from_the_released_key_name(tmp_path) -> None:
    layout = {
        "encoder.project_in.conv.weight": (128, 3, 3, 3),
        "encoder.project_in.conv.bias": (128,),
        "decoder.project_in.main.conv.weight": (1024, 32, 3, 3),
        "decoder.stages.1.op_list.0.main.conv.conv.bias": (256,),
    }
    found = inspect_path(vl.write_header_only(tmp_path / "dc-ae-f32c32.safetensors", layout))
    assert found.family == "dc-ae" and found.latent_channels == 32
