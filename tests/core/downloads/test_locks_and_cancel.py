"""One writer per target, stale locks taken over, and cancel that is immediate."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from app.core import owned_files
from app.core.downloads.downloader import Downloader
from app.core.downloads.locks import TargetBusy, TargetLock
from app.core.downloads.records import DownloadSpec
from app.core.downloads.settings import DownloadSettings
from app.core.errors import Cancelled
from app.core.tasks import CancelToken
from tests.core.downloads.conftest import FAST, MIB, leftovers, sha256, spec
from tests.http_server import Fault, FaultServer


def _lock_file(target: Path, pid: int, age: float = 0.0, *, text: str | None = None) -> Path:
    """A lock file as another run of the app leaves it (created and journalled by the app)."""
    lock = target.with_name(target.name + ".lock")
    if lock.exists():
        owned_files.remove_ours(lock)
    fd, _ = owned_files.create_exclusive(lock)
    owner = json.dumps({"pid": pid, "host": socket.gethostname(), "started": 0})
    os.write(fd, (owner if text is None else text).encode())
    os.close(fd)
    if age:
        os.utime(lock, (time.time() - age, time.time() - age))
    return lock


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_second_lock_in_process_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "vae.pt"
    with TargetLock(target):
        assert json.loads((tmp_path / "vae.pt.lock").read_text())["pid"] == os.getpid()
        with pytest.raises(TargetBusy, match="already being downloaded"):
            TargetLock(target).acquire()
    assert not (tmp_path / "vae.pt.lock").exists()
    with TargetLock(target):  # released: free again
        pass


def test_lock_of_a_live_process_is_respected(tmp_path: Path) -> None:
    target = tmp_path / "vae.pt"
    lock = _lock_file(target, os.getppid())
    with pytest.raises(TargetBusy, match="another running copy") as caught:
        TargetLock(target).acquire()
    assert str(lock) in str(caught.value)
    assert lock.exists()


def test_stale_locks_are_taken_over(tmp_path: Path) -> None:
    target = tmp_path / "vae.pt"
    _lock_file(target, _dead_pid())
    with TargetLock(target):
        assert json.loads((tmp_path / "vae.pt.lock").read_text())["pid"] == os.getpid()
    # A lock file whose owner died before writing its pid, long ago.
    _lock_file(target, 0, text="")
    os.utime(tmp_path / "vae.pt.lock", (0, 0))
    with TargetLock(target):
        pass
    # ... but a fresh empty one may be a process between create and write.
    _lock_file(target, 0, text="")
    with pytest.raises(TargetBusy):
        TargetLock(target).acquire()


def test_a_planted_lock_is_never_removed(tmp_path: Path) -> None:
    """A ``.lock`` the app did not create (even one naming a dead pid) is left alone."""
    target = tmp_path / "vae.pt"
    planted = target.with_name(target.name + ".lock")
    planted.write_text(json.dumps({"pid": _dead_pid(), "host": socket.gethostname()}))
    os.utime(planted, (0, 0))
    before = planted.read_bytes()
    with pytest.raises(TargetBusy, match="not made by this app"):
        TargetLock(target).acquire()
    assert planted.read_bytes() == before


def test_concurrent_downloads_of_one_target_refuse_the_second(
    server: FaultServer, dest: Path
) -> None:
    data = server.add_file("/same.bin", 2 * MIB)
    server.set_fault("/same.bin", Fault(stall_after=MIB, stall_seconds=30))
    downloader = Downloader(DownloadSettings(), replace(FAST, stall_timeout=20))
    token = CancelToken()
    outcome: list[BaseException] = []
    first = threading.Thread(
        target=lambda: _catch(
            outcome, downloader.download, spec(server, "/same.bin", dest, data), None, token
        )
    )
    first.start()
    _wait_for_part(dest / "same.bin.part", MIB)
    with pytest.raises(TargetBusy):
        Downloader(DownloadSettings(), FAST).download(spec(server, "/same.bin", dest, data))
    token.cancel()
    first.join(5)
    assert not first.is_alive() and isinstance(outcome[0], Cancelled)


def test_cancel_is_immediate_and_leaves_a_resumable_part(server: FaultServer, dest: Path) -> None:
    data = server.add_file("/cancel.bin", 3 * MIB)
    server.set_fault("/cancel.bin", Fault(stall_after=MIB, stall_seconds=60))
    slow_to_notice = replace(FAST, stall_timeout=30)
    token = CancelToken()
    outcome: list[BaseException] = []
    worker = threading.Thread(
        target=lambda: _catch(
            outcome,
            Downloader(DownloadSettings(), slow_to_notice).download,
            spec(server, "/cancel.bin", dest, data),
            None,
            token,
        )
    )
    worker.start()
    _wait_for_part(dest / "cancel.bin.part", MIB)
    token.cancel()  # the worker is blocked in a socket read that would last 30 s
    worker.join(5)
    assert not worker.is_alive() and isinstance(outcome[0], Cancelled)
    assert leftovers(dest) == ["cancel.bin.part", "cancel.bin.part.json"]
    assert (dest / "cancel.bin.part").read_bytes() == data[:MIB]

    result = Downloader(DownloadSettings(), FAST).download(spec(server, "/cancel.bin", dest, data))
    assert server.requests_for("/cancel.bin")[-1].range == f"bytes={MIB}-"
    assert result.sha256 == sha256(data) and result.bytes_transferred == 2 * MIB


def test_cancel_while_waiting_for_headers(dest: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/x.pt"
        token = CancelToken()
        threading.Timer(0.3, token.cancel).start()
        with pytest.raises(Cancelled):
            Downloader(DownloadSettings(), replace(FAST, stall_timeout=30)).download(
                DownloadSpec(url, dest, "x.pt"), None, token
            )
        assert leftovers(dest) == []
    finally:
        listener.close()


def _catch(outcome: list[BaseException], call: Callable[..., object], *args: object) -> None:
    try:
        call(*args)
    except BaseException as exc:  # handed to the test thread
        outcome.append(exc)


def _wait_for_part(path: Path, size: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size >= size:
            return
        time.sleep(0.01)
    raise AssertionError(f"{path} never reached {size} bytes")
