"""Which family's scale, shift and factors apply."""

from __future__ import annotations

import pytest

from app.core.errors import UserError
from app.preview.families import FLUX, SD1, SD3, SDXL, resolve_family


def test_published_scale_and_shift():
    assert (SD1.scale, SD1.shift) == (0.18215, 0.0)
    assert (SDXL.scale, SDXL.shift) == (0.13025, 0.0)
    assert (SD3.scale, SD3.shift) == (1.5305, 0.0609)
    assert (FLUX.scale, FLUX.shift) == (0.3611, 0.1159)
    assert SD3.rgb_factors[0] == (-0.0922, -0.0175, 0.0749)
    assert SD3.rgb_factors[-1] == (-0.1448, -0.1463, -0.1189)
    assert FLUX.rgb_factors[0] == (-0.0346, 0.0244, 0.0681)
    assert FLUX.rgb_factors[-1] == (-0.1262, -0.0982, -0.0778)


@pytest.mark.parametrize(
    ("override", "detected", "channels", "expected"),
    [
        ("auto", None, 4, ("sd1-or-sdxl", SD1)),
        ("auto", "sd1-or-sdxl", 4, ("sd1-or-sdxl", SD1)),
        ("auto", "sdxl", 4, ("sdxl", SDXL)),
        ("auto", "flux1", 16, ("flux1", FLUX)),
        ("auto", None, 16, ("sd3-or-flux1", SD3)),
        ("auto", "sdxl", 16, ("sd3-or-flux1", SD3)),  # a detection that contradicts shapes
        ("sd3", "flux1", 16, ("sd3", SD3)),  # the user's word wins
    ],
)
def test_resolution(override, detected, channels, expected):
    assert resolve_family(override, detected, channels) == expected


def test_override_must_match_the_channels():
    with pytest.raises(UserError, match="16 latent channels but family 'sdxl' uses 4"):
        resolve_family("sdxl", None, 16)
    with pytest.raises(UserError, match="Unknown family"):
        resolve_family("sd4", None, 4)
    with pytest.raises(UserError, match="8 latent channels"):
        resolve_family("auto", None, 8)
