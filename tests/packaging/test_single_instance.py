"""A second start hands its files to the first instance, over a real local socket."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QCoreApplication, QDir
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from app.gui.single_instance import (
    SingleInstance,
    bring_to_front,
    claim_or_forward,
    decode_message,
    encode_message,
    send_to_running,
    server_name,
)

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("instance_child.py")


@pytest.fixture
def name() -> str:
    return f"vae-manager-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def primary(qapp, name: str):
    instance = claim_or_forward([], name)
    assert instance is not None and instance.is_listening
    yield instance
    instance.close()


def _in_thread(function, *args):
    """Run a blocking client call beside the event loop; returns a holder for its result."""
    result: dict[str, object] = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", function(*args)))
    thread.start()
    result["thread"] = thread
    return result


def _child(*args: str, cwd: Path = ROOT) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args], cwd=cwd, env=env, stdout=subprocess.PIPE, text=True
    )


def test_names_separate_users_and_homes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    one = server_name(str(tmp_path / "a"), "ann")
    assert one == server_name("a", "ann")  # relative and absolute spellings agree
    assert one != server_name(str(tmp_path / "b"), "ann")
    assert one != server_name(str(tmp_path / "a"), "bob")
    monkeypatch.setenv("VAE_MANAGER_HOME", str(tmp_path / "a"))
    assert server_name(user="ann") == one
    assert len(one) < 50  # fits a Unix socket path in any temp folder


def test_message_round_trip_makes_paths_absolute(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    line = encode_message(["vae.safetensors", tmp_path / "b.ckpt"])
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert decode_message(line) == (
        "activate",
        [str(tmp_path / "vae.safetensors"), str(tmp_path / "b.ckpt")],
    )


@pytest.mark.parametrize(
    "line",
    [b"not json", b"[1, 2]", b'{"files": []}', b'{"cmd": "activate", "files": "a"}',
     b'{"cmd": "activate", "files": [1]}'],
)  # fmt: skip
def test_malformed_messages_are_rejected(line: bytes) -> None:
    with pytest.raises(ValueError):
        decode_message(line)


def test_second_claim_forwards_files_in_one_process(qtbot, primary, name, tmp_path) -> None:
    vae = tmp_path / "a.safetensors"
    with (
        qtbot.waitSignal(primary.activation_requested, timeout=10_000),
        qtbot.waitSignal(primary.files_received, timeout=10_000) as received,
    ):
        result = _in_thread(claim_or_forward, [vae], name)
    result["thread"].join(10)
    assert received.args == [[str(vae)]]
    assert result["value"] is None  # the second one must exit


def test_activation_without_files_only_raises_the_window(qtbot, primary, name) -> None:
    seen: list[list[str]] = []
    primary.files_received.connect(seen.append)
    with qtbot.waitSignal(primary.activation_requested, timeout=10_000):
        result = _in_thread(send_to_running, name, [])
    result["thread"].join(10)
    assert result["value"] is True and seen == []


def _raw_exchange(name: str, payload: bytes) -> bytes:
    socket = QLocalSocket()
    socket.connectToServer(name)
    assert socket.waitForConnected(5000)
    socket.write(QByteArray(payload))
    socket.waitForBytesWritten(5000)
    reply = b""
    for _ in range(250):  # short waits: PySide holds the GIL inside waitForReadyRead
        if b"\n" in reply:
            break
        socket.waitForReadyRead(20)
        reply += bytes(socket.readAll().data())
    socket.abort()
    return reply


@pytest.mark.parametrize(
    ("payload", "error"),
    [(b"{oops\n", "bad message"), (b'{"cmd": "quit"}\n', "unknown command")],
)
def test_bad_requests_get_an_error_reply_and_no_signal(qtbot, primary, name, payload, error):
    seen: list[object] = []
    primary.activation_requested.connect(lambda: seen.append("activate"))
    result = _in_thread(_raw_exchange, name, payload)
    qtbot.waitUntil(lambda: "value" in result, timeout=10_000)
    reply = json.loads(result["value"])
    assert reply["ok"] is False and error in reply["error"]
    assert seen == []


@pytest.mark.skipif(sys.platform.startswith("win"), reason="pipe ACLs, not file modes")
def test_only_the_same_user_may_connect(primary, name) -> None:
    mode = Path(QDir(QDir.tempPath()).filePath(name)).stat().st_mode
    assert stat.S_ISSOCK(mode)
    assert mode & (stat.S_IRWXG | stat.S_IRWXO) == 0


def test_a_real_second_process_hands_over_and_exits(qtbot, primary, name, tmp_path) -> None:
    with qtbot.waitSignal(primary.files_received, timeout=60_000) as received:
        child = _child(name, "forward", "model.ckpt", cwd=tmp_path)
    assert child.wait(60) == 0
    assert received.args == [[str(tmp_path / "model.ckpt")]]


def test_forwarding_to_a_real_first_process(qapp, name, tmp_path) -> None:
    child = _child(name, "primary")
    try:
        assert child.stdout.readline().strip() == "ready"
        assert claim_or_forward([tmp_path / "x.safetensors"], name) is None
        out, _ = child.communicate(timeout=60)
    finally:
        child.kill()
    assert json.loads(out) == [str(tmp_path / "x.safetensors")]
    assert child.returncode == 0


@pytest.mark.skipif(sys.platform.startswith("win"), reason="named pipes vanish with the process")
def test_socket_left_by_a_crashed_instance_is_replaced(qtbot, name, tmp_path) -> None:
    child = _child(name, "crash")
    assert child.stdout.readline().strip() == "ready"
    child.wait(60)
    child.stdout.close()
    assert child.returncode == -9
    assert Path(QDir(QDir.tempPath()).filePath(name)).exists()  # the stale socket file
    instance = claim_or_forward([], name)
    try:
        assert instance is not None and instance.is_listening
        with qtbot.waitSignal(instance.files_received, timeout=10_000) as received:
            result = _in_thread(send_to_running, name, [tmp_path / "v.safetensors"])
        result["thread"].join(10)
        assert received.args == [[str(tmp_path / "v.safetensors")]]
    finally:
        instance.close()


def test_an_unresponsive_instance_keeps_its_socket(qapp, name) -> None:
    hung = QLocalServer()
    assert hung.listen(name)  # accepts at the OS level, never answers: no event loop runs
    try:
        instance = claim_or_forward(["a.safetensors"], name, timeout_ms=300)
        assert instance is not None and not instance.is_listening
        assert hung.isListening()
    finally:
        hung.close()


def test_different_homes_run_side_by_side(qapp, tmp_path) -> None:
    first = claim_or_forward([], server_name(str(tmp_path / "one")))
    second = claim_or_forward([], server_name(str(tmp_path / "two")))
    try:
        assert first is not None and second is not None
        assert first.is_listening and second.is_listening
    finally:
        first.close()
        second.close()


def test_finder_open_events_arrive_as_files(qtbot, tmp_path) -> None:
    instance = SingleInstance(f"unused-{uuid.uuid4().hex[:8]}")
    app = QCoreApplication.instance()
    instance.install_file_open_handler(app)
    path = str(tmp_path / "dropped.safetensors")
    with qtbot.waitSignal(instance.files_received, timeout=5000) as received:
        QCoreApplication.sendEvent(app, QFileOpenEvent(path))
    assert received.args == [[path]]
    app.removeEventFilter(instance)


def test_bring_to_front_restores_a_minimized_window(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    assert window.isMinimized()
    bring_to_front(window)
    assert not window.isMinimized() and window.isVisible()
