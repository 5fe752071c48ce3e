"""Fetch a response body in a worker thread so the caller can always stop at once.

A blocking socket read cannot see a :class:`CancelToken`. The worker sends the
request and pushes chunks into a small bounded queue; the caller polls the
queue and the token. Cancelling shuts the socket down, which wakes the worker
from its read, so neither a stalled server nor a slow network delays a cancel.
The worker's read overlaps with the caller's hashing and writing, too.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time
from collections.abc import Iterator

import requests

from app.core.downloads.redirects import send_checked
from app.core.errors import Cancelled, UserError
from app.core.tasks import CancelToken

POLL_S = 0.05
FLUSH_S = 0.1  # hand over what arrived at least this often (smooth progress)
_END = object()


class NetworkError(Exception):
    """A failure raised by the network side (kept apart from disk errors)."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


class BodyReader:
    """One HTTP GET whose body arrives through :meth:`chunks`."""

    def __init__(
        self,
        session: requests.Session,
        url: str,
        headers: dict[str, str],
        timeout: tuple[float, float],
        chunk_size: int,
        depth: int = 8,
    ) -> None:
        self._request = (session, url, headers, timeout)
        self._chunk_size = chunk_size
        self._items: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._guard = threading.Lock()
        self._response: requests.Response | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="download-reader", daemon=True)

    def start(self) -> BodyReader:
        """Send the request in the background."""
        self._thread.start()
        return self

    def wait_response(self, cancel: CancelToken) -> requests.Response:
        """The response once its headers arrived; raises NetworkError or Cancelled."""
        while not self._ready.wait(POLL_S):
            self._check(cancel)
        self._check(cancel)
        if isinstance(self._error, UserError):
            raise self._error  # a refused address: a fact, not the network's weather
        if self._error is not None:
            raise NetworkError(self._error)
        assert self._response is not None
        return self._response

    def chunks(self, cancel: CancelToken) -> Iterator[bytes]:
        """The body, chunk by chunk; ends early only by raising."""
        while True:
            try:
                item = self._items.get(timeout=POLL_S)
            except queue.Empty:
                self._check(cancel)
                continue
            self._check(cancel)
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise NetworkError(item)
            yield item  # type: ignore[misc]

    def abort(self) -> None:
        """Stop the worker: wake it from a blocked read and drop the connection."""
        with self._guard:
            self._stop.set()
            response = self._response
        if response is not None:
            _shutdown_socket(response)

    def _check(self, cancel: CancelToken) -> None:
        if cancel.cancelled:
            self.abort()
            raise Cancelled("download cancelled")

    def _run(self) -> None:
        session, url, headers, timeout = self._request
        try:
            response = send_checked(
                session, "GET", url, headers=headers, timeout=timeout, stream=True
            )
        except BaseException as exc:  # handed to the caller, who classifies it
            self._error = exc
            self._ready.set()
            return
        with self._guard:
            self._response = response
            stopped = self._stop.is_set()
        self._ready.set()
        if stopped:
            response.close()
            return
        try:
            self._pump(response)
        finally:
            response.close()

    def _pump(self, response: requests.Response) -> None:
        """Read with ``read1`` so a stall or drop loses no byte already received.

        ``read(n)`` would block until ``n`` bytes and drop a partial buffer on a
        timeout; small reads are batched up to the chunk size (or 0.1 s) instead.
        """
        read1 = getattr(response.raw, "read1", None)
        if read1 is None:  # urllib3 1.x
            return self._pump_chunks(response)
        pending: list[bytes] = []
        size, flushed = 0, time.monotonic()
        try:
            while data := read1(self._chunk_size):
                pending.append(data)
                size += len(data)
                if size >= self._chunk_size or time.monotonic() - flushed >= FLUSH_S:
                    if not self._flush(pending):
                        return None
                    size, flushed = 0, time.monotonic()
        except BaseException as exc:
            if self._flush(pending):
                self._put(exc)
            return None
        if self._flush(pending):
            self._put(_END)
        return None

    def _flush(self, pending: list[bytes]) -> bool:
        """Hand over the pending reads as one chunk; False once stopped."""
        if not pending:
            return True
        handed = self._put(pending[0] if len(pending) == 1 else b"".join(pending))
        pending.clear()
        return handed

    def _pump_chunks(self, response: requests.Response) -> None:
        try:
            for chunk in response.iter_content(self._chunk_size):
                if not self._put(chunk):
                    return
        except BaseException as exc:
            self._put(exc)
            return
        self._put(_END)

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._items.put(item, timeout=POLL_S)
                return True
            except queue.Full:
                continue
        return False


def _shutdown_socket(response: requests.Response) -> None:
    connection = getattr(response.raw, "connection", None) or getattr(
        response.raw, "_connection", None
    )
    sock = getattr(connection, "sock", None)
    if sock is None:
        return
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
