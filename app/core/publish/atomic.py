"""Whole-file rewrites that a crash leaves either old or new, and backups before edits.

For the app's own files (settings, queue, journal, caches) and for another
program's config that :func:`backup_copy` has copied aside first: the new text
goes to an exclusive temp beside the file, is fsynced, and replaces the file in
one rename, so a reader never sees half a file. The file's permission bits are
kept (a user's ``chmod 600`` survives an edit).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import threading
import time
from pathlib import Path

from app.core.errors import UserError

_BINARY = getattr(os, "O_BINARY", 0)
_BACKUP_TRIES = 1000


def write_text_atomic(
    path: Path, text: str, *, private: bool = False, encoding: str = "utf-8"
) -> None:
    """Replace ``path`` with ``text`` (bytes exactly as given: no newline translation).

    ``private`` makes the file owner-only (it may hold a token); otherwise an
    existing file keeps its mode and a new one gets 0o644 (less the umask).
    The temp name is created exclusively, so a file or link planted under it is
    never written through nor removed; only the temp this call made is cleaned
    up. Raises OSError (the caller words it for the user).
    """
    write_bytes_atomic(path, text.encode(encoding), private=private)


def write_bytes_atomic(path: Path, data: bytes, *, private: bool = False) -> None:
    """:func:`write_text_atomic` for bytes.

    A symlink to a file (a config shared between installs) stays a link: the
    file it points to is the one rewritten, with its temp beside it.
    """
    path = _through_link(path)
    mode = 0o600 if private else _mode_of(path)
    tmp = _write_temp(path, data, 0o600 if private else 0o644, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def write_text_new(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Create ``path`` holding ``text``, whole or not at all; FileExistsError if it exists.

    For a file that must not replace one appearing meanwhile (a config the user
    had none of when it was read): exclusive temp, fsync, no-replace publish;
    the temp this call made is removed in every case.
    """
    from app.core.publish.rename import publish_no_replace  # rename builds on this module

    tmp = _write_temp(path, text.encode(encoding), 0o644, None)
    try:
        publish_no_replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # still the file this call created: publish left it
        raise


def _write_temp(path: Path, data: bytes, create_mode: int, mode: int | None) -> Path:
    """A new, exclusively created ``.<name>.<tag>.tmp`` beside ``path`` holding ``data``, fsynced.

    ``mode`` (when given) is set exactly, past the umask; on any error the temp is removed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}.{threading.get_ident()}.{os.urandom(4).hex()}"
    tmp = path.with_name(f".{path.name}.{tag}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, create_mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_json_atomic(path: Path, data: object, *, private: bool = False) -> None:
    """Write ``data`` as readable JSON (:func:`json_text`) with :func:`write_text_atomic`."""
    write_text_atomic(path, json_text(data), private=private)


def json_text(data: object) -> str:
    r"""Readable JSON (UTF-8 as is), or all-ASCII escapes when text holds lone surrogates.

    A file name that is not valid UTF-8 reaches Python as surrogate escapes; written
    as JSON ``\u`` escapes it reads back as the very same string, so nothing is lost.
    """
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, indent=2, ensure_ascii=True) + "\n"
    return text


def backup_copy(path: Path, infix: str) -> Path | None:
    """Copy ``path`` to ``<name><infix><timestamp>[-N]`` beside it; None when there is no file.

    The backup name is created exclusively, so an earlier backup (or anything
    else) under that name is never overwritten: the next ``-N`` is tried. The
    copy keeps the file's times and mode (``copy2``) and is fsynced. Raises
    UserError when the copy cannot be made (the caller must then not edit).
    """
    if not path.exists():
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for counter in range(1, _BACKUP_TRIES + 1):
        suffix = stamp if counter == 1 else f"{stamp}-{counter}"
        backup = path.with_name(f"{path.name}{infix}{suffix}")
        try:
            fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise UserError(f"cannot back up {path} before changing it: {exc}") from exc
        try:
            _fill_backup(fd, path, backup)
        except OSError as exc:
            with contextlib.suppress(OSError):
                backup.unlink()  # the name was created by this call just above
            raise UserError(f"cannot back up {path} before changing it: {exc}") from exc
        return backup
    raise UserError(f"cannot back up {path}: {_BACKUP_TRIES} backup names are taken")


def _fill_backup(fd: int, source: Path, backup: Path) -> None:
    with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())
    shutil.copystat(source, backup)


def _through_link(path: Path) -> Path:
    """The regular file a symlink ``path`` resolves to, else ``path`` itself."""
    if not os.path.islink(path):
        return path
    real = Path(os.path.realpath(path))
    return real if real.is_file() else path


def _mode_of(path: Path) -> int | None:
    """The permission bits of the regular file at ``path``, or None (a new file)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else None


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); a hint where folders cannot be opened."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
