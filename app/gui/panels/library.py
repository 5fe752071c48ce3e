"""The Library panel: every cataloged VAE in a sortable, filterable table with details."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.gui.core_messages import verdict_text
from app.gui.delegates import BadgeDelegate, ChipsDelegate
from app.gui.formatting import BADGE_KEYS, badge_label
from app.gui.icons import icon
from app.gui.library_model import (
    COL_AUTOV2,
    COL_FAMILY,
    COL_LINKED,
    COL_NAME,
    COL_SIZE,
    COL_VERDICT,
    ROW_ROLE,
    LibraryFilter,
    LibraryModel,
)
from app.gui.panels.library_actions import LibraryActions
from app.gui.panels.library_columns import VerdictStaysVisible
from app.gui.panels.library_details import DetailsView
from app.gui.reveal import reveal
from app.gui.snapshot import NAMED_BY_LIBRARY, LibraryRow, Snapshot
from app.gui.widgets import ActionBar, EmptyState, heading, muted, panel_header

DETAILS_NARROW = 300  # the details pane's width when the table needs the room


class LibraryPanel(QWidget):
    """Table on the left, details and actions on the right."""

    link_requested = Signal(object)  # LibraryRow
    preview_requested = Signal(object)  # list[LibraryRow]
    guide_requested = Signal()
    get_vaes_requested = Signal()
    add_install_requested = Signal()
    import_requested = Signal()

    def __init__(self, actions: LibraryActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row_actions = actions
        self.model = LibraryModel(self)
        self.proxy = LibraryFilter(self)
        self.proxy.setSourceModel(self.model)
        self._snapshot = Snapshot()
        layout = QVBoxLayout(self)
        layout.addWidget(
            panel_header(
                self.tr("Library"),
                self.tr("Every VAE file VAE Manager knows: where it is, whether it is genuine, "
                        "and which of your UIs can use it."),
            )
        )  # fmt: skip
        layout.addLayout(self._filter_bar())
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_empty())
        self.stack.addWidget(self._build_main())
        self.loading = muted(self.tr("Reading the catalog…"))  # until the first snapshot
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        self.stack.setCurrentWidget(self.loading)  # never "empty" before the catalog was read
        layout.addWidget(self.stack, 1)
        self._update_details()

    # -- building -------------------------------------------------------------------------------
    def _filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("libraryFilter")
        self.filter_edit.setPlaceholderText(self.tr("Filter by name, hash, family, install…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        bar.addWidget(self.filter_edit, 1)
        self.badge_combo = QComboBox()
        self.badge_combo.addItem(self.tr("All verdicts"), None)
        for key in BADGE_KEYS:
            self.badge_combo.addItem(badge_label(key), key)
        self.badge_combo.currentIndexChanged.connect(
            lambda _: self.proxy.set_badge(self.badge_combo.currentData())
        )
        bar.addWidget(self.badge_combo)
        self.missing_check = QCheckBox(self.tr("Show missing files"))
        self.missing_check.toggled.connect(self.proxy.set_show_missing)
        bar.addWidget(self.missing_check)
        return bar

    def _build_empty(self) -> QWidget:
        empty = EmptyState(
            "library",
            self.tr("Your library is empty"),
            self.tr("Drop VAE files or folders anywhere on this window, download an official VAE, "
                    "or add the folder of a Stable Diffusion UI so its VAEs are listed here."),
        )  # fmt: skip
        empty.add_button(self.tr("Get official VAEs"), "download").clicked.connect(
            self.get_vaes_requested
        )
        empty.add_button(self.tr("Import files…"), "import").clicked.connect(self.import_requested)
        empty.add_button(self.tr("Add install folder…"), "installs").clicked.connect(
            self.add_install_requested
        )
        self.empty_state = empty
        return empty

    def _build_main(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableView()
        self.table.setObjectName("libraryTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setItemDelegateForColumn(COL_VERDICT, BadgeDelegate(self.table))
        self.table.setItemDelegateForColumn(COL_LINKED, ChipsDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        widths = {COL_NAME: 200, COL_FAMILY: 92, COL_SIZE: 66, COL_AUTOV2: 88, COL_LINKED: 172}
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        # Optional columns, most needed first (the details pane shows them all).
        optional = [COL_LINKED, COL_SIZE, COL_FAMILY, COL_AUTOV2]
        self.columns = VerdictStaysVisible(self.table, COL_VERDICT, optional)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)
        self.table.doubleClicked.connect(lambda _: self._emit_link())
        rename_key = QAction(self.tr("Rename…"), self.table)
        rename_key.setShortcut(QKeySequence(Qt.Key.Key_F2))
        rename_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        rename_key.triggered.connect(self.rename_selected)
        self.table.addAction(rename_key)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_details())
        splitter.addWidget(self.table)
        splitter.addWidget(self._build_details())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([800, DETAILS_NARROW])
        splitter.splitterMoved.connect(lambda *_: setattr(self, "_details_sized_by_user", True))
        self.splitter = splitter
        splitter.installEventFilter(self)
        return splitter

    def _build_details(self) -> QWidget:
        box = QWidget()
        box.setMinimumWidth(DETAILS_NARROW)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.setSpacing(6)
        bar = self.action_bar = ActionBar()  # first: stays put whatever the title and verdict
        layout.addWidget(bar)
        self.detail_title = heading("", size_delta=3)
        self.detail_title.setWordWrap(True)
        layout.addWidget(self.detail_title)
        self.detail_badge = QLabel()
        self.detail_badge.setWordWrap(True)
        self.detail_badge.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.detail_badge)
        self.buttons: dict[str, QToolButton] = {}
        specs = [
            ("verify", self.tr("Verify"), "verify", self.verify_selected),
            ("reveal", self.tr("Reveal"), "reveal", self._on_reveal_clicked),
            ("link", self.tr("Link"), "link", self._emit_link),
            ("unlink", self.tr("Unlink"), "unlink", self._on_unlink_clicked),
            ("default", self.tr("Default"), "star", None),
            ("preview", self.tr("Preview"), "preview", self.preview_selected),
            ("remove", self.tr("Remove"), "trash", self.remove_selected),
        ]
        tips = {
            "verify": self.tr("Read the file again and check it against the catalog and registry"),
            "reveal": self.tr("Show the file in your file manager"),
            "link": self.tr("Choose the UIs that should list this VAE"),
            "unlink": self.tr("Remove every link VAE Manager made of this file"),
            "default": self.tr("Make it the default VAE of an AUTOMATIC1111-style install"),
            "preview": self.tr("Decode the test card with the selected VAEs"),
            "remove": self.tr("Move the file to the trash"),
        }
        for key, text, icon_name, slot in specs:
            button = QToolButton()
            button.setObjectName(f"action_{key}")
            button.setText(text)
            button.setToolTip(tips[key])
            button.setIcon(icon(icon_name))
            button.setIconSize(QSize(20, 20))
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            if slot is not None:
                button.clicked.connect(slot)
            self.buttons[key] = bar.add(button)
        self.default_menu = QMenu(self)
        self.default_menu.aboutToShow.connect(self._fill_default_menu)
        self.buttons["default"].setMenu(self.default_menu)
        self.buttons["default"].setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.details = DetailsView()
        self.details.reveal_requested.connect(lambda path: reveal(path, self.row_actions.presenter))
        self.details.guide_requested.connect(self.guide_requested)
        layout.addWidget(self.details, 1)
        return box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """Details wide enough for the button labels, narrower in a small window."""
        if watched is self.splitter and isinstance(event, QResizeEvent):
            total = event.size().width() - self.splitter.handleWidth()
            if not getattr(self, "_details_sized_by_user", False) and total > 0:
                labels = max(DETAILS_NARROW, self.action_bar.labels_width() + 12)  # + margins
                roomy = total - labels >= self.columns.full_width()
                details = labels if roomy else DETAILS_NARROW  # every column first, then labels
                self.splitter.setSizes([total - details, details])
        return False

    # -- data -----------------------------------------------------------------------------------
    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Show a new snapshot, keeping the selected file selected."""
        current = self.current_row()
        keep = current.entry.sha256 or current.path if current else None
        self._snapshot = snapshot
        rows = snapshot.vae_rows()
        self.model.set_rows(rows)
        self.stack.setCurrentIndex(1 if rows else 0)
        if keep is not None:
            self.select_where(lambda r: (r.entry.sha256 or r.path) == keep)
        self._update_details()

    def select_where(self, predicate: Callable[[LibraryRow], bool]) -> bool:
        for proxy_row in range(self.proxy.rowCount()):
            index = self.proxy.index(proxy_row, 0)
            if predicate(index.data(ROW_ROLE)):
                self.table.selectionModel().select(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.setCurrentIndex(index)
                return True
        return False

    def selected_rows(self) -> list[LibraryRow]:
        shown = self.stack.currentIndex() == 1
        indexes = self.table.selectionModel().selectedRows() if shown else []
        return [i.data(ROW_ROLE) for i in sorted(indexes, key=lambda i: i.row())]

    def current_row(self) -> LibraryRow | None:
        rows = self.selected_rows()
        return rows[0] if rows else None

    def focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    # -- slots ----------------------------------------------------------------------------------
    def _update_details(self) -> None:
        row = self.current_row()
        self.details.show_row(row)
        present = row is not None and bool(row.entry.locations)
        for button in self.buttons.values():
            button.setEnabled(present)
        if row is None:
            self.detail_title.setText(self.tr("No file selected"))
            self.detail_badge.setText("")
            return
        self.detail_title.setText(row.name)
        message = html.escape(verdict_text(row.entry.validation_message or ""))
        self.detail_badge.setText(
            f"<span style='background:{row.badge.colour};color:white;'>"
            f"&nbsp;{html.escape(row.badge.label)}&nbsp;</span>&nbsp; {message}"
        )

    def _run(self, action: Callable[[LibraryRow], object]) -> None:
        row = self.current_row()
        if row is None:
            return
        try:
            action(row)
        except UserError as exc:
            self.row_actions.presenter.show_error(exc)

    def verify_selected(self) -> None:
        """Verify the selected file (button, menu and shortcut)."""
        self._run(self.row_actions.verify)

    def _on_reveal_clicked(self) -> None:
        self._run(lambda row: row.path and reveal(row.path, self.row_actions.presenter))

    def _on_unlink_clicked(self) -> None:
        self._run(self.row_actions.unlink_all)

    def remove_selected(self) -> None:
        """Ask, then move the selected file to the trash."""
        self._run(self.row_actions.confirm_remove)

    def _emit_link(self) -> None:
        self._run(self.link_requested.emit)

    def preview_selected(self) -> None:
        """Open the selected files (up to four) in the Preview panel."""
        rows = [r for r in self.selected_rows() if r.entry.locations][:4]
        if rows:
            self.preview_requested.emit(rows)

    def _fill_default_menu(self) -> None:
        from app.core.installs.a1111_config import supports_default_vae

        self.default_menu.clear()
        installs = [i for i in self._snapshot.installs if supports_default_vae(i)]
        if not installs:
            action = self.default_menu.addAction(
                self.tr("No AUTOMATIC1111, Forge or reForge install found")
            )
            action.setEnabled(False)
            return
        from app.gui.icons import kind_icon
        from app.gui.snapshot import install_labels

        labels = install_labels(self._snapshot.installs)
        for install in installs:
            action = self.default_menu.addAction(
                kind_icon(install.kind),
                self.tr("In {install}").format(install=f"{labels[install.root]} ({install.root})"),
            )
            action.triggered.connect(
                lambda _=False, i=install: self._run(
                    lambda row: self.row_actions.set_default(row, i)
                )
            )
        self.default_menu.addSeparator()
        for install in installs:
            action = self.default_menu.addAction(
                self.tr("Reset {install} to Automatic").format(install=labels[install.root])
            )
            action.setObjectName(f"resetDefault:{install.root}")
            action.triggered.connect(lambda _=False, i=install: self.row_actions.reset_default(i))

    def rename_selected(self) -> QInputDialog | None:
        """Ask for a name for the selected file (kept in the catalog); returns the open dialog."""
        row = self.current_row()
        if row is None:
            return None
        if not self._can_rename(row):
            why = (
                self.tr("It is named after its copy in the library; rename that file instead.")
                if row.named_by == NAMED_BY_LIBRARY
                else self.tr("This file is not hashed yet; wait for hashing to finish.")
            )
            self.row_actions.presenter.show_error(UserError(why))
            return None
        dialog = QInputDialog(self)
        dialog.setObjectName("renameDialog")
        dialog.setWindowTitle(self.tr("Rename"))
        dialog.setLabelText(
            self.tr("A name for this file in VAE Manager (the files keep their names; "
                    "empty: named after its file again):")
        )  # fmt: skip
        dialog.setTextValue(row.entry.label or row.name)
        dialog.textValueSelected.connect(lambda text: self.row_actions.rename(row, text))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        return dialog

    def _on_table_context_menu(self, pos: QPoint) -> None:
        if self.current_row() is None:
            return
        menu = QMenu(self)
        for key in ("verify", "reveal", "link", "unlink", "preview", "remove"):
            button = self.buttons[key]
            action = menu.addAction(button.icon(), button.text())
            action.triggered.connect(button.click)
        rename = menu.addAction(self.tr("Rename…"))
        rename.setObjectName("renameAction")
        rename.setEnabled(self._can_rename(self.current_row()))
        rename.triggered.connect(self.rename_selected)
        menu.addSeparator()
        sub = menu.addMenu(icon("star"), self.buttons["default"].text())
        sub.aboutToShow.connect(lambda: self._fill_menu_into(sub))
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _can_rename(self, row: LibraryRow | None) -> bool:
        """A hashed row without a library copy (a library copy's file name is the row's name)."""
        return row is not None and bool(row.entry.sha256) and row.named_by != NAMED_BY_LIBRARY

    def _fill_menu_into(self, menu: QMenu) -> None:
        self._fill_default_menu()
        menu.clear()
        for action in self.default_menu.actions():
            menu.addAction(action)
