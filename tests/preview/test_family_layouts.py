"""The original layouts the decode tests write are ComfyUI's, at the real model sizes.

tests/vae_layouts_data.py holds names and shapes taken from the ComfyUI classes that
``comfy/sd.py`` builds for each family; here diffusers' classes are built at the real
configs on the meta device (no memory, no time), renamed like the decode fixtures, and
every ComfyUI key must be there with its shape. The preview loader must then accept the
real-size file and infer the real config from its shapes alone.
"""

from __future__ import annotations

import pytest
import torch

from app.preview.loading import engine_for
from tests.preview import family_models as fm
from tests.preview.conftest import CPU
from tests.vae_layouts_data import COMFY_LAYOUTS

diffusers = pytest.importorskip("diffusers")


def _meta(cls, **config) -> dict[str, torch.Tensor]:
    with torch.device("meta"):
        return cls(**config).state_dict()


def _wan(family: str) -> dict[str, torch.Tensor]:
    if family == "wan2.2":
        config = {"base_dim": 160, "decoder_base_dim": 256, "z_dim": 48, "is_residual": True}
        config |= {"in_channels": 12, "out_channels": 12, "patch_size": 2}
        config |= {"scale_factor_spatial": 16}
        return fm.wan_to_original(_meta(diffusers.AutoencoderKLWan, **config), family)
    return fm.wan_to_original(_meta(diffusers.AutoencoderKLWan), family)


def _hunyuan() -> dict[str, torch.Tensor]:
    config = dict(fm.HUNYUAN_CONFIG)
    config |= {"block_out_channels": (128, 256, 512, 512, 1024, 1024), "layers_per_block": 2}
    sd = _meta(diffusers.AutoencoderKLHunyuanImage, **config)
    return fm.hunyuan_to_original(sd, config)


def _stage_a() -> dict[str, torch.Tensor]:
    from diffusers.pipelines.deprecated.wuerstchen.modeling_paella_vq_model import PaellaVQModel

    sd = _meta(PaellaVQModel)
    return {k.replace("vquantizer.embedding.", "vquantizer.codebook."): v for k, v in sd.items()}


def _previewer() -> dict[str, torch.Tensor]:
    with torch.device("meta"):
        ref = fm.PreviewerReference(fm.previewer_reference(c_hidden=512).blocks)
    return {f"previewer.{k}": v for k, v in ref.state_dict().items()}


def _taesd() -> dict[str, torch.Tensor]:
    sd = _meta(diffusers.AutoencoderTiny)
    out = {}
    for key, value in sd.items():
        side, _, index, rest = key.split(".", 3)
        shift = 1 if side == "decoder" else 0
        out[f"taesd_{side}.{int(index) + shift}.{rest}"] = value
    return out


LAYOUTS = {
    # family id: (ComfyUI key map, our original-layout dict, latent channels, downscale)
    "wan2.1": ("wan21", lambda: _wan("wan2.1"), 16, 8),
    "wan2.2": ("wan22", lambda: _wan("wan2.2"), 48, 16),
    "hunyuan-image-2.1": ("hunyuan_image", _hunyuan, 64, 32),
    "stable-cascade-stage-a": ("cascade_stage_a", _stage_a, 4, 4),
    "stable-cascade-stage-c-coder": ("cascade_stage_c_coder", _previewer, 16, 8),
    "taesd": ("taesd4", _taesd, 4, 8),
}


@pytest.mark.parametrize("family", list(LAYOUTS))
def test_fixture_layouts_carry_comfyui_names_and_shapes(family):
    comfy, build, channels, downscale = LAYOUTS[family]
    ours = build()
    # not built here: the EfficientNet half of the combined file, ComfyUI's TAESD scale/shift
    skip = ("encoder.",) if family == "stable-cascade-stage-c-coder" else ("vae_scale", "vae_shift")
    wanted = {k: s for k, s in COMFY_LAYOUTS[comfy] if not k.startswith(skip)}
    missing = [k for k in wanted if k not in ours]
    wrong = [k for k, s in wanted.items() if k in ours and tuple(ours[k].shape) != tuple(s)]
    assert not missing and not wrong, (missing[:5], wrong[:5])
    engine = engine_for(ours, CPU, family)
    assert (engine.latent_channels, engine.downscale) == (channels, downscale)


def test_every_previewed_family_is_an_image_family_of_the_table():
    from app.core.inspection.vae_families import facts_for
    from app.preview.loading import previewed_families

    previewed = previewed_families()
    for family in previewed:
        facts = facts_for(family)
        assert facts is not None, family
        video_for_images = family in ("wan2.1", "wan2.2")  # one frame, as Qwen-Image's VAE
        assert facts.modality == "image" or video_for_images, family
    assert {"flux2", "hunyuan-image-2.1", "taef2", "qwen-image"} <= previewed
