"""Importing dropped files: choose how, watch each file go in, read what happened to each.

VAEs go into the library's ``VAE/`` folder and checkpoints into
``checkpoints/`` (copy by default; move or hard link on request). The same
bytes are never stored twice, unsafe or damaged files are refused with the
reason, and a checkpoint's VAE can be extracted into its own ``.safetensors``.
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
    QProgressBar,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.gui.cut_text_tooltips import add_cut_text_tooltips
from app.gui.errors import ErrorPresenter
from app.gui.settings import KEY_IMPORT_MODE, get_str, set_value
from app.gui.tasks import Lane, Task, TaskRunner

MODES = ("copy", "move", "hardlink")


def run_import(paths: list[Path], mode: str, extract: bool, convert: bool, current: list[str],
               progress, cancel):  # fmt: skip
    """Worker: the core import; the name of the file in hand goes into ``current[0]``."""
    from app.core.library import ImportOptions, import_paths
    from app.core.paths import app_paths
    from app.core.registry import load_registry
    from app.gui.state import open_catalog

    options = ImportOptions(mode=mode, extract_vae=extract, to_safetensors=convert)
    registry = load_registry(app_paths().user_registry)

    def on_file(path: Path) -> None:
        current[0] = path.name

    with open_catalog() as catalog:
        return import_paths(paths, options, catalog=catalog, registry=registry,
                            progress=progress, on_file=on_file, cancel=cancel)  # fmt: skip


class ImportDialog(QDialog):
    """Options, a progress line and one result row per file."""

    imported = Signal(object)  # list[ImportOutcome]

    def __init__(self, paths: list[Path], runner: TaskRunner, presenter: ErrorPresenter,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(self.tr("Import into the library"))
        self.resize(820, 460)
        self.paths, self.runner, self.presenter = paths, runner, presenter
        self.task: Task | None = None
        self.outcomes: list = []
        self._current = [""]  # written by the worker: the file being imported
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
        self.table = QTableWidget(len(paths), 4)
        self.table.setObjectName("importTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("File"), self.tr("Result"), self.tr("Now at"), self.tr("Why / baked-in VAE")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 220)
        self.table.setColumnWidth(2, 220)
        for i, path in enumerate(paths):
            self.table.setItem(i, 0, QTableWidgetItem(path.name))
            self.table.setItem(i, 1, QTableWidgetItem(self.tr("waiting")))
        layout.addWidget(self.table, 1)
        progress_row = QHBoxLayout()
        self.progress_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        progress_row.addWidget(self.progress_label, 1)
        progress_row.addWidget(self.progress, 1)
        layout.addLayout(progress_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        role = QDialogButtonBox.ButtonRole.AcceptRole
        self.import_button = self.buttons.addButton(self.tr("Import"), role)
        self.import_button.setObjectName("startImport")
        self.import_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self._on_close_clicked)
        layout.addWidget(self.buttons)
        runner.ticked.connect(self._on_runner_ticked)
        add_cut_text_tooltips(self)  # long reasons and paths are cut to the column

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

    def start(self) -> Task | None:
        try:
            import app.core.library  # noqa: F401 - only checks that the feature exists
        except ImportError:
            self.progress_label.setText(self.tr("Importing is not available in this build."))
            return None
        mode, extract, convert = (
            self.mode(),
            self.extract_check.isChecked(),
            self.convert_check.isChecked(),
        )
        set_value(KEY_IMPORT_MODE, mode)
        paths, current = list(self.paths), self._current
        self.task = self.runner.submit(
            self.tr("Importing {n} item(s)").format(n=len(paths)),
            lambda p, c: run_import(paths, mode, extract, convert, current, p, c),
            lane=Lane.WRITER, on_done=self._on_done, on_error=self._on_error,
        )  # fmt: skip
        self.import_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress_label.setText(self.tr("Starting…"))
        return self.task

    def _on_runner_ticked(self) -> None:
        if self.task is None or not self.task.active:
            return
        done, total = self.task.progress
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))
        else:
            self.progress.setRange(0, 0)
        if self._current[0]:
            self.task.detail = self._current[0]
            self.progress_label.setText(self.tr("Importing {name}").format(name=self._current[0]))

    def _on_done(self, outcomes: list) -> None:
        self.outcomes = outcomes
        self.table.setRowCount(len(outcomes))
        words = {
            "imported": self.tr("imported"),
            "duplicate": self.tr("already in the library"),
            "skipped": self.tr("skipped"),
            "refused": self.tr("refused"),
            "extracted": self.tr("VAE extracted"),
            "converted": self.tr("converted to .safetensors"),
        }
        for i, outcome in enumerate(outcomes):
            self.table.setItem(i, 0, QTableWidgetItem(outcome.path.name))
            self.table.item(i, 0).setToolTip(str(outcome.path))
            self.table.setItem(i, 1, QTableWidgetItem(words.get(outcome.action, outcome.action)))
            self.table.setItem(i, 2, QTableWidgetItem(str(outcome.dest or "")))
            why = outcome.reason
            if outcome.baked_in_vae:
                why = (why + " · " if why else "") + self.tr("baked-in VAE: {vae}").format(
                    vae=outcome.baked_in_vae
                )
            self.table.setItem(i, 3, QTableWidgetItem(why))
        self.progress.setVisible(False)
        done = sum(o.action in ("imported", "extracted", "converted") for o in outcomes)
        self.progress_label.setText(self.tr("Done: {done} file(s) added, {n} result(s) below.")
                                    .format(done=done, n=len(outcomes)))  # fmt: skip
        self.imported.emit(outcomes)

    def _on_error(self, exc: BaseException) -> None:
        self.progress.setVisible(False)
        self.import_button.setEnabled(True)
        self.progress_label.setText(str(exc))
        self.presenter.show_error(exc, self.tr("Import"))

    def _on_close_clicked(self) -> None:
        if self.task is not None and self.task.active:
            self.task.cancel()
        self.close()
