"""The temporary files this app created, so that only those are ever removed.

A name proves nothing: anyone can leave a ``.x.vaem-tmp`` or ``x.part`` beside a
model file, and a user's own file may happen to carry such a name. So every temp
file is created with ``O_CREAT | O_EXCL`` (an existing name is never adopted)
and recorded, by path and identity (device, inode), in a journal in the app's
data folder. A file counts as the app's only while its name still holds that
identity: after a crash the journal lets the next run take over or sweep its own
leftovers, while a planted or replaced file of the same name is left alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from app.core.lazy_log import lazy_logger
from app.core.paths import app_paths

log = lazy_logger(__name__)

JOURNAL_DIR = "owned-temp-files"
_BINARY = getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class Identity:
    """Which file a name holds: the same name with another inode is another file."""

    dev: int
    ino: int

    @classmethod
    def of_fd(cls, fd: int) -> Identity:
        """The identity of an open file."""
        st = os.fstat(fd)
        return cls(st.st_dev, st.st_ino)

    @classmethod
    def of_path(cls, path: Path) -> Identity | None:
        """The identity of the regular file at ``path`` (not following a link), else None."""
        try:
            st = os.lstat(path)
        except OSError:
            return None
        return cls(st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def create_exclusive(path: Path, mode: int = 0o644) -> tuple[int, Identity]:
    """Create ``path`` (FileExistsError if the name is taken, even by a link) and record it.

    Returns a read-write descriptor and the new file's identity, which the caller
    keeps: the journal is only needed after a crash, so failing to write it is
    logged, not raised.
    """
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR | _BINARY, mode)
    identity = Identity.of_fd(fd)
    try:
        _write_entry(path, identity)
    except OSError as exc:
        log.warning("cannot record temp file %s in the journal: %s", path, exc)
    return fd, identity


def recorded(path: Path) -> Identity | None:
    """The identity the journal holds for ``path``, if the app created a file there."""
    try:
        data = json.loads(_entry(path).read_text(encoding="utf-8"))
        if data.get("path") != _key(path):
            return None
        return Identity(int(data["dev"]), int(data["ino"]))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def is_ours(path: Path, identity: Identity | None = None) -> bool:
    """Whether ``path`` still is the file the app created (``identity`` if known in memory)."""
    expected = identity or recorded(path)
    return expected is not None and Identity.of_path(path) == expected


def remove_ours(path: Path, identity: Identity | None = None) -> bool:
    """Delete ``path`` if it is still the app's own file; True when it was removed.

    Anything else under that name (planted, replaced, or a user's file) stays.
    """
    if not is_ours(path, identity):
        if not os.path.lexists(path):
            forget(path)
        return False
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    forget(path)
    return True


def forget(path: Path) -> None:
    """Drop the journal entry (the file was published, removed, or is no longer ours)."""
    with contextlib.suppress(OSError):
        _entry(path).unlink(missing_ok=True)


def _write_entry(path: Path, identity: Identity) -> None:
    from app.core.publish.atomic import write_json_atomic  # publish's temp files use this module

    data = {"path": _key(path), "dev": identity.dev, "ino": identity.ino}
    write_json_atomic(_entry(path), data)


def _key(path: Path) -> str:
    """The absolute path as hex of its bytes (names with invalid UTF-8 survive JSON)."""
    return os.fsencode(os.path.normcase(os.path.abspath(path))).hex()


def _entry(path: Path) -> Path:
    digest = hashlib.sha256(_key(path).encode("ascii")).hexdigest()[:40]
    return app_paths().data_dir / JOURNAL_DIR / f"{digest}.json"
