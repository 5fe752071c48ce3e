"""Small but real model files and UI folders for the self-test and the screenshots.

The VAE is written with numpy in the original LDM key layout with the exact
shapes a real SD VAE has at a smaller width (``ch``), so inspection, hashing,
linking and decoding treat it like the real thing. Not used by the app itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads when a sample file is written
    import numpy as np

Shape = tuple[int, ...]


def _norm(prefix: str, c: int) -> Iterator[tuple[str, Shape]]:
    yield f"{prefix}.weight", (c,)
    yield f"{prefix}.bias", (c,)


def _conv(prefix: str, c_out: int, c_in: int, k: int = 3) -> Iterator[tuple[str, Shape]]:
    yield f"{prefix}.weight", (c_out, c_in, k, k)
    yield f"{prefix}.bias", (c_out,)


def _resnet(prefix: str, c_in: int, c_out: int) -> Iterator[tuple[str, Shape]]:
    yield from _norm(f"{prefix}.norm1", c_in)
    yield from _conv(f"{prefix}.conv1", c_out, c_in)
    yield from _norm(f"{prefix}.norm2", c_out)
    yield from _conv(f"{prefix}.conv2", c_out, c_out)
    if c_in != c_out:
        yield from _conv(f"{prefix}.nin_shortcut", c_out, c_in, 1)


def _middle(prefix: str, c: int) -> Iterator[tuple[str, Shape]]:
    yield from _resnet(f"{prefix}.block_1", c, c)
    yield from _norm(f"{prefix}.attn_1.norm", c)
    for name in ("q", "k", "v", "proj_out"):
        yield from _conv(f"{prefix}.attn_1.{name}", c, c, 1)
    yield from _resnet(f"{prefix}.block_2", c, c)


def vae_shapes(
    ch: int, mult: tuple[int, ...] = (1, 2, 4, 4), blocks: int = 2, z: int = 4
) -> Iterator[tuple[str, Shape]]:
    """Every (key, shape) of an LDM KL-f8 autoencoder with base width ``ch``."""
    yield from _conv("encoder.conv_in", ch, 3)
    c = ch
    for level, m in enumerate(mult):
        c_in, c = c, ch * m
        for block in range(blocks):
            yield from _resnet(f"encoder.down.{level}.block.{block}", c_in if block == 0 else c, c)
        if level != len(mult) - 1:
            yield from _conv(f"encoder.down.{level}.downsample.conv", c, c)
    yield from _middle("encoder.mid", c)
    yield from _norm("encoder.norm_out", c)
    yield from _conv("encoder.conv_out", 2 * z, c)
    yield from _conv("quant_conv", 2 * z, 2 * z, 1)
    yield from _conv("post_quant_conv", z, z, 1)
    yield from _conv("decoder.conv_in", c, z)
    yield from _middle("decoder.mid", c)
    for level in reversed(range(len(mult))):
        c_out = ch * mult[level]
        for block in range(blocks + 1):
            yield from _resnet(f"decoder.up.{level}.block.{block}", c, c_out)
            c = c_out
        if level != 0:
            yield from _conv(f"decoder.up.{level}.upsample.conv", c, c)
    yield from _norm("decoder.norm_out", c)
    yield from _conv("decoder.conv_out", 3, c)


def vae_tensors(ch: int = 32, seed: int = 0) -> dict[str, np.ndarray]:
    """Random weights small enough that a decode stays finite (norm weights near 1)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    out = {}
    for key, shape in vae_shapes(ch):
        is_norm = "norm" in key.rsplit(".", 2)[-2] and key.endswith(".weight") and len(shape) == 1
        if is_norm:
            value = 1.0 + 0.01 * rng.standard_normal(shape)
        elif key.endswith(".bias"):
            value = 0.01 * rng.standard_normal(shape)
        else:
            value = 0.02 * rng.standard_normal(shape)
        out[key] = value.astype(np.float16)
    return out


def write_sample_vae(path: Path, *, ch: int = 32, seed: int = 0) -> Path:
    """A standalone VAE ``.safetensors`` (fp16, LDM keys)."""
    from safetensors.numpy import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(vae_tensors(ch, seed), str(path))
    return path


def write_sample_checkpoint(path: Path, *, ch: int = 32, seed: int = 0) -> Path:
    """A checkpoint-shaped file: the VAE under ``first_stage_model.`` plus UNet and CLIP keys."""
    import numpy as np
    from safetensors.numpy import save_file

    tensors = {f"first_stage_model.{k}": v for k, v in vae_tensors(ch, seed).items()}
    rng = np.random.default_rng(1234)
    tensors["model.diffusion_model.input_blocks.0.0.weight"] = rng.standard_normal(
        (32, 4, 3, 3)
    ).astype(np.float16)
    tensors["model.diffusion_model.input_blocks.0.0.bias"] = np.zeros(32, np.float16)
    tensors["model.diffusion_model.out.2.weight"] = rng.standard_normal((4, 32, 3, 3)).astype(
        np.float16
    )
    tensors["cond_stage_model.transformer.text_model.embeddings.token_embedding.weight"] = (
        rng.standard_normal((64, 16)).astype(np.float16)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path))
    return path


def _touch(root: Path, *names: str) -> Path:
    for name in names:
        target = root / name
        if name.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("", encoding="utf-8")
    return root


def make_a1111_folder(root: Path) -> Path:
    """The files AUTOMATIC1111's recogniser looks for, and its model folders."""
    _touch(root, "webui.py", "launch.py", "webui.sh", "webui-user.sh", "modules/sd_vae.py",
           "modules/paths_internal.py", "models/VAE/", "models/Stable-diffusion/")  # fmt: skip
    (root / "CHANGELOG.md").write_text("## 1.10.1\n", encoding="utf-8")
    return root


def make_comfyui_folder(root: Path) -> Path:
    """The files ComfyUI's recogniser looks for, and its model folders."""
    _touch(root, "main.py", "folder_paths.py", "nodes.py", "execution.py", "server.py",
           "comfy/sd.py", "comfy_extras/", "custom_nodes/", "models/checkpoints/",
           "models/vae/")  # fmt: skip
    (root / "comfyui_version.py").write_text('__version__ = "0.3.64"\n', encoding="utf-8")
    return root
