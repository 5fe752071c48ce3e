"""Put one file into the library: a streamed, verified copy, a move, or a hard link.

Copies are read in 8 MiB chunks into a temp file beside the destination, hashed
while they are written, and published under the real name only when the hash is
the one expected, so neither a cancel nor a kill leaves a partial file under a
final name. Free space is checked before the first byte is written.

:func:`hashed_copy` is the import's copy of a file not hashed yet: every ID
(:func:`~app.core.hashing.hasher.hash_file`) is computed from the same reads that
feed the copy, so the source is read once. Measured on the 2-core ext4 machine
(``benchmarks/import_speed.py --strategies``): one read + write + hash pass takes
0.10 s for 160 MiB, ``copy_file_range`` then a hash of the cached pages 0.15 s,
so the kernel copy is used only as a reflink (``FICLONE``: no bytes are copied at
all) where the file system has one (btrfs, XFS).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserError
from app.core.hashing.hasher import hash_file
from app.core.hashing.records import FileHashes
from app.core.library.tempfiles import TempFile
from app.core.library.writeback import block_writer
from app.core.safe_open import open_regular
from app.core.tasks import CancelToken, ProgressCallback, no_progress

CHUNK_SIZE = 8 << 20
FREE_SPACE_MARGIN = 64 << 20  # leave room for the catalog, logs, and the OS


def check_free_space(folder: Path, needed: int) -> None:
    """Raise UserError when ``folder``'s drive cannot take ``needed`` more bytes."""
    free = shutil.disk_usage(folder).free
    if free < needed + FREE_SPACE_MARGIN:
        raise UserError(
            f"not enough free space in {folder}: {needed:,} bytes needed, {free:,} free"
        )


