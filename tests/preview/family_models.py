"""Small real VAEs of every previewed family, and the same weights as users' files hold them.

Each builder returns ``(original_layout_state_dict, reference)``: the reference is
diffusers' own model class at a small config with random weights (or, where diffusers
has none, the architecture as ComfyUI writes it), and the state dict is those weights
renamed to the single-file layout ComfyUI loads. The renames here are written from
ComfyUI's module structure (Comfy-Org/ComfyUI @a125cd84: ``comfy/ldm/wan/vae.py``,
``vae2_2.py``, ``hunyuan_video/vae.py``, ``cascade/stage_a.py``,
``stage_c_coder.py``); tests/preview/test_family_layouts.py checks their names and
shapes against ComfyUI's real key maps in tests/vae_layouts_data.py.
"""

from __future__ import annotations

import math
import re

import pytest
import torch
from torch import nn

from tests.model_files import _ATTN_NEW, _rename_ldm_key, ldm_vae_state_dict

diffusers = pytest.importorskip("diffusers")

TensorDict = dict[str, torch.Tensor]
_RES = {"norm1.": "residual.0.", "conv1.": "residual.2.", "norm2.": "residual.3."}
_RES |= {"conv2.": "residual.6.", "conv_shortcut.": "shortcut."}
_WAN_FIXED = {
    "quant_conv.": "conv1.",
    "post_quant_conv.": "conv2.",
    "encoder.conv_in.": "encoder.conv1.",
    "decoder.conv_in.": "decoder.conv1.",
    "encoder.norm_out.": "encoder.head.0.",
    "encoder.conv_out.": "encoder.head.2.",
    "decoder.norm_out.": "decoder.head.0.",
    "decoder.conv_out.": "decoder.head.2.",
}


def _randomise(model: nn.Module, seed: int) -> nn.Module:
    """Random weights everywhere: norm scales near 1, small biases, BatchNorm statistics too."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in [*model.named_parameters(), *model.named_buffers()]:
            if not tensor.is_floating_point():
                continue
            noise = torch.randn(tensor.shape, generator=gen)
            if name.endswith("running_var"):
                tensor.copy_(0.5 + noise.abs())
            elif name.endswith("gamma") or ("norm" in name and name.endswith("weight")):
                tensor.copy_(1.0 + 0.1 * noise)
            elif tensor.dim() <= 1:  # biases, running means, stage A's gammas
                tensor.copy_(0.1 * noise)
            else:
                tensor.copy_(noise / math.sqrt(tensor[0].numel()))
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d | nn.GroupNorm) and module.weight is not None:
                module.weight.copy_(1.0 + 0.1 * torch.randn(module.weight.shape, generator=gen))
    return model.eval().requires_grad_(False)


# ----------------------------------------------------------------------------- FLUX.2


def flux2_pair(
    seed: int = 3, ch: int = 32, ch_mult: tuple[int, ...] = (1, 2)
) -> tuple[TensorDict, nn.Module]:
    """BFL's FLUX.2 ae layout (ldm names, quant convs inside the halves, ``bn.*``)."""
    ldm = ldm_vae_state_dict(latent_channels=32, ch=ch, ch_mult=ch_mult, seed=seed)
    gen = torch.Generator().manual_seed(seed)
    stats = {
        "bn.running_mean": 0.3 * torch.randn(128, generator=gen),
        "bn.running_var": 0.5 + torch.rand(128, generator=gen),
        "bn.num_batches_tracked": torch.tensor(1000),
    }
    dif = {}
    for key, value in ldm.items():
        name, squeeze = _rename_ldm_key(key, len(ch_mult), _ATTN_NEW)
        dif[name] = value[:, :, 0, 0] if squeeze else value
    blocks = ("DownEncoderBlock2D",) * len(ch_mult), ("UpDecoderBlock2D",) * len(ch_mult)
    with torch.device("meta"):
        reference = diffusers.AutoencoderKLFlux2(
            block_out_channels=tuple(ch * m for m in ch_mult),
            down_block_types=blocks[0],
            up_block_types=blocks[1],
        )
    reference.load_state_dict(dif | stats, assign=True)
    original = {}
    for key, value in ldm.items():
        if key.startswith("quant_conv."):
            key = "encoder." + key
        elif key.startswith("post_quant_conv."):
            key = "decoder." + key
        original[key] = value
    return original | stats, reference.eval()


