"""One window per user and app home: a second start hands its files to the first and exits.

"Open with VAE Manager", dropping files on the app's icon and double-clicking
a model file all start the app again with file paths. Two windows on one
catalog would fight over it, so the first instance listens on a local socket
(a Unix socket or a Windows named pipe, via QtNetwork) named after the user
and ``$VAE_MANAGER_HOME``; a later start connects, sends one JSON line::

    {"cmd": "activate", "files": ["/abs/path/a.safetensors"]}

waits for ``{"ok": true}`` and exits. A socket file left by a crashed instance
refuses connections and is removed before listening. A start-up lock makes the
check-then-listen step atomic when two copies start at the same moment. On
macOS, Finder sends files as ``QFileOpenEvent`` instead of arguments; the
same ``files_received`` signal carries those.

The window's start claims in two steps: :func:`claim_start` before the window
is built (the lock, and on Unix a look for the socket file: no QtNetwork, no
connection when none exists) and :meth:`SingleInstance.start_listening` right
after its first paint. The lock is held in between, so a second start in
those first milliseconds waits for the listener instead of missing it.
"""

from __future__ import annotations

import getpass
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QByteArray, QCoreApplication, QDir, QEvent, QObject, Signal

from app.core.paths import HOME_ENV
from app.gui.start_lock import StartLock

if TYPE_CHECKING:  # QtNetwork (5-10 ms to load) is imported when a socket is first made
    from PySide6.QtGui import QFileOpenEvent
    from PySide6.QtNetwork import QLocalServer, QLocalSocket
    from PySide6.QtWidgets import QWidget

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
    digest = _sha256(f"{who}\0{where}".encode()).hexdigest()[:24]
    return f"vae-manager-{digest}"