def copy_verified(
    source: Path,
    final: Path,
    *,
    expected_sha256: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> str:
    """Copy ``source`` to ``final`` (which must not exist) and return the SHA-256 copied.

    With ``expected_sha256`` the bytes read must hash to it (the source did not change
    since it was hashed); without it the written file is read back and compared.
    """
    size = os.stat(source).st_size
    check_free_space(final.parent, size)
    with TempFile(final) as tmp:
        assert tmp.fd is not None
        sha = _stream(source, tmp.fd, size, progress, cancel)
        os.fsync(tmp.fd)
        if expected_sha256 is not None and sha != expected_sha256:
            raise UserError(f"{source} changed while it was copied; try again")
        if expected_sha256 is None and _sha256_of(tmp.path, cancel) != sha:
            raise UserError(f"the copy of {source} in {final.parent} reads back differently")
        st = os.stat(source)
        os.utime(tmp.path, ns=(st.st_atime_ns, st.st_mtime_ns))
        tmp.publish()
    return sha


@dataclass(frozen=True)
class HashedCopy:
    """A complete copy in the library's temp file, with the hashes of the bytes copied."""

    temp: TempFile
    hashes: FileHashes
    size: int
    source_times: tuple[int, int]  # (atime_ns, mtime_ns), given to the published file

    def publish(self, final: Path) -> Path:
        """Give the copy its final name (flushed to disk first, never replacing a file)."""
        os.utime(self.temp.path, ns=self.source_times)
        return self.temp.publish(final)


@contextlib.contextmanager
def hashed_copy(
    source: Path,
    final: Path,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Iterator[HashedCopy]:
    """Copy ``source`` into an exclusive temp for ``final`` while hashing it; yield the copy.

    The temp is removed on leaving unless :meth:`HashedCopy.publish` was called
    (a duplicate simply leaves). Raises UserError when the source changes meanwhile.
    """
    before = os.stat(source)
    check_free_space(final.parent, before.st_size)
    with TempFile(final) as tmp:
        fd = tmp.fd
        assert fd is not None
        if _reflink(source, fd):
            hashes = hash_file(source, progress=progress, cancel=cancel)
        else:
            hashes = hash_file(
                source, progress=progress, cancel=cancel, sink=_library_writes(block_writer(fd))
            )
        after = os.stat(source)
        written = os.fstat(fd).st_size
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or (
            written != after.st_size
        ):
            raise UserError(f"{source} changed while it was copied; try again")
        yield HashedCopy(tmp, hashes, written, (after.st_atime_ns, after.st_mtime_ns))


def _library_writes(write: Callable[[memoryview], None]) -> Callable[[memoryview], None]:
    """``write``, with its OSError (disk full, I/O error) told apart from the source's."""

    def sink(block: memoryview) -> None:
        try:
            write(block)
        except OSError as exc:
            raise UserError(f"cannot write to the library: {exc.strerror or exc}") from exc

    return sink


_FICLONE = 0x40049409  # linux/fs.h _IOW(0x94, 9, int)


def _reflink(source: Path, fd: int) -> bool:
    """Share ``source``'s extents with the temp (copy-on-write); False where not supported."""
    if not hasattr(os, "copy_file_range"):  # Linux only; fcntl.ioctl exists elsewhere too
        return False
    import fcntl

    try:
        with open_regular(source, buffering=0) as src:
            fcntl.ioctl(fd, _FICLONE, src.fileno())
    except OSError:  # EOPNOTSUPP (ext4, tmpfs), EXDEV (another file system), EINVAL
        return False
    return True


def _stream(
    source: Path, fd: int, size: int, progress: ProgressCallback, cancel: CancelToken | None
) -> str:
    sha = hashlib.sha256()
    view = memoryview(bytearray(min(CHUNK_SIZE, max(size, 1))))
    done = 0
    with open(source, "rb", buffering=0) as src:
        while True:
            if cancel is not None:
                cancel.raise_if_cancelled()
            count = src.readinto(view)
            if not count:
                break
            chunk = view[:count]
            sha.update(chunk)
            _write_all(fd, chunk)
            done += count
            progress(done, size)
    if done != size:
        raise UserError(f"{source} changed size while it was copied; try again")
    return sha.hexdigest()


def _write_all(fd: int, chunk: memoryview) -> None:
    while chunk:
        written = os.write(fd, chunk)
        chunk = chunk[written:]


def _sha256_of(path: Path, cancel: CancelToken | None) -> str:
    sha = hashlib.sha256()
    with open(path, "rb", buffering=0) as fh:
        while block := fh.read(CHUNK_SIZE):
            if cancel is not None:
                cancel.raise_if_cancelled()
            sha.update(block)
    return sha.hexdigest()


def same_drive(source: Path, folder: Path) -> bool:
    """Whether ``source`` and ``folder`` are on one file system (rename and link work)."""
    try:
        return os.stat(source).st_dev == os.stat(folder).st_dev
    except OSError:
        return False


def move_file(
    source: Path,
    final: Path,
    *,
    expected_sha256: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> None:
    """Move ``source`` to ``final`` without replacing anything there.

    On one drive the file is renamed (a new name first, then the old one removed);
    across drives it is copied and verified, and only then is the source deleted.
    """
    if not same_drive(source, final.parent):
        copy_verified(
            source, final, expected_sha256=expected_sha256, progress=progress, cancel=cancel
        )
        os.unlink(source)
        return
    try:
        os.link(source, final)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(final):
            raise FileExistsError(errno.EEXIST, "File exists", str(final)) from None
        os.rename(source, final)
        return
    os.unlink(source)


def hardlink_file(source: Path, final: Path) -> None:
    """Give ``source`` a second name ``final``; a clear error when the drive cannot."""
    try:
        os.link(source, final)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno == errno.EXDEV or not same_drive(source, final.parent):
            raise UserError(
                f"a hard link cannot reach {final.parent} from another drive; copy or move instead"
            ) from exc
        raise UserError(f"this drive does not allow hard links: {exc.strerror or exc}") from exc
