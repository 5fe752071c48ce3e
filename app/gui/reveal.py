"""Show a file in the system's file manager, or say that none could be opened.

Without a file manager (a bare X session, a server with X forwarding) Qt's
``openUrl`` just returns False. Then the path goes to the clipboard and the
user is told so, instead of a button that silently does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from app.gui.errors import ErrorPresenter


def open_folder_of(path: Path) -> bool:
    """Ask the desktop to open the folder holding ``path`` (the folder itself if it is one)."""
    folder = path if path.is_dir() else path.parent
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def reveal(
    path: Path,
    presenter: ErrorPresenter | None,
    opener: Callable[[Path], bool] = open_folder_of,
) -> bool:
    """Open the folder of ``path``; when that fails, copy the path and tell the user."""
    if opener(path):
        return True
    QGuiApplication.clipboard().setText(str(path))
    if presenter is not None:
        presenter.inform(
            QCoreApplication.translate("Reveal", "No file manager"),
            QCoreApplication.translate(
                "Reveal",
                "No file manager could be opened here. The path was copied to the clipboard:"
                "\n{path}",
            ).format(path=path),
        )
    return False
