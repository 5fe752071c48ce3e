"""The memory habits of the decode: inputs handed over are freed early, in-place norms are exact."""

from __future__ import annotations

import weakref

import pytest
import torch
import torch.nn.functional as F  # noqa: N812 - the usual torch alias

from app.preview.engine import VaeEngine, default_channels_last
from app.preview.layers import (
    Normalize,
    ResnetBlock,
    Upsample,
    is_channels_last,
    norm_silu,
    norm_silu_,
    pointwise,
    take,
)
from app.preview.model import run_handing_over
from tests.preview.conftest import CPU, latent


def _randomise(module: torch.nn.Module, seed: int = 0) -> torch.nn.Module:
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for param in module.parameters():
            param.copy_(torch.randn(param.shape, generator=gen) * 0.2)
    return module.eval().requires_grad_(False)


def _layout(x: torch.Tensor, channels_last: bool) -> torch.Tensor:
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x


def test_take_empties_the_list_it_was_handed():
    x = torch.ones(1)
    box = [x]
    assert take(box) is x and box == []
    assert take(x) is x


@pytest.mark.parametrize("channels_last", [False, True])
def test_in_place_norm_silu_equals_the_out_of_place_one(channels_last):
    norm = _randomise(Normalize(64))
    x = _layout(
        torch.randn(2, 64, 9, 7, generator=torch.Generator().manual_seed(1)) * 3 + 1, channels_last
    )
    expected = F.silu(F.group_norm(x, 32, norm.weight, norm.bias, norm.eps))
    assert torch.equal(norm_silu(norm, x), expected)
    target = x.clone()
    result = norm_silu_(norm, target)
    assert result.data_ptr() == target.data_ptr()  # written over its input
    torch.testing.assert_close(result, expected, rtol=0, atol=1e-6)


@pytest.mark.parametrize("channels_last", [False, True])
def test_pointwise_conv_equals_the_conv(channels_last):
    conv = _randomise(torch.nn.Conv2d(64, 32, 1))
    x = _layout(torch.randn(2, 64, 5, 6), channels_last)
    out = pointwise(conv, x)
    torch.testing.assert_close(out, conv(x), rtol=0, atol=1e-5)
    assert is_channels_last(out) == channels_last


@pytest.mark.parametrize("channels_last", [False, True])
@pytest.mark.parametrize("channels", [(64, 32), (32, 32)], ids=["shortcut-conv", "identity"])
def test_a_block_handed_its_input_computes_the_same_and_leaves_others_inputs_alone(
    channels_last, channels
):
    block = _randomise(ResnetBlock(*channels))
    x = _layout(
        torch.randn(1, channels[0], 6, 6, generator=torch.Generator().manual_seed(2)), channels_last
    )
    kept = x.clone()
    with torch.inference_mode():
        plain = block(x)
        handed = block([x.clone()])
    assert torch.equal(x, kept)  # not handed over: never written to
    torch.testing.assert_close(handed, plain, rtol=0, atol=1e-5)


def test_a_shortcut_block_normalizes_its_handed_input_in_place_and_frees_it_after_conv1():
    """The wide input (256 channels at full resolution in SD): never copied, gone after use."""
    block = _randomise(ResnetBlock(64, 32))
    x = torch.randn(1, 64, 8, 8)
    ref, storage = weakref.ref(x), x.data_ptr()
    conv1_inputs: list[int] = []
    alive_at_norm2: list[bool] = []
    block.conv1.register_forward_pre_hook(lambda _m, args: conv1_inputs.append(args[0].data_ptr()))
    block.norm2.register_forward_pre_hook(
        lambda _m, _args: alive_at_norm2.append(ref() is not None)
    )
    with torch.inference_mode():
        box = [x]
        del x
        block(box)
    assert conv1_inputs == [storage] and alive_at_norm2 == [False]


def test_a_block_given_a_plain_tensor_keeps_it_and_copies_before_normalizing():
    block = _randomise(ResnetBlock(64, 32))
    x = torch.randn(1, 64, 8, 8)
    conv1_inputs: list[int] = []
    block.conv1.register_forward_pre_hook(lambda _m, args: conv1_inputs.append(args[0].data_ptr()))
    with torch.inference_mode():
        block(x)
    assert conv1_inputs and conv1_inputs[0] != x.data_ptr()


def test_run_handing_over_passes_each_step_the_only_reference():
    counts: list[int] = []

    class Step(torch.nn.Module):
        def forward(self, box):
            assert isinstance(box, list) and len(box) == 1
            x = take(box)
            counts.append(len(box))
            return x + 1

    out = run_handing_over(iter([Step(), Step(), Step()]), torch.zeros(2))
    assert torch.equal(out, torch.full((2,), 3.0)) and counts == [0, 0, 0]


def test_upsample_works_with_weights_made_under_inference_mode():
    """Inference tensors have no version counter; the derived-kernel cache must not need one."""
    with torch.inference_mode():
        up = _randomise(Upsample(32))
        x = torch.randn(1, 32, 4, 4)
        for channels_last in (False, True):
            y = _layout(x, channels_last)
            torch.testing.assert_close(up(y), up.plain_forward(y), rtol=0, atol=1e-4)


def test_layout_defaults_nhwc_on_cpu_only():
    assert default_channels_last(CPU) is True
    assert default_channels_last(torch.device("cuda")) is False
    assert default_channels_last(torch.device("mps")) is False


def test_nhwc_and_nchw_decodes_agree(small_sd):
    z = latent(size=8)
    nhwc = VaeEngine(small_sd, CPU).decode(z, dtype=torch.float32, tile="off").tensor
    nchw = VaeEngine(small_sd, CPU, channels_last=False).decode(z, dtype=torch.float32, tile="off")
    assert nhwc.is_contiguous()  # handed back in the plain layout whatever ran inside
    torch.testing.assert_close(nhwc, nchw.tensor, rtol=0, atol=1e-4)
