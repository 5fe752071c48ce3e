"""Move files to the system trash, never a hard delete.

``send2trash`` is used when installed (it knows every desktop's trash rules);
otherwise Qt's ``QFile.moveToTrash``, which covers Windows, macOS and the
freedesktop trash on Linux.
"""

from __future__ import annotations

from pathlib import Path

from app.core.errors import UserError


def move_to_trash(path: Path) -> None:
    """Trash ``path`` (a file, a link or a folder); UserError when the system refuses."""
    if not (path.exists() or path.is_symlink()):
        return
    try:
        from send2trash import send2trash  # optional dependency, see module docstring
    except ImportError:
        send2trash = None
    if send2trash is not None:
        try:
            send2trash(str(path))
        except OSError as exc:
            raise UserError(f"cannot move {path} to the trash: {exc}") from exc
        return
    from PySide6.QtCore import QFile

    outcome = QFile.moveToTrash(str(path))
    moved = outcome[0] if isinstance(outcome, tuple) else bool(outcome)
    if not moved:
        raise UserError(
            f"cannot move {path} to the trash (this system has no trash for that drive); "
            "the file was left in place."
        )
