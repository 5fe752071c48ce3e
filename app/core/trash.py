"""Move files to the system trash (never a hard delete), and put them back on Linux.

``send2trash`` does the trashing on every system. On Linux (and other freedesktop
systems) it follows the trash spec: the file goes to ``$XDG_DATA_HOME/Trash`` when
it is on the home drive, else to ``$topdir/.Trash/$uid`` or ``$topdir/.Trash-$uid``
of its drive, with an ``info/<name>.trashinfo`` that records ``Path`` (URL-quoted,
relative to the trash's top folder when inside it) and ``DeletionDate``
(send2trash ``plat_other.py``: ``info_for``, ``trash_move``,
``find_ext_volume_trash``). Right after trashing, :func:`move_to_trash` finds that
entry (same Path, recent DeletionDate, same inode) so undo can rename it back; on
Windows and macOS the Recycle Bin / Trash has no such record the app can use, so
undo says plainly where the file is.
"""

from __future__ import annotations

import configparser
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from app.core.errors import Doing, UserError, from_os_error
from app.core.publish import publish_no_replace, same_drive

_INFO_SUFFIX = ".trashinfo"
_CLOCK_SLACK_S = 2.0  # DeletionDate has whole seconds, local time


def freedesktop() -> bool:
    """Whether this system's trash is the freedesktop one the app can restore from."""
    return sys.platform not in ("win32", "darwin")


def trash_name() -> str:
    """What the user calls the trash here."""
    if sys.platform == "win32":
        return "the Recycle Bin"
    return "the Trash" if sys.platform == "darwin" else "the trash"


