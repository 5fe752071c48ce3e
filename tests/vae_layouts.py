"""Key layouts of every VAE family, written as header-only safetensors files.

Two sources, both real:

- diffusers layouts are built here from the diffusers 0.42 ``Autoencoder*`` classes on the
  meta device (no memory, real key names, real shapes for the config given; default
  configs are the released models' architectures);
- original single-file layouts come from :mod:`tests.vae_layouts_data` (sparse subsets of
  ComfyUI's classes' state dicts) or are derived from them where a family differs from
  one ComfyUI class only in a few tensors (FLUX.2's BatchNorm, the latent width).

Files are header-only: a valid safetensors header over a data area of zeros that is never
written (``truncate``), so a 2.5 GB-shaped VAE costs a few kilobytes of disk.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from tests import model_files as mf
from tests.vae_layouts_data import COMFY_LAYOUTS

Shape = tuple[int, ...]
Layout = dict[str, Shape]
_BYTES = {"F16": 2, "BF16": 2, "F32": 4, "I64": 8}


def write_header_only(
    path: Path, layout: Mapping[str, Shape], *, dtype: str = "F16", metadata=None, dtypes=None
) -> Path:
    """A valid safetensors file with these names and shapes; the data area stays sparse."""
    header: dict[str, object] = {}
    offset = 0
    for name, shape in layout.items():
        code = (dtypes or {}).get(name, dtype)
        count = 1
        for dim in shape:
            count *= dim
        size = count * _BYTES[code]
        header[name] = {
            "dtype": code,
            "shape": list(shape),
            "data_offsets": [offset, offset + size],
        }
        offset += size
    if metadata:
        header["__metadata__"] = dict(metadata)
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(raw)) + raw)
        fh.truncate(8 + len(raw) + offset)
    return path


def comfy(name: str, *, strip: str = "", keep: str = "") -> Layout:
    """A sparse ComfyUI layout; ``keep`` selects a prefix, ``strip`` removes one from names."""
    out: Layout = {}
    for key, shape in COMFY_LAYOUTS[name]:
        if keep and not key.startswith(keep):
            continue
        out[key[len(strip) :] if strip and key.startswith(strip) else key] = shape
    return out


def kl_original(latent: int, *, quant: bool, bn: bool = False, bfl_names: bool = False) -> Layout:
    """ComfyUI's SD KL layout (ch 128) with another latent width; FLUX.2 adds ``bn.*``.

    ``bfl_names`` keeps the quant convs inside encoder/decoder as Black Forest Labs' FLUX.2
    file does (ComfyUI renames ``decoder.post_quant_conv.`` / ``encoder.quant_conv.``).
    """
    out: Layout = {}
    for key, shape in comfy("sd_kl").items():
        if key.startswith(("quant_conv.", "post_quant_conv.")):
            continue
        if key == "decoder.conv_in.weight":
            shape = (shape[0], latent, *shape[2:])
        elif key.startswith("encoder.conv_out."):
            shape = (2 * latent, *shape[1:])
        out[key] = shape
    if quant:
        pre = ("encoder.", "decoder.") if bfl_names else ("", "")
        out[f"{pre[0]}quant_conv.weight"] = (2 * latent, 2 * latent, 1, 1)
        out[f"{pre[0]}quant_conv.bias"] = (2 * latent,)
        out[f"{pre[1]}post_quant_conv.weight"] = (latent, latent, 1, 1)
        out[f"{pre[1]}post_quant_conv.bias"] = (latent,)
    if bn:
        out.update({"bn.running_mean": (4 * latent,), "bn.running_var": (4 * latent,)})
        out["bn.num_batches_tracked"] = ()
    return out


def x4_original() -> Layout:
    """The SD x4 upscaler VAE: the KL layout with ``ch_mult (1, 2, 4)`` (ComfyUI's test)."""
    return {name: shape for name, shape, _ in mf._ldm_shapes(4, True, True, 128, (1, 2, 4), 2)}


@cache
def _diffusers_cached(class_name: str, config: tuple) -> tuple[tuple[str, Shape], ...]:
    import warnings

    import torch
    from diffusers.models import autoencoders

    with torch.device("meta"), warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # Oobleck's old weight_norm call
        model = getattr(autoencoders, class_name)(**dict(config))
    return tuple((k, tuple(v.shape)) for k, v in model.state_dict().items())


def diffusers(class_name: str, **config) -> Layout:
    """Keys and shapes of a diffusers autoencoder built with ``config`` (defaults otherwise)."""
    return dict(_diffusers_cached(class_name, tuple(sorted(config.items()))))


def write_diffusers_folder(folder: Path, class_name: str, layout: Layout, **config) -> Path:
    """A diffusers model folder: ``config.json`` naming the class, header-only weights."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"_class_name": class_name, **config}))
    write_header_only(folder / "diffusion_pytorch_model.safetensors", layout)
    return folder


# -- TAESD-class layouts, from the module structure of madebyollin/taesd taesd.py and
# -- ComfyUI comfy/taesd/taehv.py (conv indices of their nn.Sequential)


def _block(prefix: str, c: int, *, mem: bool = False, pool: bool = False) -> Layout:
    cin = 2 * c if mem else c
    out = {f"{prefix}.conv.0.weight": (c, cin, 3, 3), f"{prefix}.conv.0.bias": (c,)}
    for i in (2, 4):
        out[f"{prefix}.conv.{i}.weight"] = (c, c, 3, 3)
        out[f"{prefix}.conv.{i}.bias"] = (c,)
    if pool:  # taef2's Block.pool: conv1x1(c, 4c), GroupNorm(4, 4c), ReLU, conv1x1(4c, c)
        out.update(
            {
                f"{prefix}.pool.0.weight": (4 * c, c, 1, 1),
                f"{prefix}.pool.1.weight": (4 * c,),
                f"{prefix}.pool.1.bias": (4 * c,),
                f"{prefix}.pool.3.weight": (c, 4 * c, 1, 1),
            }
        )
    return out


def taesd_decoder(latent: int, *, pool: bool = False) -> Layout:
    """TAESD ``Decoder``: Clamp, conv(latent, 64), Blocks, 3x (upsample, conv), conv(64, 3)."""
    out: Layout = {"1.weight": (64, latent, 3, 3), "1.bias": (64,)}
    for i in (3, 4, 5):
        out.update(_block(str(i), 64, pool=pool))
    for conv, blocks in ((7, (8, 9, 10)), (12, (13, 14, 15)), (17, (18,))):
        out[f"{conv}.weight"] = (64, 64, 3, 3)
        for i in blocks:
            out.update(_block(str(i), 64))
    out.update({"19.weight": (3, 64, 3, 3), "19.bias": (3,)})
    return out


def taesana_decoder(latent: int = 32) -> Layout:
    """TAESD ``F32Decoder``: conv(latent, 256) first, five upsampling stages."""
    out: Layout = {"1.weight": (256, latent, 3, 3), "1.bias": (256,)}
    chans = (256, 128, 64, 64, 64, 64)
    index = 3
    for stage in range(5):
        for _ in range(3):
            out.update(_block(str(index), chans[stage]))
            index += 1
        out[f"{index + 1}.weight"] = (chans[stage + 1], chans[stage], 3, 3)
        index += 2
    out.update(_block(str(index), 64))
    out.update({f"{index + 1}.weight": (3, 64, 3, 3), f"{index + 1}.bias": (3,)})
    return out


def taehv(latent: int, *, patch: int = 1) -> Layout:
    """ComfyUI TAEHV: encoder and decoder ``nn.Sequential`` with MemBlocks, TPool and TGrow."""
    out: Layout = {"encoder.0.weight": (64, 3 * patch * patch, 3, 3), "encoder.0.bias": (64,)}
    index = 2
    for stride in (2, 2, 1):
        out[f"encoder.{index}.conv.weight"] = (64, 64 * stride, 1, 1)
        out[f"encoder.{index + 1}.weight"] = (64, 64, 3, 3)
        for i in range(index + 2, index + 5):
            out.update(_block(f"encoder.{i}", 64, mem=True))
        index += 5
    out.update({f"encoder.{index}.weight": (latent, 64, 3, 3), f"encoder.{index}.bias": (latent,)})
    n_f = (256, 128, 64, 64)
    out.update({"decoder.1.weight": (n_f[0], latent, 3, 3), "decoder.1.bias": (n_f[0],)})
    index = 3
    for stage, grow in enumerate((1, 2, 2)):
        for i in range(index, index + 3):
            out.update(_block(f"decoder.{i}", n_f[stage], mem=True))
        out[f"decoder.{index + 4}.conv.weight"] = (n_f[stage] * grow, n_f[stage], 1, 1)
        out[f"decoder.{index + 5}.weight"] = (n_f[stage + 1], n_f[stage], 3, 3)
        index += 6
    out["decoder.22.weight"] = (3 * patch * patch, n_f[3], 3, 3)
    out["decoder.22.bias"] = (3 * patch * patch,)
    return out


# -- families known to this app by ComfyUI's marker keys only (sparse: marker + context)

MARKER_LAYOUTS: dict[str, Layout] = {
    "seedvr2": {
        "decoder.up_blocks.2.upsamplers.0.upscale_conv.weight": (512, 512, 1, 1, 1),
        "decoder.up_blocks.0.resnets.0.norm1.weight": (512,),
        "decoder.conv_in.weight": (512, 16, 3, 3, 3),
        "encoder.conv_in.weight": (128, 3, 3, 3, 3),
    },
    "ltx2-diffusion-decoder": {
        "decoder.conv_in_x_t.weight": (1024, 48, 3, 3, 3),
        "decoder.conv_in.weight": (1024, 128, 3, 3, 3),
    },
    "mage-vae": {"student.dconv_encoder.proj_out.weight": (128, 1024, 1, 1)},
    "minimax-h3": {
        "decoder.transformer_blocks.0.scale1": (1024,),
        "encoder.down.5.block.0.conv1.weight": (512, 512, 3, 3, 3),
    },
    "stable-audio-3": {"decoder.layers.3.transformers.0.pre_norm.alpha": (256,)},
    "minimax-h3-audio": {"pre_block.attn.zero_k_bias": (64,)},
    "minimax-music3": {
        "dec_in_proj.weight": (1024, 128, 1),
        "decoder.model.0.weight_g": (1024, 1, 1),
    },
    "trellis2": {"shape_dec.blocks.1.16.to_subdiv.weight": (8, 64)},
    "triposplat": {"gs.base_offset_scale": (1,), "octree.out_proj.weight": (16, 512)},
    "pixel-space": {"pixel_space_vae": ()},
    # DC-AE's original file, by the names diffusers' single-file loader keys on
    # (CHECKPOINT_KEY_NAMES "autoencoder-dc" and "autoencoder-dc-sana").
    "dc-ae": {
        "encoder.project_in.conv.weight": (128, 3, 3, 3),
        "encoder.project_in.conv.bias": (128,),
        "decoder.project_in.conv.weight": (1024, 32, 3, 3),
        "decoder.stages.1.op_list.0.main.conv.conv.bias": (256,),
    },
}
