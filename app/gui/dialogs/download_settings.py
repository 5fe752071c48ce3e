"""Settings for where files go and where they come from: library folder, mirror, token."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.core.errors import UserError
from app.gui.errors import ErrorPresenter
from app.gui.icons import icon
from app.gui.tasks import Lane, TaskProgress, TaskRunner

if TYPE_CHECKING:  # the library and downloads packages load in the worker
    from app.core.downloads.settings import DownloadSettings
    from app.core.operations.library_move import LibraryMoveResult
    from app.core.tasks import CancelToken, ProgressCallback


class DownloadSettingsDialog(QDialog):
    """Reads the current values in a worker, saves them in one too."""

    def __init__(
        self, runner: TaskRunner, presenter: ErrorPresenter, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("downloadSettings")
        self.setWindowTitle(self.tr("Library and download settings"))
        self.setMinimumWidth(560)
        self.runner, self.presenter = runner, presenter
        form = QFormLayout(self)
        folder_row = QHBoxLayout()
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("libraryFolder")
        browse = QPushButton(icon("folder"), self.tr("Browse…"))
        browse.clicked.connect(self._on_browse_clicked)
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        form.addRow(self.tr("Library folder:"), folder_row)
        self.move_check = QCheckBox(self.tr("Move the files already in the library there"))
        self.move_check.setObjectName("moveLibrary")
        self.move_check.setChecked(True)
        form.addRow("", self.move_check)
        note = self.tr(
            "Downloads and imports go here (VAE/ and checkpoints/ inside). Moving keeps every "
            "link working; an interrupted move finishes when you save again."
        )
        form.addRow("", self._note(note))
        self.endpoint_edit = QLineEdit()
        self.endpoint_edit.setObjectName("mirrorEndpoint")
        self.endpoint_edit.setPlaceholderText("https://hf-mirror.com")
        form.addRow(self.tr("Mirror endpoint:"), self.endpoint_edit)
        form.addRow(
            "",
            self._note(
                self.tr(
                    "Optional. Hugging Face downloads go through this mirror instead "
                    "(like HF_ENDPOINT)."
                )
            ),
        )
        self.token_edit = QLineEdit()
        self.token_edit.setObjectName("accessToken")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText(self.tr("hf_… (only for gated files)"))
        form.addRow(self.tr("Access token:"), self.token_edit)
        form.addRow(
            "",
            self._note(
                self.tr("Stored in your settings file, readable by you only; never shown in logs.")
            ),
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._load()

    def _note(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        return label

    def _load(self) -> None:
        def work(progress: TaskProgress, cancel: CancelToken) -> tuple[Path, DownloadSettings]:
            from app.core.downloads.settings import stored_download_settings
            from app.gui.settings import library_folder

            return library_folder(), stored_download_settings()

        def done(values: tuple[Path, DownloadSettings]) -> None:
            folder, settings = values
            self.folder_edit.setText(str(folder))
            self.endpoint_edit.setText(settings.endpoint or "")
            self.token_edit.setText(settings.token or "")

        self.runner.submit(self.tr("Reading settings"), work, on_done=done, visible=False)

    def _on_browse_clicked(self) -> None:
        dialog = QFileDialog(self, self.tr("Choose the library folder"), self.folder_edit.text())
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.fileSelected.connect(self.folder_edit.setText)
        dialog.open()

    def save(self) -> None:
        folder = self.folder_edit.text().strip()
        endpoint = self.endpoint_edit.text().strip() or None
        token = self.token_edit.text().strip() or None
        move = self.move_check.isChecked()

        def work(progress: TaskProgress, cancel: CancelToken) -> LibraryMoveResult | None:
            from app.core.downloads.settings import (
                DownloadSettings,
                save_download_settings,
                stored_download_settings,
            )

            if not folder:
                raise UserError("Choose a library folder.")
            stored = stored_download_settings()
            save_download_settings(DownloadSettings(endpoint, token, stored.max_parallel))
            return change_library(Path(folder).expanduser(), move, progress, cancel)

        self.runner.submit(self.tr("Saving settings"), work, lane=Lane.USER,
                           on_done=self._on_saved, on_error=self.presenter.show_error)  # fmt: skip

    def _on_saved(self, result: LibraryMoveResult | None) -> None:
        report = result.report if result is not None else None
        if report is not None and report.left:
            left = "\n".join(f"{path}: {why}" for path, why in report.left)
            self.presenter.inform(
                self.tr("Library moved"),
                self.tr("Moved {n} file(s); some stayed where they were.").format(n=report.moved),
                left,
            )
        self.accept()


def change_library(
    folder: Path, move: bool, progress: ProgressCallback, cancel: CancelToken | None
) -> LibraryMoveResult | None:
    """Worker: point the library at ``folder``; moving is the core library-move operation.

    That is :func:`app.core.operations.library_move.move_library`, the one
    ``library move`` runs on the command line: recorded, so Edit → Undo moves the
    library back. Saving the same folder again finishes an interrupted move there.
    Returns its :class:`LibraryMoveResult`, or None when nothing moved.
    """
    import os

    from app.core.library.layout import read_marker
    from app.core.library.settings import library_root, set_library_root

    current = library_root()
    if os.path.abspath(folder) == os.path.abspath(current):
        marker = read_marker(current)
        if not (move and marker is not None and marker.moving_from):
            return None
    if not move:
        set_library_root(folder)
        return None
    from app.core.operations.library_move import move_library
    from app.gui.state import open_catalog

    with open_catalog() as catalog:
        return move_library(folder, catalog=catalog, progress=progress, cancel=cancel)
