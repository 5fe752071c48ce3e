"""Put one file into the library by a move or a hard link, never replacing a file.

Copies are :func:`app.core.publish.copy_verified` (one read, hashed while
written, published only when proven); a move across drives is such a copy,
then the source's removal. :func:`app.core.publish.hashed_copy` is the import's
copy of a file not hashed yet. Measured on the 2-core ext4 machine
(``benchmarks/import_speed.py --strategies``): one read + write + hash pass takes
0.10 s for 160 MiB, ``copy_file_range`` then a hash of the cached pages 0.15 s,
so the kernel copy is used only as a reflink (``FICLONE``: no bytes are copied at
all) where the file system has one (btrfs, XFS).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from app.core.errors import UserError
from app.core.publish import copy_verified, publish_no_replace, same_drive
from app.core.tasks import CancelToken, ProgressCallback, no_progress

LIBRARY = "the library"  # how a write error into the library is worded


def move_file(
    source: Path,
    final: Path,
    *,
    expected_sha256: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> None:
    """Move ``source`` to ``final`` without replacing anything there.

    On one drive the file is renamed without replacing (FileExistsError if the
    name is taken); across drives it is copied and verified, and only then is
    the source deleted.
    """
    if not same_drive(source, final.parent):
        copy_verified(
            source,
            final,
            expected_sha256=expected_sha256,
            progress=progress,
            cancel=cancel,
            where=LIBRARY,
        )
        os.unlink(source)
        return
    publish_no_replace(source, final)


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
