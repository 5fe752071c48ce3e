"""Factory of REAL model files with random weights, shared by every test in the project.

Key layouts follow /work/shared/research/vae-registry.md (§2.1 LDM, §2.2 diffusers, §2.7 TAESD).
Weights are small random numbers so a decode through them stays finite.
"""

from __future__ import annotations

import json
import os
import pickle
import shlex
import struct
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import torch
from safetensors.torch import save_file

TensorDict = dict[str, torch.Tensor]
_Shape = tuple[int, ...]

# --------------------------------------------------------------------------- shapes


def _norm(prefix: str, c: int) -> Iterator[tuple[str, _Shape, str]]:
    yield f"{prefix}.weight", (c,), "one"
    yield f"{prefix}.bias", (c,), "zero"


def _conv(prefix: str, c_out: int, c_in: int, k: int = 3) -> Iterator[tuple[str, _Shape, str]]:
    yield f"{prefix}.weight", (c_out, c_in, k, k), "rand"
    yield f"{prefix}.bias", (c_out,), "zero"


def _resnet(prefix: str, c_in: int, c_out: int) -> Iterator[tuple[str, _Shape, str]]:
    yield from _norm(f"{prefix}.norm1", c_in)
    yield from _conv(f"{prefix}.conv1", c_out, c_in)
    yield from _norm(f"{prefix}.norm2", c_out)
    yield from _conv(f"{prefix}.conv2", c_out, c_out)
    if c_in != c_out:
        yield from _conv(f"{prefix}.nin_shortcut", c_out, c_in, 1)


def _mid(prefix: str, c: int) -> Iterator[tuple[str, _Shape, str]]:
    yield from _resnet(f"{prefix}.block_1", c, c)
    yield from _norm(f"{prefix}.attn_1.norm", c)
    for name in ("q", "k", "v", "proj_out"):
        yield from _conv(f"{prefix}.attn_1.{name}", c, c, 1)
    yield from _resnet(f"{prefix}.block_2", c, c)


def _ldm_encoder(z: int, ch: int, ch_mult: tuple[int, ...], n_res: int):
    yield from _conv("encoder.conv_in", ch, 3)
    in_mult = (1, *ch_mult)
    c = ch
    for i, mult in enumerate(ch_mult):
        c_in, c = ch * in_mult[i], ch * mult
        for j in range(n_res):
            yield from _resnet(f"encoder.down.{i}.block.{j}", c_in if j == 0 else c, c)
        if i != len(ch_mult) - 1:
            yield from _conv(f"encoder.down.{i}.downsample.conv", c, c)
    yield from _mid("encoder.mid", c)
    yield from _norm("encoder.norm_out", c)
    yield from _conv("encoder.conv_out", 2 * z, c)


def _ldm_decoder(z: int, ch: int, ch_mult: tuple[int, ...], n_res: int):
    c = ch * ch_mult[-1]
    yield from _conv("decoder.conv_in", c, z)
    yield from _mid("decoder.mid", c)
    for i in reversed(range(len(ch_mult))):
        c_out = ch * ch_mult[i]
        for j in range(n_res + 1):
            yield from _resnet(f"decoder.up.{i}.block.{j}", c, c_out)
            c = c_out
        if i != 0:
            yield from _conv(f"decoder.up.{i}.upsample.conv", c, c)
    yield from _norm("decoder.norm_out", c)
    yield from _conv("decoder.conv_out", 3, c)


def _ldm_shapes(latent_channels, quant_conv, encoder, ch, ch_mult, num_res_blocks):
    z = latent_channels
    if encoder:
        yield from _ldm_encoder(z, ch, tuple(ch_mult), num_res_blocks)
    if quant_conv:
        if encoder:
            yield from _conv("quant_conv", 2 * z, 2 * z, 1)
        yield from _conv("post_quant_conv", z, z, 1)
    yield from _ldm_decoder(z, ch, tuple(ch_mult), num_res_blocks)


