"""Round-trip quality numbers: PSNR and SSIM against the source image.

SSIM follows Wang et al. (2004): an 11x11 Gaussian window with sigma 1.5,
K1 = 0.01, K2 = 0.03, data range 1, 'valid' filtering (no padding). It is
computed on each RGB channel separately and the three mean SSIMs are
averaged (the per-channel mean, as scikit-image's ``channel_axis`` does), so
colour shifts count, not only luma.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

SSIM_WINDOW = 11
SSIM_SIGMA = 1.5
K1, K2 = 0.01, 0.03


def psnr(reference: np.ndarray, test: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB for images in [0, 1]; inf when identical."""
    a, b = _pair(reference, test)
    mse = float(np.mean((a - b) ** 2))
    return math.inf if mse == 0.0 else 10.0 * math.log10(1.0 / mse)


def ssim(reference: np.ndarray, test: np.ndarray) -> float:
    """Mean SSIM over RGB channels for (H, W, 3) images in [0, 1]; 1.0 when identical."""
    a, b = _pair(reference, test)
    if a.ndim == 2:
        a, b = a[:, :, None], b[:, :, None]
    if min(a.shape[:2]) < SSIM_WINDOW:
        raise ValueError(f"SSIM needs images of at least {SSIM_WINDOW}x{SSIM_WINDOW} pixels")
    return float(np.mean([_ssim_channel(a[:, :, c], b[:, :, c]) for c in range(a.shape[2])]))


def _ssim_channel(x: np.ndarray, y: np.ndarray) -> float:
    c1, c2 = K1**2, K2**2
    mu_x, mu_y = _blur(x), _blur(y)
    var_x = _blur(x * x) - mu_x * mu_x
    var_y = _blur(y * y) - mu_y * mu_y
    cov = _blur(x * y) - mu_x * mu_y
    numerator = (2 * mu_x * mu_y + c1) * (2 * cov + c2)
    denominator = (mu_x * mu_x + mu_y * mu_y + c1) * (var_x + var_y + c2)
    return float(np.mean(numerator / denominator))


def _gaussian() -> np.ndarray:
    offsets = np.arange(SSIM_WINDOW, dtype=np.float64) - (SSIM_WINDOW - 1) / 2
    weights = np.exp(-(offsets**2) / (2 * SSIM_SIGMA**2))
    return weights / weights.sum()


def _blur(image: np.ndarray) -> np.ndarray:
    """Separable Gaussian filter, 'valid' region only."""
    kernel = _gaussian()
    rows = sliding_window_view(image, SSIM_WINDOW, axis=0) @ kernel
    return sliding_window_view(rows, SSIM_WINDOW, axis=1) @ kernel


def _pair(reference: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(reference, np.float64), np.asarray(test, np.float64)
    if a.shape != b.shape:
        raise ValueError(f"images differ in shape: {a.shape} vs {b.shape}")
    return a, b
