"""The blocks compute what the textbook forms compute."""

from __future__ import annotations

import pytest
import torch

from app.preview.layers import AttnBlock, Upsample


def _randomise(module: torch.nn.Module, seed: int = 0) -> torch.nn.Module:
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for param in module.parameters():
            param.copy_(torch.randn(param.shape, generator=gen) * 0.1)
    return module.eval()


@pytest.mark.parametrize("channels_last", [False, True])
@pytest.mark.parametrize("size", [(5, 7), (8, 8)])
def test_phase_upsample_equals_interpolate_then_conv(channels_last, size):
    up = _randomise(Upsample(32))
    x = torch.randn(2, 32, *size, generator=torch.Generator().manual_seed(1))
    if channels_last:
        up = up.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        fast, plain = up(x), up.plain_forward(x)
    assert fast.shape == (2, 32, 2 * size[0], 2 * size[1])
    torch.testing.assert_close(fast, plain, rtol=0, atol=1e-5)
    assert fast.is_contiguous(memory_format=torch.channels_last) == channels_last


def test_phase_upsample_follows_weight_changes():
    up = _randomise(Upsample(32))
    x = torch.randn(1, 32, 4, 4)
    with torch.no_grad():
        first = up(x)
        up.conv.weight.mul_(2.0)
        second = up(x)
        torch.testing.assert_close(second, up.plain_forward(x), rtol=0, atol=1e-5)
    assert not torch.allclose(first, second)


def test_attention_equals_explicit_softmax_attention():
    attn = _randomise(AttnBlock(32))
    x = torch.randn(1, 32, 6, 5, generator=torch.Generator().manual_seed(2))
    with torch.inference_mode():
        ours = attn(x)
        h = attn.norm(x).flatten(2)  # (1, c, hw)
        q, k, v = (
            torch.einsum("oc,bcn->bno", m.weight[:, :, 0, 0], h) + m.bias
            for m in (attn.q, attn.k, attn.v)
        )
        weights = torch.softmax(q @ k.transpose(1, 2) / 32**0.5, dim=-1)
        mixed = (weights @ v).transpose(1, 2)  # (1, c, hw)
        out = torch.einsum("oc,bcn->bon", attn.proj_out.weight[:, :, 0, 0], mixed)
        reference = x + (out + attn.proj_out.bias[:, None]).view_as(x)
    torch.testing.assert_close(ours, reference, rtol=0, atol=1e-5)
