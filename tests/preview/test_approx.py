"""The weight-free latent preview uses each family's published factors."""

from __future__ import annotations

import numpy as np
import pytest

from app.preview.approx import latent_to_rgb
from app.preview.families import FLUX, SD1, SD3, SDXL


def test_sd1_pixel_by_hand():
    raw = np.zeros((4, 1, 1), np.float32)
    raw[0, 0, 0] = 1.0 / 0.18215  # model space value 1 in channel 0 only
    rgb = latent_to_rgb(raw, "sd1")
    expected = (np.array([0.3512, 0.2297, 0.3227]) + 1) / 2
    np.testing.assert_allclose(rgb[0, 0], expected, rtol=1e-5)


def test_sdxl_uses_its_bias_and_scaled_input_skips_scaling():
    rgb = latent_to_rgb(np.zeros((1, 4, 2, 3), np.float32), "sdxl", scaled=True, upscale=8)
    assert rgb.shape == (16, 24, 3)
    np.testing.assert_allclose(rgb[5, 7], (np.array(SDXL.rgb_bias) + 1) / 2, rtol=1e-6)


@pytest.mark.parametrize("family", [SD3, FLUX])
def test_sixteen_channel_families_undo_the_shift(family):
    raw = np.full((16, 1, 1), family.shift, np.float32)  # model-space zero
    rgb = latent_to_rgb(raw, family.name)
    np.testing.assert_allclose(rgb[0, 0], (np.array(family.rgb_bias) + 1) / 2, atol=1e-6)
    assert len(family.rgb_factors) == 16


def test_ambiguous_or_mismatched_input_gives_none():
    assert latent_to_rgb(np.zeros((16, 2, 2)), "sd3-or-flux1") is None
    assert latent_to_rgb(np.zeros((16, 2, 2)), "sd1") is None
    assert latent_to_rgb(np.zeros((4, 2, 2)), "unknown") is None
    ambiguous = latent_to_rgb(np.ones((4, 2, 2)), "sd1-or-sdxl")
    np.testing.assert_array_equal(ambiguous, latent_to_rgb(np.ones((4, 2, 2)), SD1))


def test_output_is_clamped():
    rgb = latent_to_rgb(np.full((4, 2, 2), 1e4, np.float32), "sd1")
    assert rgb.min() >= 0.0 and rgb.max() <= 1.0