def _sha256(data: bytes) -> Any:  # noqa: ANN401 - a hashlib-style object from either module
    """CPython's own SHA-256 (same digest): ``hashlib`` loads OpenSSL, 2 ms before the frame."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found]  # 3.11; private, no stub
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found]  # 3.12+; the same
        except ImportError:
            from hashlib import sha256
    return sha256(data)


def socket_path(name: str) -> str:
    """Where ``QLocalServer.listen(name)`` puts its socket on Unix (Qt's temp folder)."""
    return QDir(QDir.tempPath()).filePath(name)


def may_be_running(name: str) -> bool:
    """Whether an instance may listen on ``name``: on Unix only if its socket file exists.

    A listener always has its socket file; without one there is nothing to
    connect to (and no reason to load QtNetwork). Windows pipes have no file:
    there the answer is always "maybe".
    """
    return sys.platform.startswith("win") or os.path.lexists(socket_path(name))


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (containers); the uid still separates users
        return str(getattr(os, "getuid", lambda: "user")())


def encode_message(files: Sequence[str | os.PathLike[str]], cmd: str = CMD_ACTIVATE) -> bytes:
    """One protocol line; paths are made absolute, since the receiver has another cwd."""
    import json

    paths = [str(Path(f).expanduser().absolute()) for f in files]
    return json.dumps({"cmd": cmd, "files": paths}).encode("utf-8") + b"\n"


def decode_message(line: bytes) -> tuple[str, list[str]]:
    """``(cmd, files)`` from one line; ValueError when it is not a valid message."""
    import json

    message = json.loads(line.decode("utf-8"))
    if not isinstance(message, dict) or not isinstance(message.get("cmd"), str):
        raise ValueError("a message is a JSON object with a 'cmd' string")
    files = message.get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise ValueError("'files' must be a list of path strings")
    return message["cmd"], files


class SingleInstance(QObject):
    """The first instance's end: listens, and turns messages into signals.

    Made by :func:`claim_start` holding the start-up lock and not yet
    listening (its server is made on :meth:`listen`), so the window can
    connect its signals before the first frame and listen right after it.
    """

    files_received = Signal(list)  # absolute paths (strings) to import
    activation_requested = Signal()  # bring the window to the front

    def __init__(
        self,
        name: str | None = None,
        parent: QObject | None = None,
        *,
        lock: StartLock | None = None,
        may_listen: bool = True,
    ) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server: QLocalServer | None = None
        self._lock = lock  # held from claim_start until start_listening (or close)
        self._may_listen = may_listen  # False: a live, unresponsive instance owns the socket
        self._buffers: dict[QLocalSocket, bytearray] = {}

    @property
    def is_listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def listen(self) -> bool:
        """Listen under :attr:`name`, removing a dead instance's socket first.

        Only called while holding the start-up lock after finding no live
        instance, so the socket removed here can only be a dead one. (Qt's
        user-only mode also replaces the file on Unix; removing it first keeps
        that true for every platform and option.)
        """
        from PySide6.QtNetwork import QLocalServer

        if self._server is None:
            self._server = QLocalServer(self)
            self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
            self._server.newConnection.connect(self._accept)
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def start_listening(self) -> bool:
        """Listen (unless a live instance holds the socket), then release the start-up lock.

        The second half of :func:`claim_start`: a start waiting on the lock
        meanwhile then finds this instance listening and hands its files over.
        """
        try:
            return self._may_listen and (self.is_listening or self.listen())
        finally:
            self._release_lock()

    def close(self) -> None:
        """Stop listening (the socket file goes away with it) and drop open connections."""
        self._release_lock()  # a window closed before it listened: let the next start claim
        if self._server is not None:
            self._server.close()
        for socket in list(self._buffers):
            socket.abort()

    def _release_lock(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()

    def install_file_open_handler(self, app: QCoreApplication) -> None:
        """Also deliver macOS Finder "Open With" / dock drops (``QFileOpenEvent``)."""
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FileOpen:
            opened = cast("QFileOpenEvent", event)  # PySide6 hands the subclass; typed QEvent
            path = opened.file() or opened.url().toLocalFile()
            if path:
                self.files_received.emit([path])
                return True
        return super().eventFilter(watched, event)

    def _accept(self) -> None:
        assert self._server is not None  # only its own signal calls this
        while (socket := self._server.nextPendingConnection()) is not None:
            self._buffers[socket] = bytearray()
            # Bound slots, not lambdas: Qt then drops the connections with either end.
            socket.readyRead.connect(self._on_ready_read)
            socket.disconnected.connect(self._on_disconnected)
            if socket.bytesAvailable():
                self._read(socket)

    # sender() is typed QObject; these two slots are connected to sockets' signals only.
    def _on_ready_read(self) -> None:
        self._read(cast("QLocalSocket", self.sender()))

    def _on_disconnected(self) -> None:
        socket = cast("QLocalSocket", self.sender())
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
        import json

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
    import json

    from PySide6.QtNetwork import QLocalSocket

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
    from PySide6.QtNetwork import QLocalSocket

    deadline = time.monotonic() + timeout_ms / 1000
    reply = bytearray()
    while b"\n" not in reply and time.monotonic() < deadline:
        socket.waitForReadyRead(POLL_MS)
        reply += bytes(socket.readAll().data())
        if socket.state() == QLocalSocket.LocalSocketState.UnconnectedState:
            break
    return bytes(reply).split(b"\n", 1)[0]


def claim_start(
    files: Sequence[str | os.PathLike[str]] = (),
    name: str | None = None,
    timeout_ms: int = REPLY_TIMEOUT_MS,
) -> SingleInstance | None:
    """Become the first instance, or pass ``files`` to the running one: the window's half.

    Returns a :class:`SingleInstance` that holds the start-up lock and does
    not listen yet (connect its signals, then call
    :meth:`~SingleInstance.start_listening`, e.g. after the first paint), or
    None when a running instance took the files: exit then. If another
    instance runs but does not answer, this one carries on unshared (it will
    not listen) rather than refuse to start. Call it after the QApplication
    exists and before the window is built.
    """
    name = name or server_name()
    lock = StartLock(name)
    locked = lock.acquire(LOCK_TIMEOUT_MS)
    held = lock if locked else None
    try:
        if may_be_running(name):
            if send_to_running(name, files, timeout_ms):
                lock.release()
                return None
            if _socket_in_use(name):  # alive but unresponsive: never steal its socket
                return SingleInstance(name, lock=held, may_listen=False)
        return SingleInstance(name, lock=held)
    except BaseException:
        lock.release()
        raise


def claim_or_forward(
    files: Sequence[str | os.PathLike[str]] = (),
    name: str | None = None,
    timeout_ms: int = REPLY_TIMEOUT_MS,
) -> SingleInstance | None:
    """Become the first instance, or pass ``files`` to the running one (in one step).

    Returns the listening :class:`SingleInstance` (keep it alive, connect its
    signals), or None when a running instance took the files: exit then. If
    another instance runs but does not answer, this one carries on unshared
    (``is_listening`` is False) rather than refuse to start. Call it after the
    QApplication exists and before the window is built.
    """
    instance = claim_start(files, name, timeout_ms)
    if instance is not None:
        instance.start_listening()
    return instance


def _socket_in_use(name: str) -> bool:
    from PySide6.QtNetwork import QLocalSocket

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
