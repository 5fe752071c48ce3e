"""Every download state has its own look, actions and a plain sentence (real queue, real server)."""

from __future__ import annotations

import hashlib
import json

import pytest

from app.core.downloads import DownloadQueue
from app.core.downloads.downloader import Downloader
from app.core.downloads.queue import JobView
from app.core.downloads.records import DownloadProgress, DownloadSpec
from app.core.downloads.transfer import Tuning
from app.core.paths import app_paths
from app.gui.download_messages import (
    CANCEL,
    DISCARD,
    DOWNLOAD,
    FAILED,
    PAUSE,
    RESUME,
    RETRY,
    SETTINGS,
    cause_of,
    look_for,
)
from app.gui.downloads_service import DownloadItem
from tests.gui.conftest import wait_for, wait_idle
from tests.http_server import Fault, FaultServer

MIB = 1 << 20
# What the core wrote for a machine without DNS (the text users saw before this change).
NO_DNS = (
    "vae-ft-mse-840000-ema-pruned.safetensors: download failed after 6 tries (connection "
    "problem: HTTPSConnectionPool(host='huggingface.co', port=443): Max retries exceeded with "
    "url: /stabilityai/sd-vae-ft-mse-original/resolve/main/vae.safetensors (Caused by "
    'NameResolutionError("<urllib3.connection.HTTPSConnection object at 0x7f3c>: Failed to '
    "resolve 'huggingface.co' ([Errno -3] Temporary failure in name resolution)\")); the "
    "partial file is kept, resume it later"
)
HF_URL = "https://huggingface.co/stabilityai/sd-vae-ft-mse-original/resolve/main/vae.safetensors"


@pytest.fixture
def server():
    with FaultServer() as live:
        yield live


def _entry(server, path: str, data: bytes, entry_id: str = "test-vae") -> dict:
    return {
        "id": entry_id,
        "display_name": f"Test VAE {entry_id}",
        "family": "sd1",
        "filename": f"{entry_id}.safetensors",
        "url": server.url(path) if server is not None else path,
        "size_bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "description": "SD 1.x: a file served by the test server.",
    }


def _window_with(make_window, qtbot, *entries: dict):
    """A started window whose registry holds ``entries`` (written before it opens)."""
    path = app_paths().ensure().user_registry
    path.write_text(json.dumps(list(entries)), encoding="utf-8")
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    return window


def _fast_queue(window) -> DownloadQueue:
    """The real queue and downloader, with retries that wait milliseconds instead of a minute."""
    tuning = Tuning(
        max_attempts=2, backoff_base=0.05, backoff_cap=0.1, connect_timeout=5.0, fsync=False
    )
    window.downloads.queue = DownloadQueue(downloader=Downloader(tuning=tuning))
    return window.downloads.queue


def _card(window, qtbot, entry_id: str):
    window.show_panel(window.PANEL_GET)
    wait_for(qtbot, lambda: entry_id in window.get_vaes.cards)
    return window.get_vaes.cards[entry_id]


def _shown(controls) -> set[str]:
    return {key for key, button in controls.buttons.items() if button.isVisibleTo(controls)}


def _view(
    state: str,
    *,
    error: str | None = None,
    progress: DownloadProgress | None = None,
    url: str = HF_URL,
) -> JobView:
    spec = DownloadSpec(
        url=url, dest_dir=app_paths().library_dir, filename="vae.safetensors", expected_size=3 * MIB
    )
    return JobView("job1", spec, state, progress, error, None)


