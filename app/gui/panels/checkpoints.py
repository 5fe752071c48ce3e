"""The Checkpoints panel: cataloged checkpoints and the VAE already baked into each.

Every checkpoint carries a VAE. Knowing which one (by decoder fingerprint,
from the library core) tells a user whether loading an external VAE would
change anything at all.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.gui.delegates import ChipsDelegate
from app.gui.formatting import family_name, human_size
from app.gui.library_model import CHIPS_ROLE, ROW_ROLE, SORT_ROLE
from app.gui.snapshot import LibraryRow, Snapshot
from app.gui.state import open_catalog
from app.gui.tasks import TaskRunner
from app.gui.widgets import EmptyState, panel_header

COL_NAME, COL_FAMILY, COL_SIZE, COL_AUTOV2, COL_BAKED, COL_INSTALLS = range(6)
PENDING, NO_VAE = "…", "none"


class CheckpointModel(QAbstractTableModel):
    """Checkpoint rows plus the baked-in VAE label found for each SHA-256."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[LibraryRow] = []
        self.baked: dict[str, object] = {}

    def set_rows(self, rows: list[LibraryRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def set_baked(self, found: dict[str, object]) -> None:
        self.baked.update(found)
        if self.rows:
            self.dataChanged.emit(
                self.index(0, COL_BAKED), self.index(len(self.rows) - 1, COL_BAKED)
            )

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else COL_INSTALLS + 1

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [self.tr("Name"), self.tr("Family"), self.tr("Size"), self.tr("AutoV2"),
                    self.tr("Baked-in VAE"), self.tr("In installs")][section]  # fmt: skip
        return None

    def baked_label(self, row: LibraryRow) -> str:
        if not row.entry.sha256:
            return self.tr("waiting for the hash")
        found = self.baked.get(row.entry.sha256)
        if found is None:
            return PENDING
        if isinstance(found, str):
            return found
        if getattr(found, "fingerprint", "x") is None:
            return self.tr("none (no VAE inside)")
        return str(found.label)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if role == SORT_ROLE and column == COL_SIZE:
                return row.entry.size
            return [
                row.name,
                family_name(row.entry.family),
                human_size(row.entry.size),
                row.entry.autov2 or "…",
                self.baked_label(row),
                ", ".join(c.label for c in row.chips),
            ][column]
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_NAME:
            return "\n".join(row.entry.locations)
        if role == ROW_ROLE:
            return row
        if role == CHIPS_ROLE:
            return row.chips
        return None


class CheckpointsPanel(QWidget):
    """Table of checkpoints; the baked-in VAEs are identified in the background."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self._asked: set[str] = set()
        self.model = CheckpointModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        layout = QVBoxLayout(self)
        layout.addWidget(
            panel_header(
                self.tr("Checkpoints"),
                self.tr("Every checkpoint already carries a VAE. If it is the one you would add, "
                        "an external VAE changes nothing."),
            )
        )  # fmt: skip
        self.stack = QStackedWidget()
        self.stack.addWidget(
            EmptyState(
                "checkpoint",
                self.tr("No checkpoints cataloged"),
                self.tr(
                    "Checkpoints in your UIs' model folders and in the library appear here "
                    "with the VAE baked into each. Drop a checkpoint on the window to import it."
                ),
            )  # fmt: skip
        )
        self.table = QTableView()
        self.table.setObjectName("checkpointTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setItemDelegateForColumn(COL_INSTALLS, ChipsDelegate(self.table))
        self.table.horizontalHeader().setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(COL_BAKED, 260)
        self.table.setColumnWidth(COL_INSTALLS, 200)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._explain())
        self.stack.addWidget(self.table)
        layout.addWidget(self.stack, 1)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setObjectName("bakedExplanation")
        layout.addWidget(self.explanation)
        self._explain()

    def set_snapshot(self, snapshot: Snapshot) -> None:
        rows = snapshot.checkpoint_rows()
        self.model.set_rows(rows)
        self.stack.setCurrentIndex(1 if rows else 0)
        self._explain()
        if self.isVisible():
            self._identify_missing()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self._identify_missing()

    def _identify_missing(self) -> None:
        """Fingerprint checkpoints only once the panel is seen: it reads their VAE weights."""
        todo = [
            r for r in self.model.rows
            if r.entry.sha256 and r.entry.sha256 not in self.model.baked
            and r.entry.sha256 not in self._asked
        ]  # fmt: skip
        if todo:
            self._asked.update(r.entry.sha256 for r in todo)
            self._identify(todo)

    def _identify(self, rows: list[LibraryRow]) -> None:
        jobs = [(r.path, r.entry.sha256) for r in rows if r.path is not None]

        def work(progress, cancel):
            try:
                from app.core.library.baked_in import baked_in_vae
            except ImportError:
                return {sha: self.tr("not available yet") for _, sha in jobs}
            from app.core.errors import UserError
            from app.core.paths import app_paths
            from app.core.registry import load_registry

            paths = app_paths().ensure()
            registry = load_registry(paths.user_registry)
            found: dict[str, object] = {}
            with open_catalog() as catalog:
                for done, (path, sha) in enumerate(jobs, start=1):
                    try:
                        found[sha] = baked_in_vae(
                            path, sha256=sha, catalog=catalog, registry=registry, cancel=cancel
                        )
                    except (UserError, OSError) as exc:
                        found[sha] = self.tr("cannot tell: {why}").format(why=exc)
                    progress(done, len(jobs))
            return found

        self.runner.submit(self.tr("Identifying baked-in VAEs"), work,
                           on_done=self._on_identified)  # fmt: skip

    def _on_identified(self, found: dict[str, object]) -> None:
        self.model.set_baked(found)
        self._explain()

    def _explain(self) -> None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            self.explanation.setText(
                self.tr("Select a checkpoint to see what an external VAE would change.")
            )
            return
        row: LibraryRow = indexes[0].data(ROW_ROLE)
        found = self.model.baked.get(row.entry.sha256 or "")
        label = self.model.baked_label(row)
        if found is None or isinstance(found, str):
            text = self.tr("{name}: baked-in VAE {label}.").format(name=row.name, label=label)
        elif getattr(found, "fingerprint", "x") is None:
            text = self.tr("{name} holds no VAE: select one in your UI, or it cannot make "
                           "images.").format(name=row.name)  # fmt: skip
        elif getattr(found, "known", False):
            text = self.tr("{name} already carries {label}. Selecting that same VAE changes "
                           "nothing; a different one (for example EMA instead of MSE) would."
                           ).format(name=row.name, label=label)  # fmt: skip
        else:
            text = self.tr("{name} carries a VAE that matches none in your library. Compare it "
                           "with an official VAE in Preview to see the difference.").format(
                name=row.name
            )  # fmt: skip
        self.explanation.setText(text)
