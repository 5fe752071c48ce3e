"""Latent files: ComfyUI's old and new .latent conventions, safetensors and numpy."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from app.core.errors import UserError
from app.preview.latent_io import read_latent
from tests.preview.conftest import latent


def test_new_comfy_latent_holds_the_raw_latent(tmp_path):
    z = latent()
    save_file(
        {"latent_tensor": z, "latent_format_version_0": torch.tensor([])},
        str(tmp_path / "new.latent"),
    )
    assert torch.equal(read_latent(tmp_path / "new.latent"), z)


def test_old_comfy_latent_without_version_key_is_divided_by_0_18215(tmp_path):
    z = latent()
    save_file({"latent_tensor": z * 0.18215}, str(tmp_path / "old.latent"))
    torch.testing.assert_close(read_latent(tmp_path / "old.latent"), z)


def test_npy_and_batches_and_three_dimensional_tensors(tmp_path):
    z = latent(size=6)
    np.save(tmp_path / "chw.npy", z[0].numpy().astype(np.float16))
    torch.testing.assert_close(read_latent(tmp_path / "chw.npy"), z, atol=2e-3, rtol=1e-3)
    batch = torch.cat([z, -z])
    save_file({"whatever": batch}, str(tmp_path / "batch.safetensors"))
    assert torch.equal(read_latent(tmp_path / "batch.safetensors"), z)


def test_several_tensors_pick_a_known_name_or_ask(tmp_path):
    z = latent()
    save_file({"samples": z, "noise": z * 0}, str(tmp_path / "named.safetensors"))
    assert torch.equal(read_latent(tmp_path / "named.safetensors"), z)
    save_file({"a": z, "b": z.clone()}, str(tmp_path / "unclear.safetensors"))
    with pytest.raises(UserError, match=r"several tensors \(a, b\)"):
        read_latent(tmp_path / "unclear.safetensors")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("flat.npy", np.zeros(16, np.float32), "shape"),
        ("six.npy", np.zeros((1, 1, 16, 1, 2, 2), np.float32), r"frames, h, w\)"),
        ("nan.npy", np.full((4, 2, 2), np.nan, np.float32), "NaN"),
        ("ints.npy", np.zeros((4, 2, 2), np.int64), "int64"),
        ("objects.npy", np.array([{"a": 1}], dtype=object), "not a plain numpy array"),
        ("junk.latent", b"not safetensors", "not a readable safetensors"),
        ("image.jpg", b"", ".latent, .safetensors or .npy"),
    ],
)
def test_bad_latent_files_are_refused_clearly(tmp_path, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        np.save(path, content, allow_pickle=True)
        path = path if path.exists() else path.with_suffix(".npy")
    with pytest.raises(UserError, match=message):
        read_latent(path)


def test_missing_file(tmp_path):
    with pytest.raises(UserError, match="not found"):
        read_latent(tmp_path / "nope.latent")


def test_video_latents_keep_their_frames_and_lose_the_batch(tmp_path):
    video = np.random.default_rng(0).standard_normal((2, 16, 3, 4, 5)).astype(np.float32)
    save_file(
        {"latent_tensor": torch.from_numpy(video), "latent_format_version_0": torch.tensor([])},
        str(tmp_path / "wan.latent"),
    )
    latent = read_latent(tmp_path / "wan.latent")
    assert latent.shape == (1, 16, 3, 4, 5)
    np.testing.assert_array_equal(latent.numpy(), video[:1])
