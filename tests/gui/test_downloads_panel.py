"""Get official VAEs: a download from a real local server, shown live on its card."""

from __future__ import annotations

import hashlib
import json

import pytest

from app.core.paths import app_paths
from tests.gui.conftest import wait_for, wait_idle
from tests.http_server import FaultServer

MIB = 1 << 20


@pytest.fixture
def server():
    with FaultServer() as live:
        yield live


@pytest.fixture
def registry_entry(server):
    """A user registry entry whose download address is the local server (throttled)."""
    data = server.add_file("/test-vae.safetensors", 3 * MIB)
    server.routes["/test-vae.safetensors"].rate = 1.5 * MIB  # slow enough to watch
    entry = {
        "id": "test-vae",
        "display_name": "Test VAE (local server)",
        "family": "sd1",
        "filename": "test-vae.safetensors",
        "url": server.url("/test-vae.safetensors"),
        "size_bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "description": "SD 1.x: a file served by the test server.",
    }
    path = app_paths().ensure().user_registry
    path.write_text(json.dumps([entry]), encoding="utf-8")
    return entry, data


def _open_card(window, qtbot, entry_id: str):
    window.show_panel(window.PANEL_GET)
    wait_for(
        qtbot, lambda: window.downloads.queue is not None and entry_id in window.get_vaes.cards
    )
    return window.get_vaes.cards[entry_id]


def test_download_updates_the_card_then_lands_verified(registry_entry, started_window, qtbot):
    entry, data = registry_entry
    window = started_window
    card = _open_card(window, qtbot, "test-vae")
    assert card.controls.buttons["download"].isVisibleTo(card)
    card.controls.buttons["download"].click()
    bar = card.controls.bar
    wait_for(qtbot, lambda: bar.isVisibleTo(card) and 0 < bar.value() < bar.maximum())
    assert "/s" in card.controls.numbers.text()  # speed and ETA are shown while it runs
    assert any(r.task.title.startswith("Downloading") for r in window.task_panel.rows)
    target = app_paths().library_dir / "VAE" / "test-vae.safetensors"
    wait_for(qtbot, lambda: target.exists(), timeout=60)
    assert target.read_bytes() == data
    wait_for(qtbot, lambda: "In your library" in card.controls.status.text())

    def cataloged():
        rows = [r for r in window.state.snapshot.vae_rows() if r.name == "test-vae.safetensors"]
        return rows[0] if rows and rows[0].entry.sha256 else None

    wait_for(qtbot, lambda: cataloged() is not None)  # rescanned and hashed after the download
    assert cataloged().badge.key == "official" and cataloged().entry.official_id == "test-vae"


def test_pause_and_resume_continue_the_partial_file(registry_entry, started_window, qtbot):
    entry, data = registry_entry
    window = started_window
    card = _open_card(window, qtbot, "test-vae")
    card.controls.buttons["download"].click()
    bar = card.controls.bar
    wait_for(qtbot, lambda: bar.value() > bar.maximum() // 10)
    card.controls.buttons["pause"].click()
    wait_for(qtbot, lambda: card.controls.buttons["resume"].isVisibleTo(card))
    view = window.downloads.job_for_entry("test-vae")
    assert view.state == "paused"
    card.controls.buttons["resume"].click()
    target = app_paths().library_dir / "VAE" / "test-vae.safetensors"
    wait_for(qtbot, lambda: target.exists(), timeout=60)
    assert target.read_bytes() == data
    wait_for(qtbot, lambda: window.downloads.job_for_entry("test-vae").result is not None)
    result = window.downloads.job_for_entry("test-vae").result
    assert result["resumed"] is True and result["verified"] is True


def test_a_pasted_url_downloads_into_the_library(server, started_window, qtbot):
    data = server.add_file("/custom/anime-vae.safetensors", MIB)
    window = started_window
    window.show_panel(window.PANEL_GET)
    wait_for(qtbot, lambda: window.downloads.queue is not None)
    window.get_vaes.url_edit.setText(server.url("/custom/anime-vae.safetensors"))
    window.get_vaes.url_button.click()
    target = app_paths().library_dir / "VAE" / "anime-vae.safetensors"
    wait_for(qtbot, lambda: target.exists(), timeout=60)
    assert target.read_bytes() == data
    wait_idle(qtbot, window)
    wait_for(qtbot, lambda: any(r.name == "anime-vae.safetensors"
                                for r in window.state.snapshot.rows))  # fmt: skip
