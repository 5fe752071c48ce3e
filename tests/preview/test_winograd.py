"""Winograd F(2x2, 3x3) equals the direct convolution, and runs only where it pays off."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F  # noqa: N812 - the usual torch alias

from app.preview import winograd
from app.preview.layers import Conv3x3


def _conv(cin: int, cout: int, seed: int = 0) -> Conv3x3:
    conv = Conv3x3(cin, cout).eval().requires_grad_(False)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        conv.weight.copy_(torch.randn(conv.weight.shape, generator=gen) * 0.05)
        conv.bias.copy_(torch.randn(conv.bias.shape, generator=gen))
    return conv.to(memory_format=torch.channels_last)


def _nhwc(*shape: int, seed: int = 1) -> torch.Tensor:
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(seed))
    return x.contiguous(memory_format=torch.channels_last)


@pytest.mark.parametrize("strip", [None, 1, 3], ids=["one-strip", "strips-of-1", "ragged"])
@pytest.mark.parametrize(("cin", "cout", "size"), [(256, 256, (6, 10)), (512, 256, (4, 4))])
def test_winograd_equals_the_direct_convolution(monkeypatch, strip, cin, cout, size):
    conv = _conv(cin, cout)
    x = _nhwc(1, cin, *size)
    if strip is not None:  # force strips of that many tile rows
        monkeypatch.setattr(winograd, "STRIP_ELEMENTS", strip * (size[1] // 2) * cin)
    assert winograd.applies(conv, x)
    with torch.inference_mode():
        fast = conv(x)
        exact = F.conv2d(x.double(), conv.weight.double(), conv.bias.double(), padding=1)
        direct = F.conv2d(x, conv.weight, conv.bias, padding=1)
    assert fast.shape == direct.shape and fast.is_contiguous(memory_format=torch.channels_last)
    error, direct_error = float((fast - exact).abs().max()), float((direct - exact).abs().max())
    assert error < 1e-4 and error <= 4 * direct_error + 1e-6  # rounds like the direct form


def test_winograd_without_bias():
    conv = _conv(256, 256)
    x = _nhwc(1, 256, 4, 6)
    kernel = winograd.transformed_kernel(conv.weight)
    with torch.inference_mode():
        fast = winograd.conv3x3(x, kernel, None)
        direct = F.conv2d(x, conv.weight, None, padding=1)
    torch.testing.assert_close(fast, direct, rtol=0, atol=1e-4)


def test_winograd_follows_weight_changes():
    conv = _conv(256, 256)
    x = _nhwc(1, 256, 4, 4)
    with torch.no_grad():
        first = conv(x)
        conv.weight.mul_(2.0)
        second = conv(x)
        torch.testing.assert_close(
            second, F.conv2d(x, conv.weight, conv.bias, padding=1), rtol=0, atol=1e-4
        )
    assert not torch.allclose(first, second)


def test_winograd_runs_only_where_it_pays_off():
    wide, narrow = _conv(256, 256), _conv(128, 128)
    x = _nhwc(1, 256, 4, 4)
    assert winograd.applies(wide, x)
    assert not winograd.applies(narrow, _nhwc(1, 128, 4, 4))  # narrow layers: direct is faster
    assert not winograd.applies(wide, x.contiguous())  # NCHW: oneDNN's own path
    assert not winograd.applies(wide, _nhwc(1, 256, 5, 4))  # odd sides: no 2x2 tiling
    assert not winograd.applies(wide, x.half())  # fp32 only
    assert not winograd.applies(wide, x.to("meta"))  # CPU only (GPUs keep cuDNN)


def test_strips_on_threads_equal_strips_in_turn_and_the_thread_count_is_restored(monkeypatch):
    conv = _conv(256, 256)
    x = _nhwc(1, 256, 8, 4)
    kernel = winograd.transformed_kernel(conv.weight)
    monkeypatch.setattr(winograd, "STRIP_ELEMENTS", 2 * 256)  # 1 tile row per strip: 4 strips
    threads = torch.get_num_threads()
    try:
        with torch.inference_mode():
            torch.set_num_threads(1)
            in_turn = winograd.conv3x3(x, kernel, conv.bias)
            torch.set_num_threads(2)
            side_by_side = winograd.conv3x3(x, kernel, conv.bias)
            assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(threads)
    assert torch.equal(in_turn, side_by_side)
