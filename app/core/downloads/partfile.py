"""The ``.part`` file a download streams into, and what the server said about it.

Beside ``<name>.part`` sits ``<name>.part.json`` with the ETag / Last-Modified
and total size of the response the bytes came from: a later resume sends them
in ``If-Range`` so a file that changed upstream is restarted, not spliced.
The hasher always covers exactly the bytes on disk, adopted prefix included,
so a pinned hash verifies the whole file.

Both files are created exclusively and recorded as the app's own
(:mod:`app.core.owned_files`). Only those are resumed or removed: a ``.part``
the app did not create (planted, or a browser's) is left untouched and the
download uses ``<name>.<random>.part`` beside it instead.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from app.core.downloads.hashing import StreamHasher, hash_prefix
from app.core.downloads.writeback import Writeback
from app.core.errors import UserError
from app.core.owned_files import Identity, create_exclusive, is_ours, remove_ours
from app.core.publish.temp import OwnedTemp
from app.core.tasks import CancelToken

PART_SUFFIX = ".part"
META_SUFFIX = ".part.json"
_OTHER_SLOTS = 8  # randomised names tried when ``<name>.part`` holds a foreign file
_TOKEN_HEX = 8


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


class PartFile(OwnedTemp):
    """Append-only writer for ``<target>.part`` with its hasher and sidecar.

    The publish module's temp file (:class:`~app.core.publish.temp.OwnedTemp`:
    exclusive creation in the owned-files journal, fsync, no-replace publish,
    removal of the app's own file only) with resume as the extra: a stable name
    found again by :func:`own_parts`, the sidecar, and the hasher carried over.
    """

    def __init__(self, target: Path, *, fsync: bool = True) -> None:
        super().__init__(target, target.with_name(target.name + PART_SUFFIX))
        self.validator: Validator | None = None
        self.hasher = StreamHasher()
        self._fsync = fsync
        self._writeback: Writeback | None = None

    @property
    def target(self) -> Path:
        """The final name the download is for."""
        return self.final

    @property
    def meta_path(self) -> Path:
        """The sidecar beside the current ``.part``."""
        return self.path.with_name(self.path.name + ".json")

    @property
    def size(self) -> int:
        """Bytes on disk (and hashed) so far."""
        return self.hasher.size

    def load_existing(self, cancel: CancelToken | None = None) -> int:
        """Adopt the app's own resumable ``.part`` (hashing its bytes once); return its size.

        An own ``.part`` whose sidecar is missing or cannot be trusted is
        discarded; a ``.part`` the app did not create is never adopted nor touched.
        """
        found = next(own_parts(self.target), None)
        if found is None:
            return 0
        self._adopt(*found)
        validator = self._read_meta()
        length = self.path.stat().st_size
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
        self.hasher = StreamHasher()
        if self.identity is not None and is_ours(self.path, self.identity):
            os.truncate(self.path, 0)
        else:
            self._claim_slot()
        self.validator = validator
        self._write_meta(validator)

    def write(self, chunk: bytes) -> None:
        """Append ``chunk`` and hash it; on a failed write the file is cut back.

        The :class:`Writeback` helper starts writing finished ranges to disk
        while the rest streams in, so :meth:`finish`'s ``fsync`` only waits for the tail.
        """
        fd = self._open()
        try:
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
        except OSError as exc:
            os.ftruncate(fd, self.size)
            os.lseek(fd, self.size, os.SEEK_SET)
            raise _disk_error(exc, self.path) from exc
        self.hasher.update(chunk)
        if self._writeback is not None:
            self._writeback.wrote(self.size)

    def sync(self) -> None:
        """fsync, unless this download was told not to (benchmarks, tests)."""
        if self._fsync:
            super().sync()

    def finish(self) -> None:
        """Flush (and fsync) before the file is renamed into place."""
        self.sync()
        self.close()

    def close(self) -> None:
        """Close the handle and stop hashing threads; the bytes stay for a later resume."""
        self.hasher.close()
        if self._writeback is not None:
            self._writeback.close()
            self._writeback = None
        super().close()

    def publish(self, final: Path | None = None) -> Path:
        """Give the bytes their final name (never replacing a file) and drop the sidecar."""
        meta = self.meta_path
        placed = super().publish(final)
        remove_ours(meta)
        return placed

    def discard(self) -> None:
        """Delete the ``.part`` and its sidecar, if they are the app's own."""
        self.remove()
        remove_ours(self.meta_path)
        self.hasher = StreamHasher()
        self.validator = None

    def _claim_slot(self) -> None:
        """Create a new ``.part`` (and no sidecar yet) under a name nothing else holds."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        default = self.target.with_name(self.target.name + PART_SUFFIX)
        for path in [default] + [_other_slot(self.target) for _ in range(_OTHER_SLOTS)]:
            meta = path.with_name(path.name + ".json")
            if os.path.lexists(meta) and not remove_ours(meta):
                continue  # a sidecar that is not the app's: leave the pair alone
            try:
                self.fd = self._create(path)
            except FileExistsError:
                continue
            self._start_writeback()
            return
        raise UserError(f"cannot create a partial file for {self.target}: every name is taken")

    def _open(self) -> int:
        """The open ``.part``, reopened (and checked to be the same file) after a close."""
        if self.fd is None:
            if self.identity is None:
                raise UserError(f"{self.path} is not this download's partial file")
            try:
                fd = os.open(self.path, os.O_RDWR | getattr(os, "O_BINARY", 0))
            except OSError as exc:
                raise UserError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
            if Identity.of_fd(fd) != self.identity:
                os.close(fd)
                raise UserError(f"{self.path} was replaced by another file; not writing into it")
            if os.fstat(fd).st_size != self.size:
                # Only when needed: ext4 flushes a file truncated to 0 on close.
                os.ftruncate(fd, self.size)
            os.lseek(fd, self.size, os.SEEK_SET)
            self.fd = fd
            self._start_writeback()
        return self.fd

    def _start_writeback(self) -> None:
        if self.fd is not None and self._fsync:
            self._writeback = Writeback(self.fd, self.size)

    def _read_meta(self) -> Validator | None:
        if not is_ours(self.meta_path):
            return None
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
        data = json.dumps(asdict(validator)).encode("utf-8")
        meta = self.meta_path
        if is_ours(meta):
            fd = os.open(meta, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_BINARY", 0))
        else:
            try:
                fd, _identity = create_exclusive(meta)
            except FileExistsError as exc:
                raise UserError(f"{meta} appeared and is not this app's; not resuming") from exc
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)


def own_parts(target: Path) -> Iterator[tuple[Path, Identity]]:
    """The app's own ``.part`` files for ``target`` (the plain name first) with identities."""
    plain = target.name + PART_SUFFIX
    try:
        names = sorted(os.listdir(target.parent), key=lambda n: (n != plain, n))
    except OSError:
        return
    for name in names:
        if name == plain or _is_other_slot(target.name, name):
            identity = Identity.of_path(target.parent / name)
            if identity is not None and is_ours(target.parent / name, None):
                yield target.parent / name, identity


def discard_own_parts(target: Path) -> int:
    """Remove every ``.part`` (and sidecar) of ``target`` that the app made; return how many."""
    count = 0
    for path, identity in list(own_parts(target)):
        count += remove_ours(path, identity)
        remove_ours(path.with_name(path.name + ".json"))
    return count


def _other_slot(target: Path) -> Path:
    return target.with_name(f"{target.name}.{secrets.token_hex(_TOKEN_HEX // 2)}{PART_SUFFIX}")


def _is_other_slot(target_name: str, name: str) -> bool:
    head, tail = target_name + ".", PART_SUFFIX
    if not (name.startswith(head) and name.endswith(tail)):
        return False
    token = name[len(head) : -len(tail)]
    return len(token) == _TOKEN_HEX and all(c in "0123456789abcdef" for c in token)


def _disk_error(exc: OSError, path: Path) -> UserError:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return UserError(f"the disk is full while writing {path}; free some space and resume")
    return UserError(f"cannot write {path}: {exc.strerror or exc}")
