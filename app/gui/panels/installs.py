"""The Installs panel: the Stable Diffusion UIs found here and the folders they read models from."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.gui.core_messages import reason_text
from app.gui.errors import ErrorPresenter
from app.gui.icons import icon, kind_icon
from app.gui.reveal import reveal
from app.gui.state import AppState
from app.gui.widgets import EmptyState, muted, panel_header

if TYPE_CHECKING:  # the installs package walks disks: import it in workers only
    from app.core.installs.records import Install

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class InstallsPanel(QWidget):
    """A tree: each install, then its VAE and checkpoint folders with where each came from."""

    add_requested = Signal()

    def __init__(self, state: AppState, presenter: ErrorPresenter | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.state = state
        self.presenter = presenter
        layout = QVBoxLayout(self)
        layout.addWidget(
            panel_header(
                self.tr("Installs"),
                self.tr("The UIs VAE Manager links VAEs into. Each folder says why it is one: "
                        "a default, a launch flag or a config file."),
            )
        )  # fmt: skip
        bar = QHBoxLayout()
        self.add_button = QPushButton(icon("add"), self.tr("Add folder…"))
        self.add_button.setObjectName("addInstall")
        self.add_button.clicked.connect(self.choose_folder)
        self.remove_button = QPushButton(icon("remove"), self.tr("Remove"))
        self.remove_button.setObjectName("removeInstall")
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.open_button = QPushButton(icon("folder"), self.tr("Open folder"))
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.rescan_button = QPushButton(icon("refresh"), self.tr("Rescan"))
        self.rescan_button.setObjectName("rescanInstalls")
        self.rescan_button.clicked.connect(lambda: self.state.discover_installs(then_scan=True))
        for button in (self.add_button, self.remove_button, self.open_button):
            bar.addWidget(button)
        bar.addStretch()
        self.hint = muted(self.tr("Tip: drop a UI's folder on this window to add it."), wrap=False)
        bar.addWidget(self.hint)
        bar.addWidget(self.rescan_button)
        layout.addLayout(bar)
        self.stack = QStackedWidget()
        empty = EmptyState(
            "installs",
            self.tr("No Stable Diffusion UI found yet"),
            self.tr("VAE Manager looks for AUTOMATIC1111, Forge, reForge, SD.Next, ComfyUI, "
                    "InvokeAI, Fooocus, SwarmUI and Stability Matrix. If yours is elsewhere, "
                    "add its folder or drop it on this window."),
        )  # fmt: skip
        empty.add_button(self.tr("Add folder…"), "add").clicked.connect(self.choose_folder)
        self.stack.addWidget(empty)
        self.tree = QTreeWidget()
        self.tree.setObjectName("installsTree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("Install / folder"), self.tr("Location"),
                                   self.tr("Why")])  # fmt: skip
        self.tree.setIconSize(self.tree.iconSize().expandedTo(self.tree.iconSize() * 1.5))
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(1, 380)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.stack.addWidget(self.tree)
        layout.addWidget(self.stack, 1)
        state.installs_changed.connect(self.set_installs)
        self._update_buttons()

    def set_installs(self, installs: tuple[Install, ...]) -> None:
        self.tree.clear()
        for install in installs:
            title = install.label + (f" {install.version}" if install.version else "")
            why = reason_text(install.source)
            top = QTreeWidgetItem([title, str(install.root), why])
            top.setIcon(0, kind_icon(install.kind))
            top.setData(0, PATH_ROLE, str(install.root))
            top.setToolTip(2, why)
            for folder in install.vae_dirs:
                self._child(top, self.tr("VAE folder"), folder.path, reason_text(folder.source),
                            "folder")  # fmt: skip
            for folder in install.checkpoint_dirs:
                self._child(top, self.tr("Checkpoint folder"), folder.path,
                            reason_text(folder.source),
                            "checkpoint")  # fmt: skip
            if not install.vae_dirs:
                self._child(top, self.tr("No VAE folder known"), None, why, "warning")
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        self.stack.setCurrentIndex(1 if installs else 0)
        self._update_buttons()

    def _child(
        self, top: QTreeWidgetItem, what: str, path: Path | None, source: str, icon_name: str
    ) -> None:
        exists = path is None or path.is_dir()
        text = str(path) if path else ""
        if path is not None and not exists:
            text += "  " + self.tr("(not created yet)")
        item = QTreeWidgetItem([what, text, source])
        item.setIcon(0, icon(icon_name))
        item.setData(0, PATH_ROLE, str(path) if path else None)
        item.setToolTip(2, source)
        top.addChild(item)

    def choose_folder(self) -> None:
        """Ask for a folder (non-blocking) and add it as an install."""
        dialog = QFileDialog(self, self.tr("Choose the folder of a Stable Diffusion UI"))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda path: self.state.add_install(Path(path)))
        dialog.open()

    def _selected_root(self) -> QTreeWidgetItem | None:
        items = self.tree.selectedItems()
        if not items:
            return None
        item = items[0]
        return item.parent() or item

    def _update_buttons(self) -> None:
        selected = bool(self.tree.selectedItems())
        self.remove_button.setEnabled(selected)
        self.open_button.setEnabled(selected)

    def _on_remove_button_clicked(self) -> None:
        top = self._selected_root()
        if top is not None:
            self.state.remove_install(Path(top.data(0, PATH_ROLE)))

    def _on_open_button_clicked(self) -> None:
        items = self.tree.selectedItems()
        if items and items[0].data(0, PATH_ROLE):
            path = Path(items[0].data(0, PATH_ROLE))
            reveal(path if path.exists() else path.parent, self.presenter)
