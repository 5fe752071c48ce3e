"""One window per user and app home: a second start hands its files to the first and exits.

"Open with VAE Manager", dropping files on the app's icon and double-clicking
a model file all start the app again with file paths. Two windows on one
catalog would fight over it, so the first instance listens on a local socket
(a Unix socket or a Windows named pipe, via QtNetwork) named after the user
and ``$VAE_MANAGER_HOME``; a later start connects, sends one JSON line::

    {"cmd": "activate", "files": ["/abs/path/a.safetensors"]}

waits for ``{"ok": true}`` and exits. A socket file left by a crashed instance
refuses connections and is removed before listening. A lock file makes the
check-then-listen step atomic when two copies start at the same moment. On
macOS, Finder sends files as ``QFileOpenEvent`` instead of arguments; the
same ``files_received`` signal carries those.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QDir, QEvent, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from app.core.paths import HOME_ENV

CMD_ACTIVATE = "activate"
MAX_MESSAGE_BYTES = 1 << 20
CONNECT_TIMEOUT_MS = 1000
REPLY_TIMEOUT_MS = 5000
LOCK_TIMEOUT_MS = 10000
POLL_MS = 20


def server_name(home: str | None = None, user: str | None = None) -> str:
    """The socket name for this user and app home (different homes never collide)."""
    home = os.environ.get(HOME_ENV, "") if home is None else home
    where = str(Path(home).expanduser().resolve()) if home else ""
    who = user if user is not None else _user_name()
    digest = hashlib.sha256(f"{who}\0{where}".encode()).hexdigest()[:24]
    return f"vae-manager-{digest}"


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (containers); the uid still separates users
        return str(getattr(os, "getuid", lambda: "user")())


def encode_message(files: Sequence[str | os.PathLike[str]], cmd: str = CMD_ACTIVATE) -> bytes:
    """One protocol line; paths are made absolute, since the receiver has another cwd."""
    paths = [str(Path(f).expanduser().absolute()) for f in files]
    return json.dumps({"cmd": cmd, "files": paths}).encode("utf-8") + b"\n"


def decode_message(line: bytes) -> tuple[str, list[str]]:
    """``(cmd, files)`` from one line; ValueError when it is not a valid message."""
    message = json.loads(line.decode("utf-8"))
    if not isinstance(message, dict) or not isinstance(message.get("cmd"), str):
        raise ValueError("a message is a JSON object with a 'cmd' string")
    files = message.get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise ValueError("'files' must be a list of path strings")
    return message["cmd"], files


class SingleInstance(QObject):
    """The first instance's end: listens, and turns messages into signals."""

    files_received = Signal(list)  # absolute paths (strings) to import
    activation_requested = Signal()  # bring the window to the front

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytearray] = {}

    @property
    def is_listening(self) -> bool:
        return self._server.isListening()

    def listen(self) -> bool:
        """Listen under :attr:`name`, removing a dead instance's socket first.

        Only called while holding the start-up lock after a connection attempt
        failed, so the socket removed here can only be a dead one. (Qt's
        user-only mode also replaces the file on Unix; removing it first keeps
        that true for every platform and option.)
        """
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        """Stop listening (the socket file goes away with it) and drop open connections."""
        self._server.close()
        for socket in list(self._buffers):
            socket.abort()

    def install_file_open_handler(self, app: QCoreApplication) -> None:
        """Also deliver macOS Finder "Open With" / dock drops (``QFileOpenEvent``)."""
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FileOpen:
            path = event.file() or event.url().toLocalFile()
            if path:
                self.files_received.emit([path])
                return True
        return super().eventFilter(watched, event)

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            self._buffers[socket] = bytearray()
            # Bound slots, not lambdas: Qt then drops the connections with either end.
            socket.readyRead.connect(self._on_ready_read)
            socket.disconnected.connect(self._on_disconnected)
            if socket.bytesAvailable():
                self._read(socket)

    def _on_ready_read(self) -> None:
        self._read(self.sender())

    def _on_disconnected(self) -> None:
        socket = self.sender()
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += bytes(socket.readAll().data())
        if b"\n" not in buffer:
            if len(buffer) > MAX_MESSAGE_BYTES:
                self._reply(socket, {"ok": False, "error": "message too long"})
            return
        line = bytes(buffer.split(b"\n", 1)[0])
        self._reply(socket, self._handle(line))

    def _handle(self, line: bytes) -> dict[str, object]:
        try:
            cmd, files = decode_message(line)
        except ValueError as exc:
            return {"ok": False, "error": f"bad message: {exc}"}
        if cmd != CMD_ACTIVATE:
            return {"ok": False, "error": f"unknown command {cmd!r}"}
        self.activation_requested.emit()
        if files:
            self.files_received.emit(files)
        return {"ok": True}

    def _reply(self, socket: QLocalSocket, reply: dict[str, object]) -> None:
        self._buffers.pop(socket, None)
        socket.write(QByteArray(json.dumps(reply).encode("utf-8") + b"\n"))
        socket.flush()
        socket.disconnectFromServer()


