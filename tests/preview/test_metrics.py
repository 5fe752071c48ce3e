"""PSNR and SSIM: the definitions, checked against slow obvious versions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.preview.metrics import psnr, ssim


def _images(seed=0, shape=(24, 20, 3)):
    return np.random.default_rng(seed).random(shape)


def _ssim_by_loops(x: np.ndarray, y: np.ndarray) -> float:
    """Wang et al. 2004 per channel, one 11x11 Gaussian window at a time."""
    offsets = np.arange(11) - 5
    g = np.exp(-(offsets**2) / (2 * 1.5**2))
    window = np.outer(g, g) / np.outer(g, g).sum()
    c1, c2 = 0.01**2, 0.03**2
    scores = []
    for c in range(x.shape[2]):
        values = []
        for i in range(x.shape[0] - 10):
            for j in range(x.shape[1] - 10):
                a, b = x[i : i + 11, j : j + 11, c], y[i : i + 11, j : j + 11, c]
                ma, mb = (window * a).sum(), (window * b).sum()
                va = (window * (a - ma) ** 2).sum()
                vb = (window * (b - mb) ** 2).sum()
                cov = (window * (a - ma) * (b - mb)).sum()
                values.append(
                    ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma**2 + mb**2 + c1) * (va + vb + c2))
                )
        scores.append(np.mean(values))
    return float(np.mean(scores))


def test_identical_images_score_infinity_and_one():
    image = _images()
    assert psnr(image, image) == math.inf
    assert ssim(image, image) == 1.0


def test_psnr_is_ten_log_of_one_over_mse():
    image = np.zeros((4, 4, 3))
    shifted = image + 0.1
    assert psnr(image, shifted) == pytest.approx(20.0)


def test_ssim_equals_the_windowed_definition():
    x = _images(1)
    y = np.clip(x + np.random.default_rng(2).normal(0, 0.1, x.shape), 0, 1)
    assert ssim(x, y) == pytest.approx(_ssim_by_loops(x, y), abs=1e-9)


def test_more_noise_scores_lower():
    x = _images(3, (64, 64, 3))
    rng = np.random.default_rng(4)
    light = np.clip(x + rng.normal(0, 0.02, x.shape), 0, 1)
    heavy = np.clip(x + rng.normal(0, 0.2, x.shape), 0, 1)
    assert psnr(x, heavy) < psnr(x, light) < math.inf
    assert ssim(x, heavy) < ssim(x, light) < 1.0


def test_mismatched_shapes_are_an_error():
    with pytest.raises(ValueError):
        psnr(np.zeros((4, 4, 3)), np.zeros((4, 5, 3)))
    with pytest.raises(ValueError):
        ssim(np.zeros((8, 8, 3)), np.zeros((8, 8, 3)))
