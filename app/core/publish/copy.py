"""A copy that is published only once its bytes are proven to be the source's.

Bytes are read once, by the app's hashing pipeline
(:func:`~app.core.hashing.hasher.hash_file`), which hands every block to the
writer of an :class:`~app.core.publish.temp.ExclusiveTemp` beside the final
name while it hashes, so a copy costs one read. Where the file system can share
extents (``FICLONE`` on btrfs, XFS) no bytes are copied at all and the source is
only hashed. A source that changes meanwhile (size, mtime, bytes written, or a
hash other than the one expected) is refused and the temp removed, so a partial
or torn copy never appears under a final name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserError
from app.core.hashing.hasher import hash_file
from app.core.hashing.records import FileHashes
from app.core.publish.temp import ExclusiveTemp, exclusive_temp
from app.core.safe_open import open_regular
from app.core.tasks import CancelToken, ProgressCallback, no_progress

FREE_SPACE_MARGIN = 64 << 20  # leave room for the catalog, logs, and the OS


def check_free_space(folder: Path, needed: int) -> None:
    """Raise UserError when ``folder``'s drive cannot take ``needed`` more bytes."""
    free = shutil.disk_usage(folder).free
    if free < needed + FREE_SPACE_MARGIN:
        raise UserError(
            f"not enough free space in {folder}: {needed:,} bytes needed, {free:,} free"
        )


@dataclass(frozen=True)
class HashedCopy:
    """A complete copy in an exclusive temp file, with the hashes of the bytes copied."""

    temp: ExclusiveTemp
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
    all_ids: bool = True,
    where: str | None = None,
) -> Iterator[HashedCopy]:
    """Copy ``source`` into an exclusive temp for ``final`` while hashing it; yield the copy.

    ``all_ids`` computes every ID (BLAKE3, addnet for LoRAs) besides SHA-256.
    The temp is removed on leaving unless :meth:`HashedCopy.publish` was called
    (a duplicate simply leaves). Raises UserError when the source changes
    meanwhile, or "cannot write to ``where``" (default: the folder) on a write error.
    """
    before = os.stat(source)
    check_free_space(final.parent, before.st_size)
    with exclusive_temp(final) as tmp:
        fd = tmp.fd
        assert fd is not None
        sink = (
            None if reflink(source, fd) else _dest_writes(tmp.writer(), where or str(final.parent))
        )
        hashes = hash_file(
            source,
            progress=progress,
            cancel=cancel,
            blake3=all_ids,
            addnet=None if all_ids else False,
            sink=sink,
        )
        after = os.stat(source)
        written = os.fstat(fd).st_size
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or (
            written != after.st_size
        ):
            raise UserError(f"{source} changed while it was copied; try again")
        yield HashedCopy(tmp, hashes, written, (after.st_atime_ns, after.st_mtime_ns))


def copy_verified(
    source: Path,
    final: Path,
    *,
    expected_sha256: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    where: str | None = None,
) -> str:
    """Copy ``source`` to ``final`` (which must not exist) and return the SHA-256 copied.

    With ``expected_sha256`` the bytes read must hash to it (the source did not change
    since it was hashed); without it the written file is read back and compared.
    FileExistsError when ``final`` exists by then (nothing is replaced; the temp goes);
    UserError for a changed source or, naming ``where``, a write error.
    """
    with hashed_copy(
        source, final, progress=progress, cancel=cancel, all_ids=False, where=where
    ) as copy:
        sha = copy.hashes.sha256
        if expected_sha256 is not None and sha != expected_sha256:
            raise UserError(f"{source} changed while it was copied; try again")
        if expected_sha256 is None and _sha256_of(copy.temp.path, cancel) != sha:
            raise UserError(f"the copy of {source} in {final.parent} reads back differently")
        copy.publish(final)
    return sha


def _sha256_of(path: Path, cancel: CancelToken | None) -> str:
    return hash_file(path, cancel=cancel, blake3=False, addnet=False).sha256


def _dest_writes(write: Callable[[memoryview], None], where: str) -> Callable[[memoryview], None]:
    """``write``, with its OSError (disk full, I/O error) told apart from the source's."""

    def sink(block: memoryview) -> None:
        try:
            write(block)
        except OSError as exc:
            raise UserError(f"cannot write to {where}: {exc.strerror or exc}") from exc

    return sink


_FICLONE = 0x40049409  # linux/fs.h _IOW(0x94, 9, int)


def reflink(source: Path, fd: int) -> bool:
    """Share ``source``'s extents with ``fd`` (copy-on-write); False where not supported."""
    if not hasattr(os, "copy_file_range"):  # Linux only; fcntl.ioctl exists elsewhere too
        return False
    import fcntl

    try:
        with open_regular(source, buffering=0) as src:
            fcntl.ioctl(fd, _FICLONE, src.fileno())
    except OSError:  # EOPNOTSUPP (ext4, tmpfs), EXDEV (another file system), EINVAL
        return False
    return True
