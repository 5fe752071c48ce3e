"""A real HTTP server on 127.0.0.1 that serves generated files and injects faults.

Download tests need the failure modes of real networks (drops, stalls, 5xx,
429, ignored ranges, wrong or short bodies) against a real socket, and a log
of what each request asked for and what was actually sent, so they can prove
a resume fetched only the missing bytes. Use it as a context manager::

    with FaultServer() as server:
        data = server.add_file("/vae.safetensors", 3 << 20)
        server.set_fault("/vae.safetensors", Fault(drop_after=1 << 20))
        url = server.url("/vae.safetensors")

``python -m tests.http_server --size 1073741824`` serves one generated file
until stdin closes (the throughput benchmark runs it in its own process).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import random
import select
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_BLOCK = (8 << 20) + 13  # bodies larger than this repeat with an odd period
_SEND_CHUNK = 1 << 20
ENDLESS_CAP = 4 << 30  # where an "endless" body stops, so a broken client cannot hang a test


class Body:
    """Deterministic pseudo-random bytes of any size, generated once per block."""

    def __init__(self, size: int, seed: int | str) -> None:
        self.size = size
        self._block = random.Random(str(seed)).randbytes(min(size, _BLOCK))

    def chunks(self, start: int, end: int) -> Iterator[memoryview]:
        """The bytes in [start, end) as views of at most 1 MiB."""
        view = memoryview(self._block)
        pos = start
        while pos < end:
            offset = pos % len(self._block)
            piece = view[offset : offset + min(_SEND_CHUNK, end - pos, len(self._block) - offset)]
            yield piece
            pos += len(piece)

    @classmethod
    def of(cls, data: bytes) -> Body:
        """A body serving exactly ``data`` (a real model file, say)."""
        body = cls(0, 0)
        body.size, body._block = len(data), data
        return body

    def data(self) -> bytes:
        """The whole content (for small test files)."""
        return b"".join(bytes(c) for c in self.chunks(0, self.size))


@dataclass
class Fault:
    """What to do wrong on a path. ``times`` counts the requests hit (None: all)."""

    drop_after: int | None = None  # close the connection after this many body bytes
    stall_after: int | None = None  # go silent after this many body bytes ...
    stall_seconds: float = 0.0  # ... for this long
    short_by: int = 0  # announce the full length, send this many bytes less, close
    status: int | None = None  # answer this status instead of the file (403, 404, 500, 429)
    retry_after: str | None = None  # Retry-After sent with ``status``
    times: int | None = 1
    ignore_range: bool = False  # always 200 with the whole body (every request)
    wrong_bytes: bool = False  # other bytes of the same length (every request)
    endless: bool = False  # no Content-Length, bytes until the client hangs up
    overlong_by: int = 0  # announce the true length, send this many bytes more ...
    chunked: bool = False  # ... as a chunked body, which makes clients read past the length


@dataclass
class Route:
    """A served file, or a redirect."""

    body: Body | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_disposition: str | None = None
    redirect: str | None = None
    fault: Fault | None = None
    rate: float | None = None  # bytes per second, to play a real network link


@dataclass
class RequestRecord:
    """One request as the server saw it, and how many body bytes it sent."""

    method: str
    path: str
    headers: dict[str, str]
    started: float
    status: int = 0
    bytes_sent: int = 0

    @property
    def range(self) -> str | None:
        return self.headers.get("range")

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")


class FaultServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with routes, faults and a request log."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__((host, 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.records: list[RequestRecord] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._active = 0
        self.max_active = 0  # most requests handled at the same moment
        self._idle = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None

    # -- set-up -----------------------------------------------------------------
    def add_file(
        self,
        path: str,
        size: int,
        *,
        seed: int | str | None = None,
        etag: bool = True,
        last_modified: bool = True,
        content_disposition: str | None = None,
    ) -> bytes:
        """Serve ``size`` generated bytes at ``path``; returns them (keep sizes small)."""
        body = Body(size, path if seed is None else seed)
        tag = f'"{hashlib.sha256(f"{path}:{seed}:{size}".encode()).hexdigest()[:16]}"'
        self.routes[path] = Route(
            body=body,
            etag=tag if etag else None,
            last_modified=formatdate(1_700_000_000, usegmt=True) if last_modified else None,
            content_disposition=content_disposition,
        )
        return body.data() if size <= (64 << 20) else b""

    def add_content(self, path: str, data: bytes) -> None:
        """Serve these exact bytes at ``path`` (with ETag and Last-Modified)."""
        self.add_file(path, 0)
        self.routes[path].body = Body.of(data)

    def replace_file(self, path: str, size: int, seed: int | str) -> bytes:
        """New content (and ETag / Last-Modified) at ``path``: the file changed upstream."""
        old = self.routes[path]
        data = self.add_file(path, size, seed=seed, content_disposition=old.content_disposition)
        self.routes[path].last_modified = formatdate(1_800_000_000, usegmt=True)
        self.routes[path].fault = old.fault
        return data

    def add_redirect(self, path: str, location: str) -> None:
        """Answer ``path`` with a 302 to ``location``."""
        self.routes[path] = Route(redirect=location)

    def set_fault(self, path: str, fault: Fault | None) -> None:
        """Inject (or clear) a fault on ``path``."""
        self.routes[path].fault = fault

    def url(self, path: str, host: str | None = None) -> str:
        """The http URL of ``path`` on this server."""
        return f"http://{host or self.server_address[0]}:{self.server_address[1]}{path}"

    @property
    def origin(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}"

    # -- inspection -------------------------------------------------------------
    def requests_for(self, path: str, method: str = "GET") -> list[RequestRecord]:
        """Finished requests for ``path`` (waits for handlers still running)."""
        self.wait_idle()
        with self._lock:
            return [r for r in self.records if r.path == path and r.method == method]

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until no request is being handled."""
        with self._idle:
            self._idle.wait_for(lambda: self._active == 0, timeout)

    # -- life cycle ---------------------------------------------------------------
    def __enter__(self) -> FaultServer:
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()

    # -- used by the handler ------------------------------------------------------
    def begin(self, record: RequestRecord) -> None:
        with self._lock:
            self.records.append(record)
            self._active += 1
            self.max_active = max(self.max_active, self._active)

    def end(self) -> None:
        with self._idle:
            self._active -= 1
            self._idle.notify_all()

    def take_fault(self, route: Route) -> Fault | None:
        """The fault for this request (counting down ``times``), or None."""
        with self._lock:
            fault = route.fault
            if fault is None:
                return None
            if fault.times is not None:
                if fault.times <= 0:
                    return Fault(ignore_range=fault.ignore_range, wrong_bytes=fault.wrong_bytes)
                fault.times -= 1
            return fault


