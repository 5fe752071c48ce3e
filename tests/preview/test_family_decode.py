"""Every previewed image family decodes within 1e-4 (fp32) of its reference implementation.

Files are written in the original single-file layout users have (ComfyUI's), identified
by inspection like any user file, and opened through the preview's own loader; the
reference is diffusers' class with the same weights called directly (or, where diffusers
has none, the architecture as ComfyUI/madebyollin write it). FLUX.2's reference includes
diffusers' pipeline normalisation (BatchNorm statistics, 2x2 unpatchify).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch

from app.core.inspection import inspect_path
from app.preview.loading import open_engine
from app.preview.sample import tensor_to_image
from app.preview.service import PreviewRequest, run_preview
from tests.model_files import write_safetensors, write_torch_zip
from tests.preview import family_models as fm
from tests.preview.conftest import CPU

TOLERANCE = 1e-4


@dataclass
class Case:
    """One family: its file, the latent shape to decode, the reference decode/encode."""

    family: str
    weights: dict
    latent: tuple[int, ...]
    decode: Callable[[torch.Tensor], torch.Tensor]
    encode: Callable[[torch.Tensor], torch.Tensor] | None = None
    name: str = "vae.safetensors"
    image: int = 64


def _flux2() -> Case:
    sd, ref = fm.flux2_pair()
    return Case("flux2", sd, (1, 32, 8, 8), lambda z: ref.decode(z).sample,
                lambda x: ref.encode(x).latent_dist.mode(), "flux2-vae.safetensors")  # fmt: skip


def _tiny(channels: int, family: str, name: str) -> Callable[[], Case]:
    def build() -> Case:
        decoder, encoder, ref = fm.tiny_pair(channels)
        weights = decoder | {f"taesd_encoder.{k}": v for k, v in encoder.items()}
        return Case(family, weights, (1, channels, 8, 8), lambda z: ref.decode(z).sample,
                    lambda x: ref.encode(x).latents, name)  # fmt: skip

    return build


def _taef2() -> Case:
    ref = fm.taef2_decoder()
    return Case("taef2", ref.state_dict(), (1, 32, 8, 8), lambda z: ref(z) * 2 - 1,
                name="taef2_decoder.safetensors")  # fmt: skip


def _hunyuan() -> Case:
    sd, ref = fm.hunyuan_image_pair()
    return Case("hunyuan-image-2.1", sd, (1, 64, 2, 2), lambda z: ref.decode(z).sample,
                lambda x: ref.encode(x).latent_dist.mode(), image=64)  # fmt: skip


def _wan(family: str, name: str) -> Callable[[], Case]:
    def build() -> Case:
        sd, ref = fm.wan_pair(family)
        channels = 48 if family == "wan2.2" else 16
        return Case(family, sd, (1, channels, 1, 4, 4),
                    lambda z: ref.decode(z).sample[:, :, 0],
                    lambda x: ref.encode(x.unsqueeze(2)).latent_dist.mode(), name)  # fmt: skip

    return build


def _stage_a() -> Case:
    sd, ref = fm.stage_a_pair()
    return Case("stable-cascade-stage-a", sd, (1, 4, 8, 8),
                lambda z: ref.decode(z).sample * 2 - 1,
                lambda x: ref.encode((x + 1) / 2).latents, "stage_a.safetensors")  # fmt: skip


def _previewer() -> Case:
    ref = fm.previewer_reference()
    return Case("stable-cascade-previewer", ref.state_dict(), (1, 16, 4, 4), ref,
                name="previewer.safetensors")  # fmt: skip


def _dcae(config: dict, diffusers_layout: bool = False) -> Callable[[], Case]:
    def build() -> Case:
        sd, ref = fm.dcae_pair(config)
        weights = ref.state_dict() if diffusers_layout else sd
        return Case("dc-ae", weights, (1, 32, 4, 4), lambda z: ref.decode(z).sample,
                    lambda x: ref.encode(x).latent, "dc_ae_f32c32_sana.safetensors",
                    image=32)  # fmt: skip

    return build


def _taesana() -> Case:
    decoder, encoder = fm.taesana_reference()
    weights = decoder.state_dict() | {
        f"taesd_encoder.{k}": v for k, v in encoder.state_dict().items()
    }
    return Case("taesana", weights, (1, 32, 2, 2), lambda z: decoder(z) * 2 - 1,
                lambda x: encoder((x + 1) / 2), "taesana_decoder.pth")  # fmt: skip


def _refiner() -> Case:
    _, ref = fm.refiner_pair()
    return Case("hunyuan-image-2.1-refiner", ref.state_dict(), (1, 32, 1, 4, 4),
                lambda z: ref.decode(z).sample[:, :, 0],
                lambda x: ref.encode(x.unsqueeze(2)).latent_dist.mode(),
                "hunyuan_image_2.1_refiner_vae.safetensors", image=32)  # fmt: skip


CASES = {
    "flux2": _flux2,
    "taesd": _tiny(4, "taesd", "taesd_decoder.pth"),
    "taesdxl": _tiny(4, "taesdxl", "taesdxl_decoder.pth"),
    "taesd3": _tiny(16, "taesd3", "taesd3_decoder.pth"),
    "taef1": _tiny(16, "taef1", "taef1_decoder.pth"),
    "taef2": _taef2,
    "hunyuan-image-2.1": _hunyuan,
    "wan2.1": _wan("wan2.1", "wan_2.1_vae.safetensors"),
    "qwen-image": _wan("qwen-image", "qwen_image_vae.safetensors"),
    "wan2.2": _wan("wan2.2", "wan2.2_vae.safetensors"),
    "stable-cascade-stage-a": _stage_a,
    "stable-cascade-previewer": _previewer,
    "dc-ae": _dcae(fm.DCAE_SANA),
    "dc-ae-mix": _dcae(fm.DCAE_MIX),
    "dc-ae-diffusers": _dcae(fm.DCAE_SANA, diffusers_layout=True),
    # diffusers layout: the name tells it from HunyuanVideo 1.5, which shares the layout
    "hunyuan-image-2.1-refiner": _refiner,
    "taesana": _taesana,
}


def _write(case: Case, folder: Path) -> Path:
    path = folder / case.name
    if path.suffix == ".pth":  # madebyollin ships TAESD as torch zip pickles
        return write_torch_zip(path, case.weights)
    return write_safetensors(path, {k: v.contiguous() for k, v in case.weights.items()})


def _max_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.float() - b.float()).abs().max())


@pytest.mark.parametrize("family", list(CASES))
def test_decode_and_encode_equal_the_reference(family, tmp_path):
    case = CASES[family]()
    path = _write(case, tmp_path)
    assert inspect_path(path).family in (case.family, "taesd")  # TAESD variants: by name only
    engine = open_engine(path, CPU, inspect_path(path).family)
    assert engine.family == case.family
    z = torch.randn(case.latent, generator=torch.Generator().manual_seed(11))
    with torch.inference_mode():
        expected = case.decode(z)
    decoded = engine.decode(z, dtype=torch.float32).tensor
    assert decoded.shape == expected.shape and decoded.shape[1] == 3
    assert float(expected.std()) > 0.01  # a real signal, not a constant
    assert _max_diff(decoded, expected) <= TOLERANCE
    if case.encode is not None:
        size = case.image
        x = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(12)) * 2 - 1
        with torch.inference_mode():
            want = case.encode(x)
        got = engine.encode(x, dtype=torch.float32).tensor
        assert got.shape == want.shape
        assert _max_diff(got, want) <= TOLERANCE


@pytest.mark.parametrize(
    "family",
    ["flux2", "hunyuan-image-2.1", "qwen-image", "taef1", "dc-ae", "hunyuan-image-2.1-refiner"],
)
def test_latent_files_decode_through_the_service(family, tmp_path):
    case = CASES[family]()
    path = _write(case, tmp_path)
    z = torch.randn(case.latent, generator=torch.Generator().manual_seed(13))
    np.save(tmp_path / "z.npy", z.numpy())
    result = run_preview(PreviewRequest(vae_path=path, latent_path=tmp_path / "z.npy"))
    engine = open_engine(path, CPU, family)
    native = engine.native_latent(z, scaled=False, name="z.npy")
    with torch.inference_mode():
        expected = tensor_to_image(case.decode(native))
    assert result.family == case.family and result.family_name
    assert np.abs(result.image - expected).max() <= TOLERANCE