def _fill(shapes, dtype: torch.dtype, seed: int) -> TensorDict:
    gen = torch.Generator().manual_seed(seed)
    out: TensorDict = {}
    for name, shape, how in shapes:
        if how == "one":
            t = 1.0 + 0.01 * torch.randn(shape, generator=gen)
        elif how == "zero":
            t = 0.01 * torch.randn(shape, generator=gen)
        else:
            t = 0.02 * torch.randn(shape, generator=gen)
        out[name] = t.to(dtype).contiguous()
    return out


# --------------------------------------------------------------------------- state dicts


def ldm_vae_state_dict(
    *,
    latent_channels: int = 4,
    quant_conv: bool = True,
    encoder: bool = True,
    ch: int = 32,
    ch_mult: tuple[int, ...] = (1, 2, 4, 4),
    num_res_blocks: int = 2,
    dtype: torch.dtype = torch.float32,
    seed: int = 0,
) -> TensorDict:
    """Original LDM KL autoencoder keys (no prefix), shapes exact for ch/ch_mult."""
    shapes = _ldm_shapes(latent_channels, quant_conv, encoder, ch, ch_mult, num_res_blocks)
    return _fill(shapes, dtype, seed)


_ATTN_NEW = {"q": "to_q", "k": "to_k", "v": "to_v", "proj_out": "to_out.0", "norm": "group_norm"}
_ATTN_OLD = {"q": "query", "k": "key", "v": "value", "proj_out": "proj_attn", "norm": "group_norm"}


def _rename_ldm_key(key: str, n_levels: int, attn: dict[str, str]) -> tuple[str, bool]:
    """Return the diffusers name for one LDM key and whether it is an attention 1x1 conv."""
    parts = key.split(".")
    if parts[0] not in ("encoder", "decoder"):
        return key, False
    side, rest = parts[0], parts[1:]
    if rest[0] in ("down", "up"):
        level = int(rest[1])
        if rest[0] == "down":
            head = f"down_blocks.{level}"
            sampler = "downsamplers.0"
        else:
            head = f"up_blocks.{n_levels - 1 - level}"
            sampler = "upsamplers.0"
        block = rest[2] == "block"
        tail = [f"resnets.{rest[3]}", *rest[4:]] if block else [sampler, *rest[3:]]
        rest = [head, *tail]
    elif rest[0] == "mid":
        if rest[1].startswith("block_"):
            rest = ["mid_block", f"resnets.{int(rest[1][-1]) - 1}", *rest[2:]]
        else:
            is_attn_linear = rest[2] != "norm" and rest[-1] == "weight"
            new = ["mid_block", "attentions.0", attn[rest[2]], rest[3]]
            return ".".join([side, *new]), is_attn_linear
    elif rest[0] == "norm_out":
        rest = ["conv_norm_out", *rest[1:]]
    name = ".".join([side, *rest]).replace("nin_shortcut", "conv_shortcut")
    return name, False


def diffusers_vae_state_dict(*, attention_style: str = "new", **kwargs) -> TensorDict:
    """The same weights as :func:`ldm_vae_state_dict`, renamed to diffusers AutoencoderKL keys."""
    attn = {"new": _ATTN_NEW, "old": _ATTN_OLD}[attention_style]
    ldm = ldm_vae_state_dict(**kwargs)
    n_levels = len(kwargs.get("ch_mult", (1, 2, 4, 4)))
    out: TensorDict = {}
    for key, tensor in ldm.items():
        name, squeeze = _rename_ldm_key(key, n_levels, attn)
        out[name] = tensor[:, :, 0, 0].contiguous() if squeeze else tensor
    return out


