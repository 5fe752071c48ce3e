"""One-click linking: tick the installs that should have this VAE, untick those that should not.

The dialog shows the plan before anything is written: per install, whether the
file is already there in any folder the install reads (and whether the app put
it there), the mode ``auto`` would use, and any conflict. When several folders the
install reads can be written (a default folder and an ``extra_model_paths.yaml``
one), a menu in the folder column picks one. Everything shown comes from the
plan's typed fields (action, match, choices, blocked folders), never from its
English ``reason``. Apply is ONE core call, the link operation's
:func:`~app.core.operations.link.apply_link_changes`: the ticked links are created
and the app's own links in unticked installs removed, recorded as one operation
that Edit → Undo reverses; a conflict is shown, never overwritten, and files the
app did not make are never removed.

The plan's module (and the installs package under it) is imported by the
planning worker; the dialog reads its constants only after that ran.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.gui.core_messages import reason_text, render
from app.gui.cut_text_tooltips import add_cut_text_tooltips
from app.gui.errors import ErrorPresenter
from app.gui.icons import kind_icon
from app.gui.operations import GuiOperations
from app.gui.snapshot import LibraryRow, install_labels

if TYPE_CHECKING:  # the installs package walks disks: import it in workers only
    from app.core.installs.records import Install
    from app.core.linking.plan import LinkPlan, PlanEntry
    from app.core.linking.records import LinkRecord
    from app.core.operations.link import LinkChanges

COL_INSTALL, COL_STATUS, COL_MODE, COL_FOLDER = range(4)


@dataclass(frozen=True)
class LinkRowState:
    """One install's line in the dialog."""

    install: Install
    entry: PlanEntry
    ours: LinkRecord | None  # when the app made the file there

    @property
    def present(self) -> bool:
        from app.core.linking.plan import ACTION_ALREADY

        return self.entry.action == ACTION_ALREADY

    @property
    def creatable(self) -> bool:
        from app.core.linking.plan import ACTION_CREATE

        return self.entry.action == ACTION_CREATE

    @property
    def editable(self) -> bool:
        """Create (tick) or remove the app's own link (untick); nothing else can change."""
        if self.entry.shared_with is not None:
            return False
        return self.creatable or (self.present and self.ours is not None)


def plan_rows(
    source: Path, sha256: str | None, installs: list[Install], progress: Any, cancel: Any
) -> tuple[LinkPlan, list[LinkRowState]]:
    """Worker: the plan for every install plus the app's records for what is there."""
    from app.core.linking.plan import plan_links
    from app.core.operations.journal import Journal

    plan = plan_links(source, installs, sha256=sha256, progress=progress, cancel=cancel)
    store = Journal().links
    rows = [
        LinkRowState(install, entry, store.active_for_dest(entry.dest) if entry.dest else None)
        for install, entry in zip(installs, plan.entries, strict=True)
    ]
    return plan, rows


def apply_changes(
    plan: LinkPlan, create: list[PlanEntry], remove: list[PlanEntry], progress: Any, cancel: Any
) -> LinkChanges:
    """Worker: the one core call of Apply (ticked created, unticked removed, one operation)."""
    from app.core.operations.link import apply_link_changes

    return apply_link_changes(plan, create, remove, progress=progress, cancel=cancel)


