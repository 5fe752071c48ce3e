"""The test card is the app's own drawing: the same pixels on every run, text drawn by Pillow."""

from __future__ import annotations

import numpy as np
import pytest

from app.preview.images import read_image, to_uint8, write_png
from app.preview.testcard import card_digest, make_test_card


def test_same_bytes_twice_and_the_digest_follows_the_pixels():
    first, second = make_test_card(), make_test_card()
    assert first.shape == (512, 512, 3) and first.dtype == np.uint8
    assert first.tobytes() == second.tobytes()
    assert card_digest(first) == card_digest(second)
    changed = first.copy()
    changed[0, 0, 0] ^= 1
    assert card_digest(changed) != card_digest(first)


def test_card_holds_what_a_vae_must_reproduce():
    card = make_test_card().astype(int)
    assert len(np.unique(card.reshape(-1, 3), axis=0)) > 500  # gradients and colours
    title = card[396:420, 16:300]  # the 24 px title: white anti-aliased strokes on grey
    assert (title == 255).all(axis=2).sum() > 300
    edges = title[(title.min(axis=2) > 128) & (title.max(axis=2) < 255)]
    assert len(edges) > 50  # anti-aliased, as text in generated images is
    small = card[484:496, 16:140]  # the 8 px line
    assert (small.min(axis=2) > 160).sum() > 20
    fine = card[150 + 4 : 150 + 70, 268:292, 0]  # 2-px period vertical lines
    assert set(np.unique(fine)) == {0, 255}
    eye = card[252, 90]  # left eye: the pupil is black, the white is white
    assert tuple(eye) == (0, 0, 0)


@pytest.mark.parametrize("size", [128, 256, 1024])
def test_other_sizes_scale_the_layout(size, tmp_path):
    card = make_test_card(size)
    assert card.shape == (size, size, 3)
    write_png(tmp_path / "card.png", card)
    assert np.array_equal(to_uint8(read_image(tmp_path / "card.png").rgb), card)


def test_bad_sizes_are_rejected():
    with pytest.raises(ValueError):
        make_test_card(100)
    with pytest.raises(ValueError):
        make_test_card(120)