class _Handler(BaseHTTPRequestHandler):
    server: FaultServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle(send_body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._handle(send_body=True)

    def _handle(self, send_body: bool) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        record = RequestRecord(self.command, self.path.split("?")[0], headers, time.monotonic())
        self.server.begin(record)
        try:
            self._respond(record, send_body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            self.server.end()

    def _respond(self, record: RequestRecord, send_body: bool) -> None:
        route = self.server.routes.get(record.path)
        if route is None:
            return self._status(record, 404)
        if route.redirect:
            return self._status(record, 302, {"Location": route.redirect})
        fault = self.server.take_fault(route) or Fault(times=None)
        if fault.status:
            extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return self._status(record, fault.status, extra)
        assert route.body is not None
        if fault.endless or fault.overlong_by:
            return self._overflow(record, route.body, fault, send_body)
        start, status = self._range(route, record, fault)
        if start is None:
            return self._status(record, 416, {"Content-Range": f"bytes */{route.body.size}"})
        size = route.body.size
        head = {
            "Content-Length": str(size - start),
            "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream",
        }
        if status == 206:
            head["Content-Range"] = f"bytes {start}-{size - 1}/{size}"
        for name, value in (
            ("ETag", route.etag),
            ("Last-Modified", route.last_modified),
            ("Content-Disposition", route.content_disposition),
        ):
            if value:
                head[name] = value
        record.status = status
        self.send_response(status)
        for name, value in head.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self._send_body(record, route.body, start, fault)

    def _range(self, route: Route, record: RequestRecord, fault: Fault) -> tuple[int | None, int]:
        wanted = record.range
        if not wanted or fault.ignore_range:
            return 0, 200
        if_range = record.headers.get("if-range")
        if if_range and if_range not in (route.etag, route.last_modified):
            return 0, 200
        spec = wanted.removeprefix("bytes=").split("-")[0]
        start = int(spec)
        if start >= route.body.size:  # type: ignore[union-attr]
            return None, 416
        return start, 206

    def _send_body(self, record: RequestRecord, body: Body, start: int, fault: Fault) -> None:
        source = Body(body.size, "wrong-bytes") if fault.wrong_bytes else body
        cut = fault.drop_after if fault.drop_after is not None else fault.stall_after
        for chunk in source.chunks(start, body.size - fault.short_by):
            if cut is not None and record.bytes_sent + len(chunk) >= cut:
                head = chunk[: cut - record.bytes_sent]
                self._write(record, head)
                if fault.drop_after is not None:
                    return self._drop()
                if not self._stall(fault.stall_seconds):
                    return self._drop()
                cut, chunk = None, chunk[len(head) :]
            self._write(record, chunk)
        if fault.short_by:
            self._drop()

    def _overflow(self, record: RequestRecord, body: Body, fault: Fault, send_body: bool) -> None:
        """A 200 whose body runs past what was announced (or never ends): a hostile server."""
        record.status = 200
        self.close_connection = True
        self.send_response(200)
        if not fault.endless:
            self.send_header("Content-Length", str(body.size))
        if fault.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        if not send_body:
            return
        if fault.endless:
            pieces = Body(ENDLESS_CAP, "endless").chunks(0, ENDLESS_CAP)
        else:
            extra = Body(fault.overlong_by, "overflow")
            pieces = itertools.chain(body.chunks(0, body.size), extra.chunks(0, extra.size))
        for chunk in pieces:
            if self.server.stopping.is_set():
                break
            if fault.chunked:
                self.wfile.write(f"{len(chunk):x}\r\n".encode())
            self._write(record, chunk)
            if fault.chunked:
                self.wfile.write(b"\r\n")
        if fault.chunked:
            self.wfile.write(b"0\r\n\r\n")
        self._drop()

    def _stall(self, seconds: float) -> bool:
        """Stay silent; False as soon as the client hung up (or the server stops)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0 and not self.server.stopping.is_set():
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.05))
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                return False
        return not self.server.stopping.is_set()

    def _write(self, record: RequestRecord, chunk: memoryview) -> None:
        if not chunk:
            return
        self.wfile.write(chunk)
        record.bytes_sent += len(chunk)
        rate = self.server.routes[record.path].rate
        if rate:
            ahead = record.started + record.bytes_sent / rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _status(
        self, record: RequestRecord, status: int, extra: dict[str, str] | None = None
    ) -> None:
        record.status = status
        body = f"{status}\n".encode()
        self.send_response(status)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1 << 30)
    parser.add_argument("--path", default="/file.bin")
    parser.add_argument("--rate", type=float, default=None, help="bytes/s per request")
    args = parser.parse_args()
    with FaultServer() as server:
        server.add_file(args.path, args.size)
        server.routes[args.path].rate = args.rate
        print(server.url(args.path), flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