def diffusers_vae_config(
    *,
    latent_channels: int = 4,
    quant_conv: bool = True,
    ch: int = 32,
    ch_mult: tuple[int, ...] = (1, 2, 4, 4),
    scaling_factor: float = 0.18215,
) -> dict:
    """A diffusers AutoencoderKL config.json matching :func:`diffusers_vae_state_dict`."""
    n = len(ch_mult)
    return {
        "_class_name": "AutoencoderKL",
        "_diffusers_version": "0.30.0",
        "in_channels": 3,
        "out_channels": 3,
        "down_block_types": ["DownEncoderBlock2D"] * n,
        "up_block_types": ["UpDecoderBlock2D"] * n,
        "block_out_channels": [ch * m for m in ch_mult],
        "layers_per_block": 2,
        "latent_channels": latent_channels,
        "norm_num_groups": 32,
        "act_fn": "silu",
        "sample_size": 512,
        "scaling_factor": scaling_factor,
        "use_quant_conv": quant_conv,
        "use_post_quant_conv": quant_conv,
    }


def checkpoint_state_dict(vae_sd: TensorDict | None = None, **kwargs) -> TensorDict:
    """A full-checkpoint-like dict: VAE under ``first_stage_model.`` plus small UNet/CLIP bits."""
    vae = ldm_vae_state_dict(**kwargs) if vae_sd is None else vae_sd
    gen = torch.Generator().manual_seed(1234)
    out: TensorDict = {f"first_stage_model.{k}": v for k, v in vae.items()}
    out["model.diffusion_model.input_blocks.0.0.weight"] = torch.randn(32, 4, 3, 3, generator=gen)
    out["model.diffusion_model.input_blocks.0.0.bias"] = torch.zeros(32)
    out["model.diffusion_model.out.2.weight"] = torch.randn(4, 32, 3, 3, generator=gen)
    out["cond_stage_model.transformer.text_model.embeddings.token_embedding.weight"] = torch.randn(
        64, 16, generator=gen
    )
    return out


def lora_state_dict(rank: int = 4, dim: int = 32, seed: int = 0) -> TensorDict:
    """Kohya-style LoRA keys (``lora_unet_*``/``lora_te_*`` with lora_down/lora_up/alpha)."""
    gen = torch.Generator().manual_seed(seed)
    out: TensorDict = {}
    for base in (
        "lora_unet_down_blocks_0_attentions_0_proj_in",
        "lora_unet_down_blocks_0_attentions_0_proj_out",
        "lora_te_text_model_encoder_layers_0_self_attn_q_proj",
    ):
        out[f"{base}.lora_down.weight"] = torch.randn(rank, dim, generator=gen) * 0.01
        out[f"{base}.lora_up.weight"] = torch.randn(dim, rank, generator=gen) * 0.01
        out[f"{base}.alpha"] = torch.tensor(float(rank))
    return out


def embedding_state_dict(
    vectors: int = 2, dim: int = 768, *, for_safetensors: bool = False, seed: int = 0
) -> dict:
    """A1111 textual inversion: nested ``string_to_param`` dict (.pt) or ``emb_params``."""
    emb = torch.randn(vectors, dim, generator=torch.Generator().manual_seed(seed)) * 0.01
    if for_safetensors:
        return {"emb_params": emb}
    return {
        "string_to_token": {"*": 265},
        "string_to_param": {"*": emb},
        "name": "test-embedding",
        "step": 1000,
    }


def taesd_decoder_state_dict(
    latent_channels: int = 4, channels: int = 64, dtype: torch.dtype = torch.float32, seed: int = 0
) -> TensorDict:
    """TAESD decoder ``.pth`` keys (``1.weight``, ``3.conv.0.weight``, ..., ``19.bias``)."""
    c = channels

    def shapes():
        yield from _conv("1", c, latent_channels)
        for idx in (3, 4, 5, 8, 9, 10, 13, 14, 15, 18):
            for sub in (0, 2, 4):
                yield from _conv(f"{idx}.conv.{sub}", c, c)
            if idx in (5, 10, 15):
                yield f"{idx + 2}.weight", (c, c, 3, 3), "rand"
        yield from _conv("19", 3, c)

    return _fill(shapes(), dtype, seed)


# --------------------------------------------------------------------------- writers