def test_each_state_has_its_own_look_and_actions() -> None:
    half = DownloadProgress("vae.safetensors", MIB, 3 * MIB, 2e6, 1.0)
    unknown = DownloadProgress("vae.safetensors", MIB, None, 2e6, None)
    looks = {
        "none": look_for(None),
        "queued": look_for(_view("queued")),
        "running": look_for(_view("running", progress=half)),
        "running, size unknown": look_for(_view("running", progress=unknown)),
        "paused": look_for(_view("paused", progress=half)),
        "interrupted": look_for(_view("interrupted")),
        "cancelled, partial kept": look_for(_view("cancelled", progress=half)),
        "failed (no DNS)": look_for(_view("failed", error=NO_DNS, progress=half)),
        "refused (404)": look_for(_view("failed", error=f"not found (404 Not Found): {HF_URL}")),
        "refused (token)": look_for(
            _view(
                "failed",
                error="this file needs an access token: set it in settings (401 Unauthorized: x)",
            )
        ),
        "finished": look_for(_view("done"), present=True),
    }
    actions = {name: set(look.actions) for name, look in looks.items()}
    assert actions == {
        "none": {DOWNLOAD},
        "queued": {PAUSE, CANCEL},
        "running": {PAUSE, CANCEL},
        "running, size unknown": {PAUSE, CANCEL},
        "paused": {RESUME, DISCARD},
        "interrupted": {RESUME, DISCARD},
        "cancelled, partial kept": {RESUME, DISCARD},
        "failed (no DNS)": {RETRY, DISCARD},
        "refused (404)": {DISCARD},
        "refused (token)": {SETTINGS, DISCARD},
        "finished": set(),
    }
    busy = {name for name, look in looks.items() if look.busy}
    assert busy == {"running, size unknown"}  # the only animated bar: moving, size unknown
    assert not looks["failed (no DNS)"].show_bar and not looks["refused (404)"].show_bar
    assert len({look.state for look in looks.values()}) == 8
    dns = looks["failed (no DNS)"]
    assert dns.state == FAILED
    assert dns.message.startswith(
        "Cannot reach huggingface.co: check the connection or set a mirror."
    )
    assert "HTTPSConnectionPool" not in dns.message and "HTTPSConnectionPool" in dns.details
    assert "1.0 MiB" in dns.message  # what was kept
    assert "huggingface.co" in looks["refused (404)"].message


def test_plain_sentences_for_what_the_core_reports() -> None:
    cases = {
        "the server answered 503 Service Unavailable": ("busy", False),
        "x: download failed after 6 tries (the server refused the connection); keep": (
            "Cannot connect",
            False,
        ),
        "x.safetensors: the downloaded file does not match the registry (SHA-256 0123456789…, "
        "expected abcdef0123…); it was kept aside as x.safetensors.quarantined-0123456789 and "
        "not installed": ("x.safetensors.quarantined-0123456789", True),
        "the access token was refused (403 Forbidden) for x: check the token": ("token", True),
        "the disk is full while writing /d/x.part; free some space and resume": ("disk", False),
        "the redirect target must be an https:// address, got 'file:///etc/passwd'": (
            "redirect target",
            True,
        ),
    }
    for error, (words, refused) in cases.items():
        cause = cause_of(error, HF_URL)
        assert words in cause.message, error
        assert cause.refused is refused, error
        assert cause.message[0].isupper()


def test_a_missing_file_is_refused_without_busy_bar_or_resume(server, make_window, qtbot):
    window = _window_with(make_window, qtbot, _entry(server, "/gone.safetensors", b"x" * 1000))
    _fast_queue(window)
    card = _card(window, qtbot, "test-vae")
    card.controls.buttons[DOWNLOAD].click()
    wait_for(qtbot, lambda: card.controls.look.state == "refused", timeout=30)
    controls = card.controls
    assert _shown(controls) == {DISCARD}
    assert not controls.bar.isVisibleTo(card)
    assert controls.status.text().startswith("Not found on 127.0.0.1")
    assert "404" in controls.status.toolTip()  # the core's own words stay one hover away
    wait_for(qtbot, lambda: "stopped" in window.statusBar().currentMessage())
    controls.buttons[DISCARD].click()  # Discard forgets it: Download is offered again
    wait_for(qtbot, lambda: _shown(card.controls) == {DOWNLOAD})


def test_a_host_without_dns_fails_in_plain_words(make_window, qtbot):
    window = _window_with(
        make_window,
        qtbot,
        _entry(None, "https://vae-manager-test.invalid/vae.safetensors", b"x" * 10),
    )
    _fast_queue(window)
    card = _card(window, qtbot, "test-vae")
    card.controls.buttons[DOWNLOAD].click()
    wait_for(qtbot, lambda: card.controls.look.state == FAILED, timeout=60)
    assert card.controls.status.text().startswith(
        "Cannot reach vae-manager-test.invalid: check the connection or set a mirror."
    )
    assert _shown(card.controls) == {RETRY, DISCARD}
    assert not card.controls.bar.isVisibleTo(card)
    assert "Failed: " not in card.controls.status.text()


