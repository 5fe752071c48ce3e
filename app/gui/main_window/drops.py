"""Files and folders dropped anywhere on the window.

A dropped folder that is a Stable Diffusion UI becomes an install; everything
else goes to the import dialog. Telling the two apart reads the folder, so it
happens in a worker. The dialog only chooses how; the import itself is a task
in the task panel, so the window stays usable while a big file is copied.

A drop is always accepted as a copy (or a link), never as the move a file
manager may propose: a source told "moved" may delete the originals once the
drop ends. Moving is something the import does itself, only when chosen.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QWidget

from app.gui.dialogs.import_dialog import ImportDialog
from app.gui.import_task import ImportRequest, ImportTasks
from app.gui.tasks import Task

if TYPE_CHECKING:
    from app.core.library.records import ImportOutcome
    from app.core.tasks import CancelToken, ProgressCallback
    from app.gui.main_window.window import MainWindow


def local_paths(mime: QMimeData) -> list[Path]:
    """The local files and folders in a drag, or [] when it carries anything else."""
    if not mime.hasUrls():
        return []
    urls = mime.urls()
    if not urls or not all(u.isLocalFile() for u in urls):
        return []
    return [Path(u.toLocalFile()) for u in urls]


# In order of preference; MoveAction is deliberately absent.
SAFE_DROP_ACTIONS = (Qt.DropAction.CopyAction, Qt.DropAction.LinkAction)
_DRAG_EVENTS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)


def safe_drop_action(possible: Qt.DropAction) -> Qt.DropAction | None:
    """Copy if the source allows it, else Link; None when it only offers a move."""
    for action in SAFE_DROP_ACTIONS:
        if possible & action:
            return action
    return None


def split_installs(
    paths: list[Path], progress: ProgressCallback, cancel: CancelToken | None
) -> tuple[list[Path], list[Path]]:
    """Worker: (folders that are UI installs, everything else)."""
    from app.core.installs import recognize

    installs: list[Path] = []
    others: list[Path] = []
    for path in paths:
        found = path.is_dir() and recognize(path)
        (installs if found else others).append(path)
    return installs, others


class DropHandler(QObject):
    """Routes a drop: installs to the install list, models to the import dialog."""

    import_dialog_opened = Signal(object)  # ImportDialog
    import_started = Signal(object)  # Task
    import_finished = Signal(object)  # list[ImportOutcome]; [] when it failed or was cancelled

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.imports = ImportTasks(window.runner, window.presenter, self)
        self.imports.finished.connect(self._on_imports_finished)
        self.imports.notice.connect(self._on_imports_notice)

    def guard(self, widget: QWidget) -> None:
        """Route local-file drags on ``widget`` and its drop-accepting children through here.

        Line edits take a dragged file as text and accept whatever action the
        source proposed (a move, too); filtering them keeps every file drop a copy.
        """
        widget.installEventFilter(self)
        for child in widget.findChildren(QWidget):
            if child.acceptDrops():
                child.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() not in _DRAG_EVENTS or not isinstance(event, QDropEvent):
            return False
        paths = local_paths(event.mimeData())
        if not paths:
            return False  # text and other drags: the widget's own business
        action = safe_drop_action(event.possibleActions())
        if action is None:
            event.ignore()
            return True
        event.setDropAction(action)
        event.accept()
        if event.type() == QEvent.Type.Drop:
            self.handle(paths)
        return True

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
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.chosen.connect(self.start_import)
        dialog.open()
        self.import_dialog_opened.emit(dialog)
        return dialog

    def start_import(self, request: ImportRequest) -> Task:
        """Run the import in the task panel (shown, so its progress and cancel are at hand)."""
        task = self.imports.start(request)
        self.window.tasks_dock.show()
        self.import_started.emit(task)
        return task

    def _on_imports_finished(self, task: Task, outcomes: list[ImportOutcome]) -> None:
        # Also after a cancel: the files imported before it are in the library now.
        # One reload and no hash pass: the import cataloged each new file with the
        # hashes it computed while copying, so nothing it added is pending.
        self.window.state.reload()
        self.import_finished.emit(outcomes)

    def _on_imports_notice(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 15_000)
