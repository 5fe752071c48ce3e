"""Importing dropped files: choose how, then the import runs as a background task.

VAEs go into the library's ``VAE/`` folder and checkpoints into
``checkpoints/`` (copy by default; move or hard link on request). The same
bytes are never stored twice, unsafe or damaged files are refused with the
reason, and a checkpoint's VAE can be extracted into its own ``.safetensors``.

The dialog only chooses: Import hands an :class:`ImportRequest` to whoever
listens (``chosen``) and closes at once, so the window stays usable while the
import runs in the task panel (:mod:`app.gui.import_task`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.gui.cut_text_tooltips import add_cut_text_tooltips
from app.gui.errors import ErrorPresenter
from app.gui.import_task import ImportRequest
from app.gui.settings import KEY_IMPORT_MODE, get_str, set_value
from app.gui.tasks import TaskRunner

MODES = ("copy", "move", "hardlink")


class ImportDialog(QDialog):
    """The files dropped and how to import them; Import starts the task and closes."""

    chosen = Signal(object)  # ImportRequest

    def __init__(self, paths: list[Path], runner: TaskRunner, presenter: ErrorPresenter,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(self.tr("Import into the library"))
        self.resize(820, 420)
        self.paths, self.runner, self.presenter = paths, runner, presenter
        self.request: ImportRequest | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "{n} item(s) dropped. VAEs go to the library's VAE folder and full checkpoints "
                "to its checkpoints folder; files already in the catalog are not stored twice; "
                "unsafe or damaged files are refused."
            ).format(n=len(paths))
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self._options())
        self.table = QTableWidget(len(paths), 2)
        self.table.setObjectName("importTable")
        self.table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Folder")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 280)
        for i, path in enumerate(paths):
            self.table.setItem(i, 0, QTableWidgetItem(path.name))
            self.table.setItem(i, 1, QTableWidgetItem(str(path.parent)))
        layout.addWidget(self.table, 1)
        after = QLabel(self.tr("The import runs in the background: follow it, cancel it and "
                               "read its results in the task panel."))  # fmt: skip
        after.setWordWrap(True)
        layout.addWidget(after)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        role = QDialogButtonBox.ButtonRole.AcceptRole
        self.import_button = self.buttons.addButton(self.tr("Import"), role)
        self.import_button.setObjectName("startImport")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        add_cut_text_tooltips(self)  # long names and folders are cut to the column

    def _options(self) -> QGroupBox:
        box = QGroupBox(self.tr("How"))
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        self.mode_group = QButtonGroup(self)
        labels = {
            "copy": self.tr("Copy (keep the originals)"),
            "move": self.tr("Move"),
            "hardlink": self.tr("Hard link (same drive, no extra space)"),
        }
        remembered = get_str(KEY_IMPORT_MODE, "copy")
        for mode in MODES:
            button = QRadioButton(labels[mode])
            button.setObjectName(f"mode_{mode}")
            button.setProperty("mode", mode)
            button.setChecked(mode == remembered)
            self.mode_group.addButton(button)
            row.addWidget(button)
        row.addStretch()
        layout.addLayout(row)
        self.extract_check = QCheckBox(
            self.tr("Also extract the VAE of each checkpoint into a standalone .safetensors")
        )
        self.convert_check = QCheckBox(
            self.tr("Store pickled VAEs (.ckpt, .pt) as .safetensors (checked to be identical)")
        )
        self.convert_check.setChecked(True)
        layout.addWidget(self.extract_check)
        layout.addWidget(self.convert_check)
        return box

    def mode(self) -> str:
        button = self.mode_group.checkedButton()
        return str(button.property("mode")) if button else "copy"

    def start(self) -> ImportRequest:
        """Announce the chosen import and close; the task runs without this dialog."""
        self.request = ImportRequest(
            paths=tuple(self.paths),
            mode=self.mode(),
            extract_vae=self.extract_check.isChecked(),
            to_safetensors=self.convert_check.isChecked(),
        )
        set_value(KEY_IMPORT_MODE, self.request.mode)
        self.chosen.emit(self.request)
        self.accept()
        return self.request
