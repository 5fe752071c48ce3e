"""The least a Python download must do for issue 14's download row, as one small process.

``python benchmarks/download_floor.py URL OUT [--no-blake3] [--direct]`` fetches URL over
a raw socket (HTTP/1.1, ``Content-Length`` bodies only) into an exclusive ``OUT.part``,
with SHA-256 and BLAKE3 each on its own thread over the same reused buffers, starts the
writeback of every finished 8 MiB range (``sync_file_range``, as the app does),
``fsync``s and renames the file into place, and prints the SHA-256. No retries, resume,
redirects, TLS, progress, catalog or checks: everything the app does beyond this is
overhead on top of this floor. ``--direct`` writes with ``O_DIRECT`` instead (no page-cache
copy, no writeback to start). ``download_throughput.py --floor`` runs it against
``curl -o`` in the same rounds, which shows how close to the target any Python program
with these hashes and this durability can come on the machine.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import mmap
import os
import queue
import socket
import sys
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

CHUNK = 1 << 20
BUFFERS = 24
WRITEBACK_EVERY = 8 << 20
ALIGN = 4096


def fetch(url: str, out: str, *, blake3: bool, direct: bool) -> str:
    """Download ``url`` to ``out`` durably; return the SHA-256 of the bytes."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port or 80))
    request = f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n"
    sock.sendall(request.encode())
    head = b""
    while b"\r\n\r\n" not in head:
        data = sock.recv(65536)
        if not data:
            raise SystemExit("connection closed before the headers")
        head += data
    head, _, early = head.partition(b"\r\n\r\n")
    length = _content_length(head)
    part = out + ".part"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | (os.O_DIRECT if direct else 0)
    fd = os.open(part, flags, 0o600)
    plain_fd = os.open(part, os.O_WRONLY) if direct else fd  # the unaligned tail
    free: queue.SimpleQueue[mmap.mmap] = queue.SimpleQueue()
    for _ in range(BUFFERS):
        free.put(mmap.mmap(-1, CHUNK))
    sha = hashlib.sha256()
    digests: list[Callable[[memoryview], object]] = [sha.update]
    if blake3:
        from blake3 import blake3 as Blake3

        digests.append(Blake3().update)
    start_writeback = None if direct else _sync_file_range()
    offset = 0

    def write(view: memoryview, at: int) -> None:
        target = fd if (not direct or len(view) % ALIGN == 0) else plain_fd
        os.pwrite(target, view, at)
        end = at + len(view)
        if start_writeback is not None and end % WRITEBACK_EVERY == 0:
            start_writeback(fd, end - WRITEBACK_EVERY, WRITEBACK_EVERY, 2)

    workers = [_Worker(update) for update in digests] + [_Worker(None, write)]
    done = 0
    pending = memoryview(early)
    while done < length:
        buffer = free.get()
        view = memoryview(buffer)
        filled = min(len(pending), CHUNK, length - done)
        view[:filled] = pending[:filled]
        pending = pending[filled:]
        want = min(CHUNK, length - done)
        while filled < want:
            got = sock.recv_into(view[filled:want])
            if not got:
                raise SystemExit(f"connection ended at {done + filled:,} of {length:,} bytes")
            filled += got
        block = _Block(buffer, view[:filled], offset, len(workers), free)
        for worker in workers:
            worker.put(block)
        offset += filled
        done += filled
    for worker in workers:
        worker.finish()
    os.fsync(fd)
    os.close(fd)
    if plain_fd != fd:
        os.close(plain_fd)
    os.rename(part, out)
    return sha.hexdigest()


class _Block:
    """One filled buffer; back in the free pool once every worker is done with it."""

    def __init__(
        self, buffer: mmap.mmap, view: memoryview, offset: int, users: int, free: queue.SimpleQueue
    ) -> None:
        self.buffer, self.view, self.offset = buffer, view, offset
        self._left, self._lock, self._free = users, threading.Lock(), free

    def release(self) -> None:
        with self._lock:
            self._left -= 1
            last = self._left == 0
        if last:
            self.view.release()
            self._free.put(self.buffer)


class _Worker:
    """A thread that digests (or writes) blocks in order."""

    def __init__(
        self,
        update: Callable[[memoryview], object] | None,
        write: Callable[[memoryview, int], None] | None = None,
    ) -> None:
        self._update, self._write = update, write
        self._blocks: queue.SimpleQueue[_Block | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, daemon=True)
        if update is not None or write is not None:
            self._thread.start()

    def put(self, block: _Block) -> None:
        self._blocks.put(block)

    def finish(self) -> None:
        self._blocks.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (block := self._blocks.get()) is not None:
            if self._update is not None:
                self._update(block.view)
            else:
                assert self._write is not None
                self._write(block.view, block.offset)
            block.release()


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    raise SystemExit("the floor needs a Content-Length")


def _sync_file_range() -> Callable[[int, int, int, int], int] | None:
    try:
        func = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    return func  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("--no-blake3", action="store_true", help="SHA-256 only")
    parser.add_argument("--direct", action="store_true", help="O_DIRECT writes")
    args = parser.parse_args()
    print(fetch(args.url, args.out, blake3=not args.no_blake3, direct=args.direct))


if __name__ == "__main__":
    sys.exit(main())
