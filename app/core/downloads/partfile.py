"""The ``.part`` file a download streams into, and what the server said about it.

Beside ``<name>.part`` sits ``<name>.part.json`` with the ETag / Last-Modified
and total size of the response the bytes came from: a later resume sends them
in ``If-Range`` so a file that changed upstream is restarted, not spliced.
The hasher always covers exactly the bytes on disk.
"""

from __future__ import annotations

import errno
import io
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from app.core.downloads.hashing import StreamHasher, hash_prefix
from app.core.downloads.writeback import Writeback
from app.core.errors import UserError
from app.core.tasks import CancelToken

PART_SUFFIX = ".part"
META_SUFFIX = ".part.json"


@dataclass(frozen=True)
class Validator:
    """Identity of the remote bytes that the ``.part`` holds a prefix of."""

    etag: str | None
    last_modified: str | None
    total: int | None

    @property
    def if_range(self) -> str | None:
        """Value for ``If-Range``: a strong ETag, else Last-Modified, else None."""
        if self.etag and not self.etag.startswith("W/"):
            return self.etag
        return self.last_modified

    @property
    def resumable(self) -> bool:
        """A prefix can only be trusted if we can tell the file did not change."""
        return self.if_range is not None or self.total is not None


class PartFile:
    """Append-only writer for ``<target>.part`` with its hasher and sidecar."""

    def __init__(self, target: Path, *, fsync: bool = True) -> None:
        self.path = target.with_name(target.name + PART_SUFFIX)
        self.meta_path = target.with_name(target.name + META_SUFFIX)
        self.validator: Validator | None = None
        self.hasher = StreamHasher()
        self._fsync = fsync
        self._handle: io.FileIO | None = None
        self._writeback: Writeback | None = None

    @property
    def size(self) -> int:
        """Bytes on disk (and hashed) so far."""
        return self.hasher.size

    def load_existing(self, cancel: CancelToken | None = None) -> int:
        """Adopt a resumable ``.part`` (hashing its bytes once) and return its size.

        A ``.part`` with no readable sidecar cannot be proven to match the remote
        file, so it is discarded.
        """
        validator = self._read_meta()
        length = self.path.stat().st_size if self.path.exists() else 0
        if validator is None or not validator.resumable or length == 0:
            self.discard()
            return 0
        if validator.total is not None and length > validator.total:
            self.discard()
            return 0
        self.validator = validator
        self.hasher = hash_prefix(self.path, length, cancel)
        return length

    def restart(self, validator: Validator) -> None:
        """Start over at byte 0 for a response described by ``validator``."""
        self.close()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("wb"):
            pass
        self.hasher = StreamHasher()
        self.validator = validator
        self._write_meta(validator)

    def write(self, chunk: bytes) -> None:
        """Append ``chunk`` and hash it; on a failed write the file is cut back."""
        handle = self._open()
        try:
            view = memoryview(chunk)
            while view:
                view = view[handle.write(view) :]
        except OSError as exc:
            handle.truncate(self.size)
            handle.seek(self.size)
            raise _disk_error(exc, self.path) from exc
        self.hasher.update(chunk)
        if self._writeback is not None:
            self._writeback.wrote(self.size)

    def finish(self) -> None:
        """Flush (and fsync) before the file is renamed into place."""
        if self._handle is not None and self._fsync:
            os.fsync(self._handle.fileno())
        self.close()

    def close(self) -> None:
        """Close the handle and stop hashing threads; the bytes stay for a later resume."""
        self.hasher.close()
        if self._writeback is not None:
            self._writeback.close()
            self._writeback = None
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def discard(self) -> None:
        """Delete the ``.part`` and its sidecar."""
        self.close()
        self.path.unlink(missing_ok=True)
        self.meta_path.unlink(missing_ok=True)
        self.hasher = StreamHasher()
        self.validator = None

    def drop_meta(self) -> None:
        """Remove the sidecar once the bytes left the ``.part`` name."""
        self.meta_path.unlink(missing_ok=True)

    def _open(self) -> io.FileIO:
        if self._handle is None:
            handle = io.FileIO(self.path, "r+b" if self.path.exists() else "w+b")
            if os.fstat(handle.fileno()).st_size != self.size:
                # Only when needed: ext4 flushes a file truncated to 0 on close.
                handle.truncate(self.size)
            handle.seek(self.size)
            self._handle = handle
            self._writeback = Writeback(handle.fileno()) if self._fsync else None
        return self._handle

    def _read_meta(self) -> Validator | None:
        try:
            raw = json.loads(self.meta_path.read_text(encoding="utf-8"))
            total = raw.get("total")
            return Validator(
                etag=raw.get("etag") or None,
                last_modified=raw.get("last_modified") or None,
                total=int(total) if total is not None else None,
            )
        except (OSError, ValueError, TypeError, AttributeError):
            return None

    def _write_meta(self, validator: Validator) -> None:
        self.meta_path.write_text(json.dumps(asdict(validator)), encoding="utf-8")


def _disk_error(exc: OSError, path: Path) -> UserError:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return UserError(f"the disk is full while writing {path}; free some space and resume")
    return UserError(f"cannot write {path}: {exc.strerror or exc}")