def test_a_dropping_connection_fails_and_try_again_continues(server, make_window, qtbot):
    data = server.add_file("/vae.safetensors", MIB)
    server.set_fault("/vae.safetensors", Fault(drop_after=0, times=2))  # both tries drop
    window = _window_with(make_window, qtbot, _entry(server, "/vae.safetensors", data))
    _fast_queue(window)
    card = _card(window, qtbot, "test-vae")
    card.controls.buttons[DOWNLOAD].click()
    wait_for(qtbot, lambda: card.controls.look.state == FAILED, timeout=60)
    assert card.controls.status.text().startswith("The connection to 127.0.0.1 failed")
    assert _shown(card.controls) == {RETRY, DISCARD}
    card.controls.buttons[RETRY].click()  # the network is back
    target = app_paths().library_dir / "VAE" / "test-vae.safetensors"
    wait_for(qtbot, lambda: target.exists(), timeout=60)
    assert target.read_bytes() == data


def test_pause_then_resume_keeps_one_row_and_a_finish_is_announced(server, make_window, qtbot):
    data = server.add_file("/slow.safetensors", 3 * MIB)
    server.routes["/slow.safetensors"].rate = 1.5 * MIB
    window = _window_with(make_window, qtbot, _entry(server, "/slow.safetensors", data))
    card = _card(window, qtbot, "test-vae")
    card.controls.buttons[DOWNLOAD].click()
    wait_for(qtbot, lambda: card.controls.bar.value() > 50)

    def download_rows():
        return [r for r in window.task_panel.rows if isinstance(r.task, DownloadItem)]

    card.controls.buttons[PAUSE].click()
    wait_for(qtbot, lambda: _shown(card.controls) == {RESUME, DISCARD})
    assert card.controls.status.text().startswith("Paused at")
    assert card.controls.bar.maximum() > 0  # a still bar, not a busy one
    card.controls.buttons[RESUME].click()
    wait_for(qtbot, lambda: window.downloads.job_for_entry("test-vae").state == "running")
    window.task_panel.refresh()
    assert len(download_rows()) == 1  # the same row again, not a second one
    assert "more" not in window.task_indicator.label.text()
    target = app_paths().library_dir / "VAE" / "test-vae.safetensors"
    wait_for(qtbot, lambda: target.exists(), timeout=60)
    wait_for(qtbot, lambda: window.get_vaes.notice.isVisibleTo(window.get_vaes))
    assert "test-vae.safetensors" in window.get_vaes.notice.label.text()
    assert "SHA-256 matches" in window.get_vaes.notice.label.text()
    wait_idle(qtbot, window)  # the rescan that follows must not replace the notice
    assert window.statusBar().currentMessage().startswith("Downloaded test-vae.safetensors")
    wait_for(qtbot, lambda: card.controls.look.state == "finished")
    window.get_vaes.notice_show.click()
    assert window.current_panel() == window.PANEL_LIBRARY
    assert window.library.current_row().name == "test-vae.safetensors"


def test_a_bad_url_stays_in_the_box(server, started_window, qtbot):
    window = started_window
    window.show_panel(window.PANEL_GET)
    wait_for(qtbot, lambda: window.downloads.queue is not None)
    box = window.get_vaes.url_edit
    box.setText("ftp://example.com/vae.safetensors")
    window.get_vaes.url_button.click()
    wait_for(qtbot, lambda: any(kind == "user" for kind, _ in window.presenter.history))
    assert box.text() == "ftp://example.com/vae.safetensors"  # fix it, don't retype it
    server.add_file("/ok.safetensors", 1000)
    box.setText(server.url("/ok.safetensors"))
    window.get_vaes.url_button.click()
    wait_for(qtbot, lambda: box.text() == "")
