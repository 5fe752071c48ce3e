"""The test card is the app's own drawing, identical to the byte every time."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from app.preview.png import decode_png, encode_png
from app.preview.testcard import make_test_card

# sha256 of make_test_card(512).tobytes(); change TEST_CARD_VERSION with the drawing.
CARD_512_SHA256 = "abec6a6e0ea2b9eed6bee69f1690445591523c7d8907d2326552614408ce7932"


def test_same_bytes_twice_and_pinned():
    first, second = make_test_card(), make_test_card()
    assert first.shape == (512, 512, 3) and first.dtype == np.uint8
    assert first.tobytes() == second.tobytes()
    assert encode_png(first) == encode_png(second)
    assert hashlib.sha256(first.tobytes()).hexdigest() == CARD_512_SHA256


def test_card_holds_what_a_vae_must_reproduce():
    card = make_test_card().astype(int)
    assert len(np.unique(card.reshape(-1, 3), axis=0)) > 500  # gradients and colours
    text_row = card[398:419, 16:400]  # the 3x title: white strokes on grey
    assert (text_row == 255).all(axis=2).sum() > 500
    fine = card[150 + 4 : 150 + 70, 268:292, 0]  # 2-px period vertical lines
    assert set(np.unique(fine)) == {0, 255}
    eye = card[252, 90]  # left eye: the pupil is black, the white is white
    assert tuple(eye) == (0, 0, 0)


@pytest.mark.parametrize("size", [128, 256, 1024])
def test_other_sizes_scale_the_layout(size):
    card = make_test_card(size)
    assert card.shape == (size, size, 3)
    assert np.array_equal(decode_png(encode_png(card)), card)


def test_bad_sizes_are_rejected():
    with pytest.raises(ValueError):
        make_test_card(100)
