"""The Checkpoints panel: cataloged checkpoints, the VAE baked into each, and its pairing.

Every checkpoint carries a VAE. Knowing which one (by decoder fingerprint,
from the library core) tells a user whether loading an external VAE would
change anything at all. In an A1111-family install a checkpoint can also be
paired with a VAE (a sidecar file beside it, its "Preferred VAE", Forge 2's
preferred modules): the panel shows which VAE the install loads with it and why,
and Pair with VAE… / Unpair run the core pair and unpair operations (the ones
``pair`` runs on the command line) on the user lane, undoable from Edit → Undo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.gui.delegates import ChipsDelegate
from app.gui.formatting import family_name, human_size
from app.gui.library_model import CHIPS_ROLE, ROW_ROLE, SORT_ROLE
from app.gui.panels.checkpoint_pairing import (
    CheckpointPairing,
    pairing_text,
    path_key,
    read_pairings,
)
from app.gui.snapshot import LibraryRow, Snapshot, install_labels
from app.gui.tasks import Lane, Task, TaskProgress, TaskRunner
from app.gui.widgets import EmptyState, panel_header

if TYPE_CHECKING:
    from app.core.library.records import BakedInVae
    from app.core.operations.pair import PairResult
    from app.core.tasks import CancelToken
    from app.gui.dialogs.pair_dialog import PairChoice, PairDialog
    from app.gui.operations import GuiOperations

COL_NAME, COL_FAMILY, COL_SIZE, COL_AUTOV2, COL_BAKED, COL_PAIRED, COL_INSTALLS = range(7)
PENDING, NO_VAE = "…", "none"
_Index = QModelIndex | QPersistentModelIndex


class CheckpointModel(QAbstractTableModel):
    """Checkpoint rows plus the baked-in VAE label found for each SHA-256."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[LibraryRow] = []
        self.baked: dict[str, BakedInVae | str] = {}
        self.pairings: dict[str, CheckpointPairing] = {}

    def set_rows(self, rows: list[LibraryRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def set_baked(self, found: dict[str, BakedInVae | str]) -> None:
        self.baked.update(found)
        if self.rows:
            self.dataChanged.emit(
                self.index(0, COL_BAKED), self.index(len(self.rows) - 1, COL_BAKED)
            )

    def set_pairings(self, found: dict[str, CheckpointPairing]) -> None:
        self.pairings = found
        if self.rows:
            self.dataChanged.emit(
                self.index(0, COL_PAIRED), self.index(len(self.rows) - 1, COL_PAIRED)
            )

    def pairing_for(self, row: LibraryRow) -> CheckpointPairing | None:
        """The pairing of the row's first location in an A1111-family install."""
        for location in row.entry.locations:
            found = self.pairings.get(path_key(location))
            if found is not None:
                return found
        return None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else COL_INSTALLS + 1

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [self.tr("Name"), self.tr("Family"), self.tr("Size"), self.tr("AutoV2"),
                    self.tr("Baked-in VAE"), self.tr("Paired VAE"),
                    self.tr("In installs")][section]  # fmt: skip
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
        return str(getattr(found, "label", found))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # a role's value
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
                pairing_text(self.pairing_for(row)),
                ", ".join(c.label for c in row.chips),
            ][column]
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_NAME:
            return "\n".join(row.entry.locations)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_PAIRED:
            found = self.pairing_for(row)
            return str(found.pairing.effective or "") if found else None
        if role == ROW_ROLE:
            return row
        if role == CHIPS_ROLE:
            return row.chips
        return None


class CheckpointsPanel(QWidget):
    """Table of checkpoints; baked-in VAEs and pairings are read in the background.

    ``operations`` runs pair/unpair (and refreshes after them, like every user
    action); without it they run on the runner's user lane.
    """

    pair_dialog_opened = Signal(object)  # PairDialog
    pair_finished = Signal(object)  # PairResult, of a pair or an unpair

    def __init__(self, runner: TaskRunner, operations: GuiOperations | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.runner = runner
        self.operations = operations
        self.snapshot = Snapshot()
        self._asked: set[str] = set()
        self._pairings_task: Task | None = None
        self._read_pairings_again = False
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
        self.table.setColumnWidth(COL_PAIRED, 260)
        self.table.setColumnWidth(COL_INSTALLS, 200)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._explain())
        self.stack.addWidget(self.table)
        layout.addWidget(self.stack, 1)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setObjectName("bakedExplanation")
        layout.addWidget(self.explanation)
        buttons = QHBoxLayout()
        self.pair_button = QPushButton(self.tr("Pair with VAE…"))
        self.pair_button.setObjectName("pairButton")
        self.pair_button.clicked.connect(self.pair_selected)
        self.unpair_button = QPushButton(self.tr("Unpair"))
        self.unpair_button.setObjectName("unpairButton")
        self.unpair_button.clicked.connect(self.unpair_selected)
        buttons.addWidget(self.pair_button)
        buttons.addWidget(self.unpair_button)
        buttons.addStretch()
        layout.addLayout(buttons)
        self._explain()

    def set_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        kept = self.selected_row()
        rows = snapshot.checkpoint_rows()
        self.model.set_rows(rows)
        self.stack.setCurrentIndex(1 if rows else 0)
        if kept is not None:  # a reload (after Pair, say) keeps the checkpoint selected
            self._select(lambda r: r.entry.sha256 == kept.entry.sha256
                         and r.entry.locations[:1] == kept.entry.locations[:1])  # fmt: skip
        self._explain()
        self.read_pairings()
        if self.isVisible():
            self._identify_missing()

    # -- pairings -------------------------------------------------------------------------
    def read_pairings(self) -> None:
        """Re-read every install's pairings on a worker (coalesced while one reads)."""
        if self._pairings_task is not None:
            self._read_pairings_again = True
            return
        installs = list(self.snapshot.installs)
        if not installs or not self.model.rows:
            self.model.set_pairings({})
            return
        labels = install_labels(installs)
        self._pairings_task = self.runner.submit(
            self.tr("Reading checkpoint pairings"),
            lambda p, c: read_pairings(installs, labels, p, c),
            on_done=self._on_pairings_read, visible=False,
        )  # fmt: skip
        self._pairings_task.ended.connect(self._on_pairings_task_ended)

    def _on_pairings_read(self, found: dict[str, CheckpointPairing]) -> None:
        self.model.set_pairings(found)
        self._explain()

    def _on_pairings_task_ended(self) -> None:
        self._pairings_task = None
        if self._read_pairings_again:
            self._read_pairings_again = False
            self.read_pairings()

    def _select(self, wanted: Callable[[LibraryRow], bool]) -> None:
        for i, row in enumerate(self.model.rows):
            if wanted(row):
                self.table.selectRow(self.proxy.mapFromSource(self.model.index(i, 0)).row())
                return

    def selected_row(self) -> LibraryRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return indexes[0].data(ROW_ROLE) if indexes else None

    def selected_pairing(self) -> CheckpointPairing | None:
        row = self.selected_row()
        return self.model.pairing_for(row) if row is not None else None

    def pair_selected(self) -> PairDialog | None:
        """Pair with VAE…: choose a library VAE for the selected checkpoint's install."""
        from app.gui.dialogs.pair_dialog import PairDialog

        target = self.selected_pairing()
        if target is None:
            return None
        vaes = [(r.name, r.path) for r in self.snapshot.vae_rows() if r.path is not None]
        dialog = PairDialog(target.pairing.checkpoint.name, target.install_label, vaes,
                            forge2=target.forge2, parent=self)  # fmt: skip
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        sha_of = {str(r.path): r.entry.sha256 for r in self.snapshot.vae_rows()}
        dialog.chosen.connect(lambda choice: self.pair(target, choice, sha_of.get(str(choice.vae))))
        dialog.open()
        self.pair_dialog_opened.emit(dialog)
        return dialog

    def pair(self, target: CheckpointPairing, choice: PairChoice, sha256: str | None) -> Task:
        """Worker: the core ``pair`` (sha256: the catalog's, so the VAE is not re-hashed)."""
        checkpoint, install = target.pairing.checkpoint, target.pairing.install

        def work(progress: TaskProgress, cancel: CancelToken) -> PairResult:
            from app.core.operations.pair import pair

            return pair(choice.vae, checkpoint, how=choice.how, install=install,
                        sha256=sha256, progress=progress, cancel=cancel)  # fmt: skip

        title = self.tr("Pairing {vae} with {checkpoint}").format(
            vae=choice.vae.name, checkpoint=checkpoint.name
        )
        return self._run(title, work)

    def unpair_selected(self) -> Task | None:
        """Unpair: the app's sidecar links go and the Preferred VAE goes back to Automatic."""
        target = self.selected_pairing()
        if target is None or not target.paired:
            return None
        checkpoint, install = target.pairing.checkpoint, target.pairing.install

        def work(progress: TaskProgress, cancel: CancelToken) -> PairResult:
            from app.core.operations.pair import unpair

            return unpair(checkpoint, how="both", install=install)

        return self._run(self.tr("Unpairing {name}").format(name=checkpoint.name), work)

    def _run(self, title: str, work: Callable[[TaskProgress, CancelToken], PairResult]) -> Task:
        if self.operations is not None:
            return self.operations.submit(title, work, on_done=self._on_pair_done)
        return self.runner.submit(title, work, lane=Lane.USER, on_done=self._on_pair_done)

    def _on_pair_done(self, result: PairResult) -> None:
        self.read_pairings()  # also when the snapshot did not change (a metadata file)
        self.pair_finished.emit(result)
        if result.notes:
            from app.gui.core_messages import render

            self.explanation.setText("\n".join(render(note) for note in result.notes))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
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
            self._asked.update(r.entry.sha256 for r in todo if r.entry.sha256)
            self._identify(todo)

    def _identify(self, rows: list[LibraryRow]) -> None:
        # Rows come hashed (_identify_missing); the check also tells mypy the sha is a str.
        jobs = [(r.path, r.entry.sha256) for r in rows if r.path is not None and r.entry.sha256]

        def work(progress: TaskProgress, cancel: CancelToken) -> dict[str, BakedInVae | str]:
            try:
                from app.core.library.baked_in import baked_in_vae
            except ImportError:
                return {sha: self.tr("not available yet") for _, sha in jobs}
            from app.core.errors import UserError
            from app.core.registry import app_registry
            from app.gui.state import open_catalog

            registry = app_registry()
            found: dict[str, BakedInVae | str] = {}
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

    def _on_identified(self, found: dict[str, BakedInVae | str]) -> None:
        self.model.set_baked(found)
        self._explain()

    def _explain(self) -> None:
        target = self.selected_pairing()
        self.pair_button.setEnabled(target is not None)
        self.unpair_button.setEnabled(target is not None and target.paired)
        row = self.selected_row()
        if row is None:
            self.explanation.setText(
                self.tr("Select a checkpoint to see what an external VAE would change.")
            )
            return
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
        if target is not None:
            text += " " + self.tr("{install} loads it with {pairing}.").format(
                install=target.install_label, pairing=pairing_text(target)
            )
        self.explanation.setText(text)
