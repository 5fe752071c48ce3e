"""Files and folders dropped anywhere on the window.

A dropped folder that is a Stable Diffusion UI becomes an install; everything
else goes to the import dialog. Telling the two apart reads the folder, so it
happens in a worker.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, Signal

from app.gui.dialogs.import_dialog import ImportDialog


def local_paths(mime: QMimeData) -> list[Path]:
    """The local files and folders in a drag, or [] when it carries anything else."""
    if not mime.hasUrls():
        return []
    urls = mime.urls()
    if not urls or not all(u.isLocalFile() for u in urls):
        return []
    return [Path(u.toLocalFile()) for u in urls]


def split_installs(paths: list[Path], progress, cancel) -> tuple[list[Path], list[Path]]:
    """Worker: (folders that are UI installs, everything else)."""
    from app.core.installs import recognize

    installs, others = [], []
    for path in paths:
        found = path.is_dir() and recognize(path)
        (installs if found else others).append(path)
    return installs, others


class DropHandler(QObject):
    """Routes a drop: installs to the install list, models to the import dialog."""

    import_dialog_opened = Signal(object)  # ImportDialog

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window

    def handle(self, paths: list[Path]) -> None:
        if not paths:
            return
        self.window.runner.submit(
            self.tr("Looking at the dropped items"),
            lambda p, c: split_installs(paths, p, c),
            on_done=self._on_split,
        )

    def _on_split(self, split: tuple[list[Path], list[Path]]) -> None:
        installs, others = split
        for path in installs:
            self.window.state.add_install(path)
        if installs and not others:
            self.window.show_panel(self.window.PANEL_INSTALLS)
        if others:
            self.open_import(others)

    def open_import(self, paths: list[Path]) -> ImportDialog:
        dialog = ImportDialog(paths, self.window.runner, self.window.presenter, self.window)
        dialog.imported.connect(lambda _: self.window.state.reload())
        dialog.imported.connect(lambda _: self.window.state.hash_pending())
        dialog.open()
        self.import_dialog_opened.emit(dialog)
        return dialog