def flux2_reference_decode(reference: nn.Module, packed: torch.Tensor) -> torch.Tensor:
    """diffusers' FLUX.2 pipeline (pipeline_flux2.py): BN denormalise, unpatchify, decode."""
    bn = reference.bn
    std = torch.sqrt(bn.running_var.view(1, -1, 1, 1) + reference.config.batch_norm_eps)
    latents = packed * std + bn.running_mean.view(1, -1, 1, 1)
    b, c, h, w = latents.shape
    latents = latents.reshape(b, c // 4, 2, 2, h, w).permute(0, 1, 4, 2, 5, 3)
    return reference.decode(latents.reshape(b, c // 4, h * 2, w * 2)).sample


# ----------------------------------------------------------------------------- TAESD


def tiny_pair(latent_channels: int = 4, seed: int = 5) -> tuple[TensorDict, TensorDict, nn.Module]:
    """madebyollin's bare ``taesd_decoder.pth`` / ``taesd_encoder.pth`` layouts and the model."""
    reference = _randomise(diffusers.AutoencoderTiny(latent_channels=latent_channels), seed)
    decoder, encoder = {}, {}
    for key, value in reference.state_dict().items():
        side, _, index, rest = key.split(".", 3)
        if side == "decoder":
            decoder[f"{int(index) + 1}.{rest}"] = value  # 0 is the weightless Clamp
        else:
            encoder[f"{index}.{rest}"] = value
    return decoder, encoder, reference


class TaesdBlock(nn.Module):
    """madebyollin/taesd ``taesd.py`` @5cccb12 ``Block``, with its optional pool branch."""

    def __init__(self, channels: int, pooled: bool) -> None:
        super().__init__()
        conv = [nn.Conv2d(channels, channels, 3, padding=1) for _ in range(3)]
        self.conv = nn.Sequential(conv[0], nn.ReLU(), conv[1], nn.ReLU(), conv[2])
        self.skip = nn.Identity()
        self.fuse = nn.ReLU()
        self.pool = None
        if pooled:
            wide = channels * 4
            self.pool = nn.Sequential(
                nn.Conv2d(channels, wide, 1, bias=False),
                nn.GroupNorm(4, wide),
                nn.ReLU(inplace=True),
                nn.Conv2d(wide, channels, 1, bias=False),
            )

    def forward(self, x):
        if self.pool is not None:
            x = x + self.pool(x)
        return self.fuse(self.conv(x) + self.skip(x))


class _Clamp(nn.Module):
    def forward(self, x):
        return torch.tanh(x / 3) * 3


def taef2_decoder(seed: int = 6) -> nn.Sequential:
    """TAEF2's decoder as madebyollin writes it: pooled blocks 3-5, output in [0, 1]."""
    c = 64

    def conv(n_in, n_out, bias=True):
        return nn.Conv2d(n_in, n_out, 3, padding=1, bias=bias)

    def up():
        return [nn.Upsample(scale_factor=2), conv(c, c, bias=False)]

    layers = [_Clamp(), conv(32, c), nn.ReLU()]
    layers += [TaesdBlock(c, True) for _ in range(3)] + up()
    layers += [TaesdBlock(c, False) for _ in range(3)] + up()
    layers += [TaesdBlock(c, False) for _ in range(3)] + up()
    layers += [TaesdBlock(c, False), conv(c, 3)]
    return _randomise(nn.Sequential(*layers), seed)


# ----------------------------------------------------------------------------- Wan


def wan_pair(family: str, seed: int = 7, real: bool = False) -> tuple[TensorDict, nn.Module]:
    """Wan 2.1 / Qwen-Image (``AutoencoderKLWan``/``QwenImage``) or Wan 2.2, original layout.

    Small by default; ``real`` gives the released models' widths (96, or 160/256).
    """
    common = {"dim_mult": [1, 2, 4, 4], "num_res_blocks": 2, "attn_scales": []}
    common["temperal_downsample"] = [False, True, True]
    if family == "wan2.2":
        cls = diffusers.AutoencoderKLWan
        widths = {"base_dim": 160, "decoder_base_dim": 256} if real else {"base_dim": 16}
        widths.setdefault("decoder_base_dim", 32)
        config = common | widths | {"z_dim": 48, "is_residual": True}
        config |= {"in_channels": 12, "out_channels": 12, "patch_size": 2}
        config |= {"scale_factor_spatial": 16}
    else:
        cls = (
            diffusers.AutoencoderKLQwenImage
            if family == "qwen-image"
            else diffusers.AutoencoderKLWan
        )
        config = common | {"base_dim": 96 if real else 16, "z_dim": 16}
    torch.manual_seed(seed)
    reference = _randomise(cls(**config), seed)
    return wan_to_original(reference.state_dict(), family), reference


def wan_to_original(sd: TensorDict, family: str) -> TensorDict:
    """diffusers ``AutoencoderKLWan`` names to the original ones ComfyUI loads."""
    rename = _wan22_original if family == "wan2.2" else _wan21_original
    return {rename(k): v for k, v in sd.items()}


def _wan_common(key: str) -> str | None:
    for new, old in _WAN_FIXED.items():
        if key.startswith(new):
            return old + key[len(new) :]
    match = re.match(r"^(encoder|decoder)\.mid_block\.(resnets|attentions)\.(\d)\.(.*)$", key)
    if match:
        side, kind, index, rest = match.groups()
        if kind == "attentions":
            return f"{side}.middle.1.{rest}"
        return f"{side}.middle.{2 * int(index)}.{_res(rest)}"
    return None


def _res(rest: str) -> str:
    for new, old in _RES.items():
        if rest.startswith(new):
            return old + rest[len(new) :]
    return rest


def _wan21_original(key: str) -> str:
    common = _wan_common(key)
    if common is not None:
        return common
    if key.startswith("encoder.down_blocks."):
        _, _, index, rest = key.split(".", 3)
        return f"encoder.downsamples.{index}.{_res(rest)}"
    match = re.match(r"^decoder\.up_blocks\.(\d+)\.(resnets\.(\d+)|upsamplers\.0)\.(.*)$", key)
    assert match, key
    level, _, resnet, rest = match.groups()
    index = 4 * int(level) + (int(resnet) if resnet is not None else 3)
    return f"decoder.upsamples.{index}.{_res(rest)}"


def _wan22_original(key: str) -> str:
    common = _wan_common(key)
    if common is not None:
        return common
    match = re.match(
        r"^(encoder|decoder)\.(down|up)_blocks\.(\d+)\.(resnets\.(\d+)|downsampler|upsampler)\.(.*)$",
        key,
    )
    assert match, key
    side, way, level, _, resnet, rest = match.groups()
    index = int(resnet) if resnet is not None else (2 if way == "down" else 3)
    return f"{side}.{way}samples.{level}.{way}samples.{index}.{_res(rest)}"


# ----------------------------------------------------------------------------- HunyuanImage


HUNYUAN_CONFIG = {
    "in_channels": 3,
    "out_channels": 3,
    "latent_channels": 64,
    "block_out_channels": (32, 32, 64, 64, 128, 128),
    "layers_per_block": 1,
    "spatial_compression_ratio": 32,
    "sample_size": 256,
}
_HY_ATTN = {"to_q.": "q.", "to_k.": "k.", "to_v.": "v.", "proj.": "proj_out.", "norm.": "norm."}


HUNYUAN_REAL = HUNYUAN_CONFIG | {
    "block_out_channels": (128, 256, 512, 512, 1024, 1024),
    "layers_per_block": 2,
}


def hunyuan_image_pair(seed: int = 8, real: bool = False) -> tuple[TensorDict, nn.Module]:
    """``AutoencoderKLHunyuanImage`` (small, or ``real``), and ComfyUI's nested layout of it."""
    config = HUNYUAN_REAL if real else HUNYUAN_CONFIG
    torch.manual_seed(seed)
    reference = _randomise(diffusers.AutoencoderKLHunyuanImage(**config), seed)
    return hunyuan_to_original(reference.state_dict(), config), reference


def hunyuan_to_original(sd: TensorDict, config: dict) -> TensorDict:
    """diffusers ``AutoencoderKLHunyuanImage`` names to ComfyUI's nested ones."""
    channels, resnets = config["block_out_channels"], config["layers_per_block"]
    depth = int(math.log2(config["spatial_compression_ratio"]))
    names = {
        "encoder": _nested("encoder.down", "downsample", len(channels), resnets, depth),
        "decoder": _nested("decoder.up", "upsample", len(channels), resnets + 1, depth),
    }
    return {_hunyuan_original(key, names): value for key, value in sd.items()}


def _nested(prefix: str, resampler: str, stages: int, resnets: int, depth: int) -> list[str]:
    """ComfyUI's name for each entry of diffusers' flat list, in order."""
    names = []
    for stage in range(stages):
        names += [f"{prefix}.{stage}.block.{j}" for j in range(resnets)]
        if stage < depth and stage != stages - 1:
            names.append(f"{prefix}.{stage}.{resampler}")
    return names


def _hunyuan_original(key: str, names: dict[str, list[str]]) -> str:
    match = re.match(r"^(encoder|decoder)\.(down|up)_blocks\.(\d+)\.(.*)$", key)
    if match:
        side, _, index, rest = match.groups()
        return f"{names[side][int(index)]}.{rest.replace('conv_shortcut.', 'nin_shortcut.')}"
    match = re.match(r"^(encoder|decoder)\.mid_block\.(resnets|attentions)\.(\d)\.(.*)$", key)
    if match:
        side, kind, index, rest = match.groups()
        if kind == "resnets":
            return f"{side}.mid.block_{int(index) + 1}.{rest}"
        head = next(old for new, old in _HY_ATTN.items() if rest.startswith(new))
        return f"{side}.mid.attn_1.{head}{rest.split('.', 1)[1]}"
    return key


# ----------------------------------------------------------------------------- Stable Cascade


def stage_a_pair(seed: int = 9, real: bool = False) -> tuple[TensorDict, nn.Module]:
    """``PaellaVQModel`` (small, or ``real``); the original names ``vquantizer.codebook``."""
    from diffusers.pipelines.deprecated.wuerstchen.modeling_paella_vq_model import PaellaVQModel

    torch.manual_seed(seed)
    small = {"bottleneck_blocks": 3, "embed_dim": 64, "num_vq_embeddings": 32}
    model = PaellaVQModel(**({} if real else small))
    reference = _randomise(model, seed)
    original = {
        k.replace("vquantizer.embedding.", "vquantizer.codebook."): v
        for k, v in reference.state_dict().items()
    }
    return original, reference


class PreviewerReference(nn.Module):
    """ComfyUI's ``Previewer``: ``blocks`` as given, output ``(blocks(x) - 0.5) * 2``."""

    def __init__(self, blocks: nn.Sequential) -> None:
        super().__init__()
        self.blocks = blocks

    def forward(self, x):
        return (self.blocks(x) - 0.5) * 2.0


def previewer_reference(c_in: int = 16, c_hidden: int = 64, seed: int = 10) -> PreviewerReference:
    """ComfyUI's ``Previewer``, its blocks written out layer by layer as stage_c_coder.py does."""
    h, h2, h4 = c_hidden, c_hidden // 2, c_hidden // 4
    layers = [
        nn.Conv2d(c_in, h, kernel_size=1), nn.GELU(), nn.BatchNorm2d(h),
        nn.Conv2d(h, h, kernel_size=3, padding=1), nn.GELU(), nn.BatchNorm2d(h),
        nn.ConvTranspose2d(h, h2, kernel_size=2, stride=2), nn.GELU(), nn.BatchNorm2d(h2),
        nn.Conv2d(h2, h2, kernel_size=3, padding=1), nn.GELU(), nn.BatchNorm2d(h2),
        nn.ConvTranspose2d(h2, h4, kernel_size=2, stride=2), nn.GELU(), nn.BatchNorm2d(h4),
        nn.Conv2d(h4, h4, kernel_size=3, padding=1), nn.GELU(), nn.BatchNorm2d(h4),
        nn.ConvTranspose2d(h4, h4, kernel_size=2, stride=2), nn.GELU(), nn.BatchNorm2d(h4),
        nn.Conv2d(h4, h4, kernel_size=3, padding=1), nn.GELU(), nn.BatchNorm2d(h4),
        nn.Conv2d(h4, 3, kernel_size=1),
    ]  # fmt: skip
    return _randomise(PreviewerReference(nn.Sequential(*layers)), seed)


# ----------------------------------------------------------------------------- DC-AE (Sana)


DCAE_SANA = {  # diffusers scripts/convert_dcae_to_diffusers.py "dc-ae-f32c32-sana-1.0", small
    "latent_channels": 32,
    "attention_head_dim": 8,
    "encoder_block_types": ("ResBlock", "ResBlock", "EfficientViTBlock", "EfficientViTBlock"),
    "decoder_block_types": ("ResBlock", "ResBlock", "EfficientViTBlock", "EfficientViTBlock"),
    "encoder_block_out_channels": (16, 32, 64, 64),
    "decoder_block_out_channels": (16, 32, 64, 64),
    "encoder_layers_per_block": (1, 1, 2, 2),
    "decoder_layers_per_block": (2, 1, 2, 2),
    "encoder_qkv_multiscales": ((), (), (5,), (5,)),
    "decoder_qkv_multiscales": ((), (), (5,), (5,)),
    "downsample_block_type": "conv",
    "upsample_block_type": "interpolate",
    "decoder_norm_types": "rms_norm",
    "decoder_act_fns": "silu",
    "scaling_factor": 0.41407,
}
DCAE_MIX = {  # the "-in-1.0"/"-mix-1.0" shape: depth-0 first stage, batch norms, pixel shuffles
    "latent_channels": 32,
    "encoder_block_types": ("ResBlock", "ResBlock", "EfficientViTBlock", "EfficientViTBlock"),
    "decoder_block_types": ("ResBlock", "ResBlock", "EfficientViTBlock", "EfficientViTBlock"),
    "encoder_block_out_channels": (16, 32, 64, 64),
    "decoder_block_out_channels": (16, 32, 64, 64),
    "encoder_layers_per_block": (0, 1, 2, 1),
    "decoder_layers_per_block": (0, 2, 1, 1),
    "encoder_qkv_multiscales": ((), (), (), ()),
    "decoder_qkv_multiscales": ((), (), (), ()),
    "decoder_norm_types": ("batch_norm", "batch_norm", "rms_norm", "rms_norm"),
    "decoder_act_fns": ("relu", "relu", "silu", "silu"),
}
DCAE_REAL = {  # the released dc-ae-f32c32-sana-1.0 (diffusers' conversion script)
    "latent_channels": 32,
    "encoder_block_types": ("ResBlock",) * 3 + ("EfficientViTBlock",) * 3,
    "decoder_block_types": ("ResBlock",) * 3 + ("EfficientViTBlock",) * 3,
    "encoder_block_out_channels": (128, 256, 512, 512, 1024, 1024),
    "decoder_block_out_channels": (128, 256, 512, 512, 1024, 1024),
    "encoder_layers_per_block": (2, 2, 2, 3, 3, 3),
    "decoder_layers_per_block": (3, 3, 3, 3, 3, 3),
    "encoder_qkv_multiscales": ((), (), (), (5,), (5,), (5,)),
    "decoder_qkv_multiscales": ((), (), (), (5,), (5,), (5,)),
    "downsample_block_type": "conv",
    "upsample_block_type": "interpolate",
    "decoder_norm_types": "rms_norm",
    "decoder_act_fns": "silu",
    "scaling_factor": 0.41407,
}
# diffusers names inside one block -> MIT Han Lab's (efficientvit dc_ae.py / nn/ops.py)
_DCAE_BLOCK = {
    "conv1.": "main.conv1.conv.",
    "conv2.": "main.conv2.conv.",
    "norm.": "main.conv2.norm.",
    "attn.to_qkv_multiscale.0.proj_in.": "context_module.main.aggreg.0.0.",
    "attn.to_qkv_multiscale.0.proj_out.": "context_module.main.aggreg.0.1.",
    "attn.norm_out.": "context_module.main.proj.norm.",
    "conv_out.conv_inverted.": "local_module.main.inverted_conv.conv.",
    "conv_out.conv_depth.": "local_module.main.depth_conv.conv.",
    "conv_out.conv_point.": "local_module.main.point_conv.conv.",
    "conv_out.norm.": "local_module.main.point_conv.norm.",
}


def dcae_pair(config: dict, seed: int = 14) -> tuple[TensorDict, nn.Module]:
    """``AutoencoderDC`` at ``config``, and MIT Han Lab's original layout of its weights.

    The renames invert diffusers' ``convert_autoencoder_dc_checkpoint_to_diffusers``;
    :func:`dcae_to_original` checks that diffusers' converter maps them straight back.
    """
    torch.manual_seed(seed)
    reference = _randomise(diffusers.AutoencoderDC(**config), seed)
    return dcae_to_original(reference.state_dict(), config), reference


def dcae_to_original(sd: TensorDict, config: dict) -> TensorDict:
    """diffusers ``AutoencoderDC`` names to the original single-file ones."""
    from diffusers.loaders.single_file_utils import convert_autoencoder_dc_checkpoint_to_diffusers

    conv_down = config.get("downsample_block_type") == "conv"
    original: TensorDict = {}
    for key, value in sd.items():
        if key.endswith(("attn.to_k.weight", "attn.to_v.weight")):
            continue
        if key.endswith("attn.to_q.weight"):
            head = key[: -len("to_q.weight")]
            fused = torch.cat([sd[f"{head}to_{x}.weight"] for x in "qkv"])
            value, key = fused[:, :, None, None], f"{head}qkv.weight"
        elif key.endswith("attn.to_out.weight"):
            value, key = value[:, :, None, None], key.replace("to_out.", "proj.")
        original[_dcae_original_name(key, conv_down)] = value
    back = convert_autoencoder_dc_checkpoint_to_diffusers(dict(original))
    assert back.keys() == sd.keys(), sorted(set(back) ^ set(sd))[:6]
    assert all(torch.equal(back[k].reshape(sd[k].shape), sd[k]) for k in sd)
    return original


def _dcae_original_name(key: str, conv_down: bool) -> str:
    fixed = {
        "encoder.conv_in.conv.": "encoder.project_in.conv.conv.",
        "encoder.conv_in.": "encoder.project_in.conv.",
        "encoder.conv_out.": "encoder.project_out.main.op_list.0.conv.",
        "decoder.conv_in.": "decoder.project_in.main.conv.",
        "decoder.norm_out.": "decoder.project_out.op_list.0.",
        "decoder.conv_out.conv.": "decoder.project_out.op_list.2.conv.conv.",
        "decoder.conv_out.": "decoder.project_out.op_list.2.conv.",
    }
    for new, old in fixed.items():
        if key.startswith(new):
            return old + key[len(new) :]
    match = re.match(r"^(encoder|decoder)\.(?:down|up)_blocks\.(\d+)\.(\d+)\.(.*)$", key)
    assert match, key
    side, stage, entry, rest = match.groups()
    head = f"{side}.stages.{stage}.op_list.{entry}."
    if rest.startswith("conv."):  # the stage's resampler
        plain = side == "encoder" and conv_down
        return head + ("main.conv." if plain else "main.conv.conv.") + rest[len("conv.") :]
    if rest in ("attn.qkv.weight", "attn.proj.weight"):
        return head + "context_module.main." + rest[len("attn.") : -len("weight")] + "conv.weight"
    for new, old in _DCAE_BLOCK.items():
        if rest.startswith(new):
            return head + old + rest[len(new) :]
    raise AssertionError(key)


# ----------------------------------------------------------------------------- HunyuanImage refiner


REFINER_CONFIG = {  # small, with the real structure: 3 spatial + 2 temporal upsamplers
    "latent_channels": 32,
    "block_out_channels": (16, 32, 64, 128),
    "layers_per_block": 1,
    "spatial_compression_ratio": 8,
    "temporal_compression_ratio": 4,
}
REFINER_REAL = {"latent_channels": 32}  # diffusers' defaults are the released model's


def refiner_pair(seed: int = 15, real: bool = False) -> tuple[TensorDict, nn.Module]:
    """``AutoencoderKLHunyuanImageRefiner`` and ComfyUI's ``vae_refiner.py`` names for it."""
    torch.manual_seed(seed)
    config = REFINER_REAL if real else REFINER_CONFIG
    reference = _randomise(diffusers.AutoencoderKLHunyuanImageRefiner(**config), seed)
    return refiner_to_original(reference.state_dict()), reference


def refiner_to_original(sd: TensorDict) -> TensorDict:
    """diffusers names to ComfyUI's (``refiner_vae=True``: wrapped convs, RMS ``gamma``)."""
    out = {}
    for key, value in sd.items():
        key = re.sub(r"\.(down|up)_blocks\.(\d+)\.resnets\.(\d+)\.", r".\1.\2.block.\3.", key)
        key = re.sub(r"\.(down|up)_blocks\.(\d+)\.(down|up)samplers\.0\.", r".\1.\2.\3sample.", key)
        key = key.replace(".mid_block.resnets.0.", ".mid.block_1.")
        key = key.replace(".mid_block.resnets.1.", ".mid.block_2.")
        key = key.replace(".mid_block.attentions.0.", ".mid.attn_1.")
        for new, old in (("to_q.", "q."), ("to_k.", "k."), ("to_v.", "v.")):
            key = key.replace(f".attn_1.{new}", f".attn_1.{old}")
        out[key.replace(".conv_shortcut.", ".nin_shortcut.conv.")] = value
    return out


# ----------------------------------------------------------------------------- TAESANA


def taesana_reference(latent: int = 32, seed: int = 16) -> tuple[nn.Sequential, nn.Sequential]:
    """madebyollin/taesd ``taesd.py`` @2a1b414 ``F32Decoder`` and ``F32Encoder``, written out.

    The decoder outputs [0, 1] and the encoder takes [0, 1], as madebyollin's do.
    """

    def conv(n_in, n_out, **kwargs):
        return nn.Conv2d(n_in, n_out, 3, padding=1, **kwargs)

    def blocks(c, n=3):
        return [TaesdBlock(c, False) for _ in range(n)]

    def up(c_in, c_out):
        return [nn.Upsample(scale_factor=2), conv(c_in, c_out, bias=False)]

    decoder = [_Clamp(), conv(latent, 256), nn.ReLU()]
    decoder += blocks(256) + up(256, 128) + blocks(128) + up(128, 64)
    decoder += blocks(64) + up(64, 64) + blocks(64) + up(64, 64) + blocks(64) + up(64, 64)
    decoder += blocks(64, 1) + [conv(64, 3)]
    encoder = [conv(3, 32, stride=2), nn.ReLU(), conv(32, 64, stride=2), nn.ReLU()]
    encoder += blocks(64, 1)
    for _ in range(3):
        encoder += [conv(64, 64, stride=2, bias=False), *blocks(64)]
    encoder += [conv(64, latent)]
    return (
        _randomise(nn.Sequential(*decoder), seed),
        _randomise(nn.Sequential(*encoder), seed + 1),
    )