@dataclass(frozen=True)
class TrashedFile:
    """A file the app moved to the trash, and where it lies there when that is known."""

    original: Path
    size: int
    dev: int
    ino: int
    trashed_at: float
    trash_path: Path | None = None  # files/<name> in a freedesktop trash
    info_path: Path | None = None  # info/<name>.trashinfo beside it

    def to_json(self) -> dict[str, object]:
        """Plain JSON (also a journal step's data)."""
        return {
            "original": os.fspath(self.original),
            "size": self.size,
            "dev": self.dev,
            "ino": self.ino,
            "trashed_at": self.trashed_at,
            "trash_path": os.fspath(self.trash_path) if self.trash_path else None,
            "info_path": os.fspath(self.info_path) if self.info_path else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> TrashedFile:
        """Inverse of :meth:`to_json`."""
        trash, info = data.get("trash_path"), data.get("info_path")
        return cls(
            Path(str(data["original"])),
            int(str(data["size"])),
            int(str(data["dev"])),
            int(str(data["ino"])),
            float(str(data["trashed_at"])),
            Path(trash) if isinstance(trash, str) else None,
            Path(info) if isinstance(info, str) else None,
        )


def move_to_trash(path: Path) -> TrashedFile | None:
    """Trash ``path`` (a file, a link or a folder); None when nothing is there.

    UserError when the system refuses; the file is then left in place.
    """
    path = Path(os.path.abspath(path))
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise from_os_error(exc, Doing.OPEN, path) from exc
    from send2trash import send2trash
    from send2trash.exceptions import TrashPermissionError

    _follow_data_home(send2trash.__module__)
    started = time.time()
    try:
        send2trash(os.fspath(path))
    except TrashPermissionError as exc:
        raise UserError(
            f"cannot move {path} to the trash: this drive has no trash folder the app may "
            "use; the file was left in place."
        ) from exc
    except OSError as exc:
        raise UserError(
            f"cannot move {path} to the trash ({exc}); the file was left in place."
        ) from exc
    found = find_in_trash(path, st.st_dev, st.st_ino, since=started) if freedesktop() else None
    trash_path, info_path = found if found else (None, None)
    return TrashedFile(path, st.st_size, st.st_dev, st.st_ino, started, trash_path, info_path)


def _data_home() -> Path:
    return Path(os.path.expanduser(os.environ.get("XDG_DATA_HOME") or "~/.local/share"))


def _follow_data_home(backend: str) -> None:
    """Point send2trash's own freedesktop code at today's ``$XDG_DATA_HOME``.

    It reads the variable once, when imported (``plat_other.py``: ``XDG_DATA_HOME``,
    ``HOMETRASH_B``); the home trash must be the one :func:`trash_dirs` searches
    when the environment changed since (a test's private home, a re-exec).
    """
    if backend != "send2trash.plat_other":
        return  # gio / Windows / macOS keep their own rules
    from send2trash import plat_other

    data = os.fsencode(_data_home())
    plat_other.XDG_DATA_HOME = data
    plat_other.HOMETRASH_B = os.path.join(data, b"Trash")
    plat_other.HOMETRASH = os.fsdecode(plat_other.HOMETRASH_B)


def trash_dirs(original: Path) -> list[Path]:
    """The freedesktop trash folders a file at ``original`` may have gone to."""
    found = [_data_home() / "Trash"]
    try:  # send2trash reads XDG_DATA_HOME once, at import
        from send2trash import plat_other

        found.append(Path(os.fsdecode(plat_other.HOMETRASH_B)))
    except ImportError:
        pass
    top = _mount_point(original.parent)
    uid = os.getuid() if hasattr(os, "getuid") else 0
    found += [top / ".Trash" / str(uid), top / f".Trash-{uid}"]
    return list(dict.fromkeys(found))


def _mount_point(folder: Path) -> Path:
    path = Path(os.path.realpath(_existing(folder)))
    while not os.path.ismount(path) and path != path.parent:
        path = path.parent
    return path


def _existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _info_path_value(info: Path) -> tuple[str, float] | None:
    """(Path, DeletionDate as a timestamp) of a .trashinfo; None when unreadable."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(info.read_text(encoding="utf-8", errors="surrogateescape"))
        section = parser["Trash Info"]
        value = unquote(section["Path"], errors="surrogateescape")
        when = time.mktime(time.strptime(section["DeletionDate"], "%Y-%m-%dT%H:%M:%S"))
    except (OSError, KeyError, ValueError, configparser.Error):
        return None
    return value, when


def _same_place(recorded: str, trash_dir: Path, original: Path) -> bool:
    """Whether a .trashinfo Path names ``original`` (relative Paths are from the trash's top)."""
    candidate = Path(recorded)
    if not candidate.is_absolute():
        candidate = trash_dir.parent / candidate
        if trash_dir.parent.name == ".Trash":  # $topdir/.Trash/$uid
            candidate = trash_dir.parent.parent / recorded
    for a, b in ((candidate, original), (_real_parent(candidate), _real_parent(original))):
        if os.path.normpath(a) == os.path.normpath(b):
            return True
    return False


def _real_parent(path: Path) -> Path:
    return Path(os.path.realpath(path.parent)) / path.name


def find_in_trash(
    original: Path, dev: int | None, ino: int | None, *, since: float
) -> tuple[Path, Path] | None:
    """The (files/NAME, info/NAME.trashinfo) of ``original`` trashed at ``since`` or later.

    Matched by the .trashinfo's Path and DeletionDate, then by the file's inode (a
    rename keeps it; a copy to the home trash across drives does not, so there any
    matching entry of the right time is taken).
    """
    best: tuple[float, Path, Path] | None = None
    for trash in trash_dirs(original):
        info_dir = trash / "info"
        try:
            names = [n for n in os.listdir(info_dir) if n.endswith(_INFO_SUFFIX)]
        except OSError:
            continue
        for name in names:
            parsed = _info_path_value(info_dir / name)
            if parsed is None or parsed[1] < since - _CLOCK_SLACK_S:
                continue
            if not _same_place(parsed[0], trash, original):
                continue
            stored = trash / "files" / name[: -len(_INFO_SUFFIX)]
            try:
                st = os.lstat(stored)
            except OSError:
                continue
            if ino is not None and st.st_dev == dev and st.st_ino != ino:
                continue
            if best is None or parsed[1] > best[0]:
                best = (parsed[1], stored, info_dir / name)
    return (best[1], best[2]) if best else None


def restore(trashed: TrashedFile) -> str:
    """Put a trashed file back under its old name; plain words for what happened.

    Refuses (UserError, nothing touched) off freedesktop systems, when the trash
    no longer holds the file, when what the trash holds under that entry is not the
    file the app trashed, and when the original name is taken.
    """
    where = trash_name()
    if not freedesktop():
        raise UserError(
            f"{trashed.original.name} is in {where}; restore it from there "
            f"(the app cannot take files out of {where} on this system)."
        )
    if _is_back(trashed):
        return f"{trashed.original} is back already"
    located = _locate(trashed)
    if located is None:
        raise UserError(
            f"{trashed.original.name} is no longer in {where} (emptied, or restored by hand)."
        )
    stored, info = located
    if os.path.lexists(trashed.original):
        raise UserError(
            f"cannot put {trashed.original.name} back: {trashed.original} is taken by another "
            f"file; it stays in {where}."
        )
    _put_back(stored, trashed.original)
    info.unlink(missing_ok=True)
    return f"restored {trashed.original} from {where}"


def _is_back(trashed: TrashedFile) -> bool:
    try:
        st = os.lstat(trashed.original)
    except OSError:
        return False
    return (st.st_dev, st.st_ino, st.st_size) == (trashed.dev, trashed.ino, trashed.size)


def _locate(trashed: TrashedFile) -> tuple[Path, Path] | None:
    """The recorded trash entry if it still holds the file, else a fresh search."""
    if trashed.trash_path is not None and trashed.info_path is not None:
        try:
            st = os.lstat(trashed.trash_path)
        except OSError:
            st = None
        if st is not None and trashed.info_path.exists() and _matches(st, trashed):
            return trashed.trash_path, trashed.info_path
    found = find_in_trash(trashed.original, trashed.dev, trashed.ino, since=trashed.trashed_at)
    if found is None:
        return None
    return found if _matches(os.lstat(found[0]), trashed) else None


def _matches(st: os.stat_result, trashed: TrashedFile) -> bool:
    if st.st_size != trashed.size:
        return False
    return st.st_dev != trashed.dev or st.st_ino == trashed.ino


def _put_back(stored: Path, original: Path) -> None:
    """Rename out of the trash without replacing anything; across drives, refuse plainly."""
    try:
        original.parent.mkdir(parents=True, exist_ok=True)
        if not same_drive(stored, original.parent):
            raise UserError(
                f"{original.name} lies in {stored.parent.parent} on another drive; restore it "
                "from the trash with your file manager."
            )
        publish_no_replace(stored, original)
    except FileExistsError as exc:
        raise UserError(f"cannot put {original.name} back: the name was taken just now.") from exc
    except OSError as exc:
        raise from_os_error(exc, Doing.RENAME, stored) from exc
