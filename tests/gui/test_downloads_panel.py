"""Get official VAEs: a download from a real local server, shown live on its card."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import pytest

import app.core.catalog.ingest
import app.core.downloads.downloader
import app.core.hashing.hasher
from app.core.paths import app_paths
from app.gui.tasks import Lane
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


@pytest.fixture
def hash_file_calls(monkeypatch) -> list[Path]:
    """Every file the app hashes from disk from now on (the real hash_file, observed)."""
    calls: list[Path] = []
    real = app.core.hashing.hasher.hash_file

    def observed(path, *args, **kwargs):
        calls.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(app.core.hashing.hasher, "hash_file", observed)
    monkeypatch.setattr(app.core.catalog.ingest, "hash_file", observed)
    monkeypatch.setattr(app.core.downloads.downloader, "hash_file", observed)
    return calls


def test_download_updates_the_card_then_lands_verified(
    registry_entry, started_window, qtbot, hash_file_calls
):
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

    wait_for(qtbot, lambda: cataloged() is not None)  # cataloged from the streamed hashes
    row = cataloged()
    assert row.badge.key == "official" and row.entry.official_id == "test-vae"
    result = window.downloads.job_for_entry("test-vae").result
    assert row.entry.sha256 == result["sha256"] == hashlib.sha256(data).hexdigest()
    assert row.entry.blake3 == result["blake3"] and row.entry.autov1 == result["autov1"]
    wait_idle(qtbot, window)
    assert hash_file_calls == []  # the downloaded bytes were read once, while they streamed


@pytest.fixture
def file_writes(monkeypatch) -> list[tuple[str, str, bool]]:
    """From now on, every file opened for writing, synced or renamed: (call, path, GUI thread).

    The real os calls, observed where every writer of the app goes through them.
    """
    writes: list[tuple[str, str, bool]] = []

    def record(name: str, path: object) -> None:
        on_gui = threading.current_thread() is threading.main_thread()
        writes.append((name, str(path), on_gui))

    real_open, real_fsync = os.open, os.fsync
    real_replace, real_rename = os.replace, os.rename

    def opened(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            record("open", path)
        return real_open(path, flags, *args, **kwargs)

    def synced(fd):
        record("fsync", fd)
        return real_fsync(fd)

    def replaced(src, dst, *args, **kwargs):
        record("replace", dst)
        return real_replace(src, dst, *args, **kwargs)

    def renamed(src, dst, *args, **kwargs):
        record("rename", dst)
        return real_rename(src, dst, *args, **kwargs)

    for name, call in (("open", opened), ("fsync", synced), ("replace", replaced),
                       ("rename", renamed)):  # fmt: skip
        monkeypatch.setattr(os, name, call)
    return writes


def test_pause_resume_and_cancel_write_no_file_on_the_gui_thread(
    registry_entry, started_window, qtbot, request
):
    """The queue file is still written, by a worker: observed at the os level."""
    window = started_window
    card = _open_card(window, qtbot, "test-vae")
    card.controls.buttons["download"].click()
    bar = card.controls.bar
    wait_for(qtbot, lambda: bar.value() > bar.maximum() // 10)
    writes = request.getfixturevalue("file_writes")  # from here on

    job_id = window.downloads.job_for_entry("test-vae").id
    jobs_on_lanes = [t for t in window.runner.active_tasks() if t.lane is Lane.NET]
    assert [t.shown_as for t in jobs_on_lanes] == [window.downloads.items[job_id]]
    assert f"download-{job_id}" not in {t.name for t in threading.enumerate()}  # no own thread

    def state() -> str:
        return window.downloads.job_for_entry("test-vae").state

    card.controls.buttons["pause"].click()
    wait_for(qtbot, lambda: state() == "paused")
    card.controls.buttons["resume"].click()
    wait_for(qtbot, lambda: state() == "running")
    card.controls.buttons["pause"].click()
    wait_for(qtbot, lambda: state() == "paused")
    window.downloads.cancel(job_id)  # a paused job: the queue records it at once
    assert state() == "cancelled"
    wait_idle(qtbot, window)
    assert [w for w in writes if w[2]] == []  # nothing written or synced on the GUI thread
    queue_file = app_paths().data_dir / "downloads.json"
    assert any(Path(path).name == queue_file.name for _, path, _ in writes)  # by a worker
    stored = json.loads(queue_file.read_text(encoding="utf-8"))["jobs"]
    assert [(j["id"], j["state"]) for j in stored] == [(job_id, "cancelled")]


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
