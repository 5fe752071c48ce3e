"""Get official VAEs groups the registry by VAE family, image families first."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from tests.gui.conftest import wait_for


def test_cards_are_grouped_under_family_headings(started_window, qtbot):
    window = started_window
    window.show_panel(window.PANEL_GET)
    wait_for(qtbot, lambda: "wan2.1-vae" in window.get_vaes.cards)
    texts = [w.text() for w in window.get_vaes.body.findChildren(QLabel)]
    for name in ("SDXL", "FLUX.2", "Wan 2.1", "Stable Cascade stage A", "TAEHV"):
        assert name in texts, name
    assert texts.index("SDXL") < texts.index("FLUX.2") < texts.index("Wan 2.1")
    card = window.get_vaes.cards["wan2.2-vae"]
    assert any("Wan 2.2 TI2V 5B" in w.text() for w in card.findChildren(QLabel))
