"""The self-test's downloads: one that finishes, one the server refuses, one with no DNS.

A loopback HTTP server (plain http is allowed for this computer only) serves
a generated VAE and answers 404 for a file that is not there; a ``.invalid``
host (reserved: it never resolves) stands for a machine without DNS. The real
queue and downloader run them, with retries that wait a tenth of a second
instead of a minute, and each row must show its own state.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.gui.main_window.window import MainWindow

FINISHED_NAME = "demo-download.safetensors"
NO_DNS_URL = "https://vae-manager-self-test.invalid/vae.safetensors"


class SelfTestDownloadFailure(Exception):
    """A download row did not reach the state it should show."""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


@contextmanager
def demo_server(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1; yields the origin (``http://127.0.0.1:PORT``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, name="self-test-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def use_quick_retries(window: MainWindow) -> None:
    """The window's download queue, with waits short enough for a self-test."""
    from app.core.downloads import DownloadQueue
    from app.core.downloads.downloader import Downloader
    from app.core.downloads.transfer import Tuning

    tuning = Tuning(max_attempts=2, backoff_base=0.1, backoff_cap=0.2, fsync=False)
    window.downloads.queue = DownloadQueue(downloader=Downloader(tuning=tuning))


def run_demo_downloads(window: MainWindow, origin: str, spin: Callable[..., None]) -> None:
    """Paste three URLs into the Get panel; wait until each shows finished, refused, failed."""
    panel = window.get_vaes
    urls = [f"{origin}/{FINISHED_NAME}", f"{origin}/moved-away.safetensors", NO_DNS_URL]
    for url in urls:
        panel.url_edit.setText(url)
        panel.url_button.click()
        spin(lambda: panel.url_edit.text() == "", what=f"the download of {url} to start")

    def states() -> dict[str, str]:
        return {view.spec.url: view.state for view in window.downloads.jobs.values()}

    spin(lambda: all(states().get(u) in ("done", "failed") for u in urls), what="the downloads")
    looks = {
        view.spec.url: panel.url_rows[view.id].look.state
        for view in window.downloads.jobs.values()
        if view.id in panel.url_rows
    }
    wanted = {urls[1]: "refused", urls[2]: "failed"}
    if looks != wanted or states()[urls[0]] != "done":
        raise SelfTestDownloadFailure(f"download rows show {looks}, jobs are {states()}")
    spin(lambda: panel.notice.isVisibleTo(panel), what="the notice of the finished download")