def write_safetensors(path: str | Path, sd: TensorDict, metadata: dict | None = None) -> Path:
    """Write ``sd`` with safetensors (metadata values must be strings)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(sd, str(path), metadata=metadata)
    return path


def write_torch_zip(path: str | Path, obj: object) -> Path:
    """torch.save in the default zip format (``{"state_dict": sd}`` for .ckpt, bare for .pt)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(obj, path)
    return path


def write_legacy_pickle(path: str | Path, obj: object) -> Path:
    """torch.save in the pre-1.6 legacy format (several pickles in a row, then raw storages)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(obj, path, _use_new_zipfile_serialization=False)
    return path


def write_diffusers_folder(
    directory: str | Path, sd: TensorDict, config: dict | None = None
) -> Path:
    """A diffusers VAE folder: config.json + diffusion_pytorch_model.safetensors."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(config or diffusers_vae_config()))
    save_file(sd, str(directory / "diffusion_pytorch_model.safetensors"))
    return directory


def _system_call_pickle(marker_path: str | Path, *, stack_global: bool) -> bytes:
    """Raw pickle opcodes whose unpickling calls ``os.system("touch <marker>")``."""
    cmd = f"touch {shlex.quote(str(marker_path))}".encode()
    arg = b"X" + struct.pack("<I", len(cmd)) + cmd  # BINUNICODE
    if stack_global:  # protocol 4: module and name pushed as strings, then STACK_GLOBAL
        func = b"\x8c\x02os\x94\x8c\x06system\x94\x93\x94"
        head = b"\x80\x04"
    else:  # protocol 2: GLOBAL with newline-terminated module and name
        func = b"cos\nsystem\nq\x00"
        head = b"\x80\x02"
    # {"state_dict": os.system(cmd)} so it looks like a checkpoint.
    key = b"X" + struct.pack("<I", 10) + b"state_dict"
    return head + b"}" + key + func + arg + b"\x85R" + b"s."


def write_malicious_pickle(path: str | Path, marker_path: str | Path, *, zip: bool = True) -> Path:
    """A torch file whose unpickling would run ``touch marker_path`` via ``os.system``.

    ``zip=True`` builds a torch zip container (``archive/data.pkl``, protocol 4 STACK_GLOBAL);
    ``zip=False`` builds a legacy torch file (magic, protocol, sys_info, then the payload pickle).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if zip:
        payload = _system_call_pickle(marker_path, stack_global=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("archive/data.pkl", payload)
            zf.writestr("archive/byteorder", sys.byteorder)
            zf.writestr("archive/version", "3\n")
        return path
    magic = 0x1950A86A20F9469CFC6C
    sys_info = {"protocol_version": 1001, "little_endian": True, "type_sizes": {"int": 4}}
    with open(path, "wb") as fh:
        for obj in (magic, 1001, sys_info):
            pickle.dump(obj, fh, protocol=2)
        fh.write(_system_call_pickle(marker_path, stack_global=False))
        pickle.dump([], fh, protocol=2)
    return path


def truncate_copy(src: str | Path, dst: str | Path, keep_fraction: float) -> Path:
    """Copy the first ``keep_fraction`` of ``src`` (or ``int`` bytes if > 1) to ``dst``."""
    data = Path(src).read_bytes()
    keep = int(keep_fraction) if keep_fraction > 1 else int(len(data) * keep_fraction)
    dst = Path(dst)
    dst.write_bytes(data[:keep])
    return dst


def bitflip_copy(src: str | Path, dst: str | Path, offset: int, bit: int = 0) -> Path:
    """Copy ``src`` to ``dst`` with one bit flipped at byte ``offset`` (negative from the end)."""
    data = bytearray(Path(src).read_bytes())
    data[offset] ^= 1 << bit
    dst = Path(dst)
    dst.write_bytes(bytes(data))
    return dst


def write_huge_header_claim(path: str | Path, claimed_len: int = 100 * 10**9) -> Path:
    """An 8-byte safetensors length header claiming ``claimed_len`` bytes, then a little junk."""
    path = Path(path)
    path.write_bytes(struct.pack("<Q", claimed_len) + b'{"a": ' + os.urandom(16))
    return path