class LinkDialog(QDialog):
    """Checkbox per install with the file's status there; Apply links or unlinks."""

    changed = Signal()

    def __init__(self, row: LibraryRow, installs: tuple[Install, ...], operations: GuiOperations,
                 presenter: ErrorPresenter, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("linkDialog")
        self.setWindowTitle(self.tr("Link {name}").format(name=row.name))
        self.resize(880, 380)
        self.row, self.installs = row, list(installs)
        self.operations, self.runner, self.presenter = operations, operations.runner, presenter
        self.plan: LinkPlan | None = None
        self.states: list[LinkRowState] = []
        self.last_summary = ""
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Tick the UIs that should list <b>{name}</b> in their VAE menu. VAE Manager links "
                "the file (no second copy when the drive allows it), never replaces a different "
                "file of the same name, and only removes links it made itself."
            ).format(name=row.name)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("linkTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Install"), self.tr("Status"), self.tr("How"), self.tr("VAE folder")]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            COL_FOLDER, QHeaderView.ResizeMode.Stretch
        )
        self.table.setColumnWidth(COL_INSTALL, 220)
        self.table.setColumnWidth(COL_STATUS, 260)
        self.table.setColumnWidth(COL_MODE, 90)
        self.table.setWordWrap(True)
        layout.addWidget(self.table, 1)
        add_cut_text_tooltips(self.table)  # reasons cut to the column
        self.status = QLabel(self.tr("Checking each install…"))
        self.status.setObjectName("linkStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setObjectName("applyLinks")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.refresh()

    # -- plan -------------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.installs:
            self.status.setText(self.tr("No installs known yet: add one in the Installs panel."))
            return
        if self.row.path is None:
            self.status.setText(self.tr("The file is missing, so it cannot be linked."))
            return
        source, sha = self.row.path, self.row.entry.sha256
        installs = list(self.installs)
        self.apply_button.setEnabled(False)
        self.runner.submit(
            self.tr("Checking where {name} is linked").format(name=self.row.name),
            lambda p, c: plan_rows(source, sha, installs, p, c),
            on_done=self._on_planned, on_error=self._on_error,
        )  # fmt: skip

    def _on_planned(self, planned: tuple[LinkPlan, list[LinkRowState]]) -> None:
        self.plan, self.states = planned
        labels = install_labels(self.installs)
        self.table.setRowCount(len(self.states))
        for i, state in enumerate(self.states):
            install_item = QTableWidgetItem(kind_icon(state.install.kind),
                                            labels[state.install.root])  # fmt: skip
            install_item.setToolTip(str(state.install.root))
            flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
            install_item.setFlags(flags if state.editable else Qt.ItemFlag.ItemIsUserCheckable)
            install_item.setCheckState(Qt.CheckState.Checked if state.present
                                       else Qt.CheckState.Unchecked)  # fmt: skip
            self.table.setItem(i, COL_INSTALL, install_item)
            status = QTableWidgetItem(self._status_text(state))
            status.setToolTip(state.entry.reason)
            self.table.setItem(i, COL_STATUS, status)
            mode = state.ours.mode if state.ours is not None else (state.entry.mode or "—")
            self.table.setItem(i, COL_MODE, QTableWidgetItem(mode))
            self._show_folder(i, state)
        self.table.resizeRowsToContents()
        self.apply_button.setEnabled(any(s.editable for s in self.states))
        conflicts = sum(not s.present and not s.creatable for s in self.states)
        self.status.setText(
            self.tr("{n} install(s) cannot take this file; the reason is in the Status column.")
            .format(n=conflicts) if conflicts else self.tr("Tick or untick, then Apply.")
        )  # fmt: skip
        if self.last_summary:
            self.status.setText(self.last_summary + " " + self.status.text())

    def _show_folder(self, i: int, state: LinkRowState) -> None:
        """The folder as text, or a menu of the writable folders the install reads."""
        entry = state.entry
        self.table.removeCellWidget(i, COL_FOLDER)
        folder = QTableWidgetItem(str(entry.folder or ""))
        lines = [str(entry.dest or ""), *self._why_folder(state), *self._blocked_lines(entry)]
        folder.setToolTip("\n".join(line for line in lines if line))
        self.table.setItem(i, COL_FOLDER, folder)
        if not state.creatable or len(entry.choices) < 2:
            return
        combo = QComboBox()
        combo.setObjectName(f"linkFolder{i}")
        room = max(120, self.table.columnWidth(COL_FOLDER) - 40)  # the end of a path tells most
        for n, choice in enumerate(entry.choices):
            text = combo.fontMetrics().elidedText(str(choice.folder), Qt.TextElideMode.ElideLeft,
                                                  room)  # fmt: skip
            combo.addItem(text, choice.folder)
            combo.setItemData(n, str(choice.folder), Qt.ItemDataRole.ToolTipRole)
        combo.setCurrentIndex(
            next((n for n, c in enumerate(entry.choices) if c.folder == entry.folder), 0)
        )
        combo.setToolTip(folder.toolTip())
        combo.currentIndexChanged.connect(lambda n, i=i: self.choose_folder(i, n))
        self.table.setCellWidget(i, COL_FOLDER, combo)

    def choose_folder(self, index: int, choice: int) -> None:
        """Link row ``index`` into its ``choice``-th writable folder (the folder menu)."""
        state = self.states[index]
        entry = state.entry.with_folder(state.entry.choices[choice].folder)
        self.states[index] = replace(state, entry=entry)
        self._cell(index, COL_MODE).setText(entry.mode or "—")
        self._cell(index, COL_FOLDER).setText(str(entry.folder))
        self._cell(index, COL_STATUS).setText(self._status_text(self.states[index]))

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None  # every cell is filled in _on_planned
        return item

    def folder_choices(self, install_root: Path) -> list[Path]:
        """The writable folders offered for one install (tests and keyboard users)."""
        state = next(s for s in self.states if s.install.root == install_root)
        return [c.folder for c in state.entry.choices]

    def _why_folder(self, state: LinkRowState) -> list[str]:
        """Where the install's folder setting comes from (``--vae-dir``, a yaml section)."""
        folder = state.entry.folder
        known = next((f for f in state.install.vae_dirs if f.path == folder), None)
        if known is None:
            return []
        why = reason_text(known.source)  # the discovery reason, in the window's language
        return [self.tr("{install} reads it: {source}").format(install=state.install.label,
                                                               source=why)]  # fmt: skip

    def _blocked_lines(self, entry: PlanEntry) -> list[str]:
        from app.core.linking.plan import (
            WHY_MISSING,
            WHY_NAME_TAKEN,
            WHY_NOT_WRITABLE,
            WHY_REFUSED,
        )

        texts = {
            WHY_NOT_WRITABLE: self.tr("{folder} is not writable"),
            WHY_MISSING: self.tr("{folder} does not exist"),
            WHY_REFUSED: self.tr("{folder} is a system or root folder: nothing is written there"),
            WHY_NAME_TAKEN: self.tr("{folder} already holds another file of that name"),
        }
        return [
            texts.get(b.why, "{folder}").format(folder=b.folder)
            for b in entry.blocked
            if b.why in texts
        ]

    def _status_text(self, state: LinkRowState) -> str:
        from app.core.linking.plan import ACTION_CANNOT_USE, ACTION_CONFLICT
        from app.core.linking.presence import MATCH_SAME_FILE

        entry = state.entry
        action, reason = entry.action, entry.reason  # reason: core English, shown as is
        if entry.shared_with is not None:
            shared = next((s for s in self.states if s.entry.target == entry.shared_with), None)
            name = install_labels(self.installs).get(shared.install.root) if shared else None
            return self.tr("the same folder as {install}").format(install=name or entry.shared_with)
        if state.creatable:
            text = self.tr("not there")
            default_blocked = any(b.folder == entry.default for b in entry.blocked)
            if default_blocked:
                text += " · " + self.tr("{default} cannot be written; {folder} can").format(
                    default=entry.default, folder=entry.folder
                )
            elif len(entry.choices) > 1:
                text += " · " + self.tr("{n} folders it reads can take it: pick one").format(
                    n=len(entry.choices)
                )
            return text
        if state.present:
            if state.ours is not None:
                return self.tr("linked by VAE Manager")
            name = entry.found.name if entry.found else ""
            if entry.match == MATCH_SAME_FILE:
                return self.tr("already there: {file} is this file (a link)").format(file=name)
            return self.tr("already there: {file} has the same SHA-256").format(file=name)
        if action == ACTION_CONFLICT:
            taken = self._blocked_lines(entry)
            return self.tr("conflict: {reason}").format(reason=taken[0] if taken else reason)
        if action == ACTION_CANNOT_USE:
            return self.tr("cannot use it: {reason}").format(reason=reason)
        if entry.blocked:
            return self.tr("cannot link: no folder it reads can be written ({why})").format(
                why="; ".join(self._blocked_lines(entry))
            )
        return self.tr("cannot link: {reason}").format(reason=reason)

    # -- apply ------------------------------------------------------------------------------
    def checked(self, index: int) -> bool:
        return self._cell(index, COL_INSTALL).checkState() == Qt.CheckState.Checked

    def set_checked(self, install_root: Path, checked: bool) -> None:
        """Tick or untick the row of one install (tests and keyboard users)."""
        for i, state in enumerate(self.states):
            if state.install.root == install_root:
                self._cell(i, COL_INSTALL).setCheckState(
                    Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                )

    def apply(self) -> None:
        """Tick → create, untick an app-made link → remove: one operation, one undo."""
        if self.plan is None:
            return
        create = [s.entry for i, s in enumerate(self.states)
                  if s.editable and s.creatable and self.checked(i)]  # fmt: skip
        remove = [s.entry for i, s in enumerate(self.states)
                  if s.editable and s.ours is not None and not self.checked(i)]  # fmt: skip
        if not create and not remove:
            self.status.setText(self.tr("Nothing to change."))
            return
        plan = self.plan
        self.apply_button.setEnabled(False)
        self.status.setText(self.tr("Applying…"))
        self.operations.submit(
            self.tr("Linking {name}").format(name=self.row.name),
            lambda p, c: apply_changes(plan, create, remove, p, c),
            on_done=self._on_applied, on_error=self._on_apply_failed,
        )  # fmt: skip

    def _on_applied(self, changes: LinkChanges) -> None:
        from app.core.linking.apply import CREATED

        created = sum(o.action == CREATED for o in changes.created)
        gone = sum(o.removed for o in changes.removed)
        problems = [o.reason for o in changes.created if o.action != CREATED]
        problems += [o.reason for o in changes.removed if not o.removed]
        summary = self.tr("Linked into {a} install(s), removed from {b}.").format(a=created, b=gone)
        if problems:
            summary += " " + self.tr("Not done: {what}").format(what="; ".join(problems))
        if changes.operation_id is not None:
            summary += " " + self.tr("Edit → Undo reverses this.")
        summary = "\n".join([summary, *(render(note) for note in changes.notes)])
        self.status.setText(summary)
        self.last_summary = summary
        self.changed.emit()
        self.refresh()

    def _on_error(self, exc: BaseException) -> None:
        self.status.setText(str(exc))
        self.presenter.show_error(exc, self.tr("Linking"))

    def _on_apply_failed(self, exc: BaseException) -> None:
        self._on_error(exc)
        self.last_summary = str(exc)
        self.refresh()  # what got done before the error stays recorded: show it