def send_to_running(
    name: str, files: Sequence[str | os.PathLike[str]], timeout_ms: int = REPLY_TIMEOUT_MS
) -> bool:
    """Hand ``files`` to the instance listening on ``name``; False when none answered.

    Blocking: meant for start-up, before the event loop runs.
    """
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    _allow_other_process_to_take_focus()
    socket.write(QByteArray(encode_message(files)))
    if not socket.waitForBytesWritten(timeout_ms):
        return False
    reply = _read_line(socket, timeout_ms)
    socket.abort()
    try:
        return json.loads(reply).get("ok") is True
    except (ValueError, AttributeError):
        return False


def _read_line(socket: QLocalSocket, timeout_ms: int) -> bytes:
    """The first reply line, read in short slices.

    PySide keeps the GIL inside ``waitForReadyRead``; short waits let another
    Python thread (such as a listener in this same process) answer meanwhile.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    reply = bytearray()
    while b"\n" not in reply and time.monotonic() < deadline:
        socket.waitForReadyRead(POLL_MS)
        reply += bytes(socket.readAll().data())
        if socket.state() == QLocalSocket.LocalSocketState.UnconnectedState:
            break
    return bytes(reply).split(b"\n", 1)[0]


def claim_or_forward(
    files: Sequence[str | os.PathLike[str]] = (),
    name: str | None = None,
    timeout_ms: int = REPLY_TIMEOUT_MS,
) -> SingleInstance | None:
    """Become the first instance, or pass ``files`` to the running one.

    Returns the listening :class:`SingleInstance` (keep it alive, connect its
    signals), or None when a running instance took the files: exit then. If
    another instance runs but does not answer, this one carries on unshared
    (``is_listening`` is False) rather than refuse to start. Call it after the
    QApplication exists and before the window is built.
    """
    name = name or server_name()
    lock = QLockFile(QDir(QDir.tempPath()).filePath(f"{name}.lock"))
    locked = lock.tryLock(LOCK_TIMEOUT_MS)
    try:
        if send_to_running(name, files, timeout_ms):
            return None
        instance = SingleInstance(name)
        if _socket_in_use(name):
            return instance  # alive but unresponsive: never steal its socket
        instance.listen()
        return instance
    finally:
        if locked:
            lock.unlock()


def _socket_in_use(name: str) -> bool:
    socket = QLocalSocket()
    socket.connectToServer(name)
    connected = socket.waitForConnected(CONNECT_TIMEOUT_MS)
    socket.abort()
    return connected


def bring_to_front(window: QWidget) -> None:
    """Show ``window`` un-minimized, raised and focused (for ``activation_requested``)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def _allow_other_process_to_take_focus() -> None:
    """Windows only lets the foreground process pass focus on; this process has it now."""
    if sys.platform.startswith("win"):
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(-1)  # ASFW_ANY
