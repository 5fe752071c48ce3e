"""The main window: a sidebar of panels, a status bar with background tasks, drops anywhere.

The window owns the shared pieces (task runner, error presenter, app state,
download service) and wires panels to them. It starts empty and fills in as
workers report: nothing on the GUI thread reads a model file or the catalog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from app import APP_NAME
from app.gui.cut_text_tooltips import add_cut_text_tooltips
from app.gui.dialogs.about import AboutDialog
from app.gui.dialogs.download_settings import DownloadSettingsDialog
from app.gui.dialogs.guide import GuideDialog
from app.gui.dialogs.link_dialog import LinkDialog
from app.gui.downloads_service import DownloadService
from app.gui.errors import ErrorPresenter
from app.gui.icons import app_icon, icon
from app.gui.main_window.drops import DropHandler
from app.gui.main_window.menus import build_menus
from app.gui.panels.checkpoints import CheckpointsPanel
from app.gui.panels.get_vaes import GetVaesPanel
from app.gui.panels.installs import InstallsPanel
from app.gui.panels.library import LibraryPanel
from app.gui.panels.library_actions import LibraryActions
from app.gui.panels.preview import PreviewPanel
from app.gui.panels.task_panel import TaskIndicator, TaskPanel
from app.gui.settings import (
    KEY_GEOMETRY,
    KEY_LANGUAGE,
    KEY_PANEL,
    KEY_STATE,
    KEY_THEME,
    get_str,
    gui_settings,
    set_value,
)
from app.gui.snapshot import LibraryRow
from app.gui.state import AppState, WindowOptions
from app.gui.style import STYLE_SHEET
from app.gui.tasks import TaskRunner
from app.gui.theme import apply_theme
from app.gui.widgets import refresh_rich_text

__all__ = ["MainWindow", "WindowOptions"]


def import_start_dir() -> Path:
    """Where File → Import opens: the user's Downloads folder, else home (never the app's)."""
    from PySide6.QtCore import QStandardPaths

    for location in (QStandardPaths.StandardLocation.DownloadLocation,
                     QStandardPaths.StandardLocation.HomeLocation):  # fmt: skip
        folder = QStandardPaths.writableLocation(location)
        if folder and Path(folder).is_dir():
            return Path(folder)
    return Path.home()


class MainWindow(QMainWindow):
    """Top-level window of the app."""

    PANEL_LIBRARY, PANEL_CHECKPOINTS, PANEL_INSTALLS, PANEL_GET, PANEL_PREVIEW = range(5)

    def __init__(self, options: WindowOptions | None = None) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.setObjectName("mainWindow")
        self.setStyleSheet(STYLE_SHEET)
        self.setAcceptDrops(True)
        self.options = options or WindowOptions()
        self.runner = TaskRunner(self)
        self.presenter = ErrorPresenter(self)
        self.runner.task_failed.connect(
            lambda task, exc: self.presenter.show_error(exc, task.title, task.error_trace)
        )
        self.state = AppState(self.runner, self.options, self)
        self.downloads = DownloadService(self.runner, self)
        self.actions_ = LibraryActions(self.state, self.presenter, self)
        self.drops = DropHandler(self)
        self._dialogs: list[QWidget] = []
        self._restyle_pending = False
        self._build_panels()
        self._build_tasks()
        self.menu_actions = build_menus(self)
        self._wire()
        self._restore()
        self.drops.guard(self)  # after the panels: their line edits take drops too
        add_cut_text_tooltips(self)
        self._follow_system_theme()
        if self.options.auto_start:
            QTimer.singleShot(0, self.state.start)

    # -- layout ---------------------------------------------------------------------------------
    def panel_specs(self) -> list[tuple[str, str, str]]:
        return [
            ("library", self.tr("Library"), "library"),
            ("checkpoints", self.tr("Checkpoints"), "checkpoint"),
            ("installs", self.tr("Installs"), "installs"),
            ("get", self.tr("Get official VAEs"), "download"),
            ("preview", self.tr("Preview"), "preview"),
        ]

    def _build_panels(self) -> None:
        self.library = LibraryPanel(self.actions_)
        self.checkpoints = CheckpointsPanel(self.runner)
        self.installs = InstallsPanel(self.state, self.presenter)
        self.get_vaes = GetVaesPanel(self.downloads)
        self.preview = PreviewPanel(self.runner)
        self.stack = QStackedWidget()
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setFixedWidth(176)
        self.nav.setSpacing(2)
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        panels = (self.library, self.checkpoints, self.installs, self.get_vaes, self.preview)
        for (key, text, icon_name), panel in zip(self.panel_specs(), panels, strict=True):
            item = QListWidgetItem(icon(icon_name), text)
            item.setSizeHint(QSize(164, 38))
            self.nav.addItem(item)
            panel.setObjectName(f"panel_{key}")
            self.stack.addWidget(panel)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.setSpacing(12)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.setCurrentRow(0)

    def _build_tasks(self) -> None:
        self.task_panel = TaskPanel(self.runner)
        self.tasks_dock = QDockWidget(self.tr("Background tasks"), self)
        self.tasks_dock.setObjectName("tasksDock")
        self.tasks_dock.setWidget(self.task_panel)
        self.tasks_dock.setAllowedAreas(Qt.DockWidgetArea.BottomDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.tasks_dock)
        self.tasks_dock.hide()
        self.task_indicator = TaskIndicator(self.task_panel, self.runner)
        self.statusBar().addPermanentWidget(self.task_indicator)
        self.task_indicator.button.toggled.connect(self.tasks_dock.setVisible)
        self.tasks_dock.visibilityChanged.connect(self.task_indicator.button.setChecked)

    def _wire(self) -> None:
        for panel in (self.library, self.checkpoints, self.get_vaes, self.preview):
            self.state.snapshot_changed.connect(panel.set_snapshot)
        self.state.scan_finished.connect(self._on_state_scan_finished)
        self.library.link_requested.connect(self.open_link_dialog)
        self.library.preview_requested.connect(self.open_preview)
        for panel in (self.library, self.get_vaes):
            panel.guide_requested.connect(self.guide_action)
        self.library.get_vaes_requested.connect(lambda: self.show_panel(self.PANEL_GET))
        self.library.add_install_requested.connect(self.add_install_action)
        self.library.import_requested.connect(self.import_files_action)
        self.get_vaes.settings_requested.connect(self.settings_action)
        self.downloads.job_started.connect(self.task_panel.add)
        self.downloads.jobs_changed.connect(lambda _: self.task_panel.refresh())
        self.downloads.job_finished.connect(self._on_downloads_job_finished)
        self.downloads.job_failed.connect(self._on_downloads_job_failed)
        self.get_vaes.library_requested.connect(self._on_get_vaes_library_requested)
        self.menu_actions["tasks"].toggled.connect(self.tasks_dock.setVisible)
        self.tasks_dock.visibilityChanged.connect(self.menu_actions["tasks"].setChecked)

    # -- navigation -----------------------------------------------------------------------------
    def show_panel(self, index: int) -> None:
        self.nav.setCurrentRow(index)

    def current_panel(self) -> int:
        return self.stack.currentIndex()

    # -- user actions -------------------------------------------------------------------------
    def import_files_action(self) -> None:
        dialog = QFileDialog(self, self.tr("Choose model files to import"), str(import_start_dir()))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilter(self.tr("Model files (*.safetensors *.ckpt *.pt *.pth *.bin *.sft)"))
        dialog.filesSelected.connect(lambda files: self.drops.open_import([Path(f) for f in files]))
        dialog.open()

    def add_install_action(self) -> None:
        self.show_panel(self.PANEL_INSTALLS)
        self.installs.choose_folder()

    def rescan_action(self) -> None:
        self.state.discover_installs(then_scan=True)

    def settings_action(self) -> None:
        dialog = DownloadSettingsDialog(self.runner, self.presenter, self)
        dialog.accepted.connect(self.state.rescan)
        self._show_dialog(dialog)

    def find_action(self) -> None:
        self.show_panel(self.PANEL_LIBRARY)
        self.library.focus_filter()

    def link_selected_action(self) -> None:
        row = self.library.current_row()
        if row is not None:
            self.open_link_dialog(row)

    def preview_selected_action(self) -> None:
        self.library.preview_selected()

    def verify_selected_action(self) -> None:
        self.library.verify_selected()

    def remove_selected_action(self) -> None:
        if self.current_panel() == self.PANEL_LIBRARY:
            self.library.remove_selected()

    def toggle_tasks_action(self, checked: bool = False) -> None:
        self.tasks_dock.setVisible(checked)

    def guide_action(self) -> GuideDialog:
        dialog = GuideDialog(self)
        self._show_dialog(dialog, modal=False)
        return dialog

    def about_action(self) -> AboutDialog:
        dialog = AboutDialog(self)
        self._show_dialog(dialog)
        return dialog

    def set_theme(self, theme: str) -> None:
        set_value(KEY_THEME, theme)
        apply_theme(theme)
        self.restyle()

    def restyle(self) -> None:
        """Make everything follow a new palette, also what a palette change does not reach.

        Widgets under a style sheet keep the palette they were polished with, and
        rich text keeps the link colours it was parsed with: set both again.
        """
        self._restyle_pending = False
        self.setStyleSheet("")
        self.setStyleSheet(STYLE_SHEET)
        refresh_rich_text(self)

    def _follow_system_theme(self) -> None:
        """The OS switching dark mode or high contrast re-applies the chosen theme."""
        hints = QGuiApplication.styleHints()  # bound slots: disconnected when the window goes
        hints.colorSchemeChanged.connect(self._on_hints_theme_changed)
        if hasattr(hints, "accessibility"):
            hints.accessibility().contrastPreferenceChanged.connect(self._on_hints_theme_changed)

    def _on_hints_theme_changed(self, *_) -> None:
        QTimer.singleShot(0, self, self._reapply_theme)  # not from inside the platform's signal

    def _reapply_theme(self) -> None:
        apply_theme(get_str(KEY_THEME, "system"))
        self.restyle()

    def set_language(self, language: str) -> None:
        set_value(KEY_LANGUAGE, language)
        self.presenter.inform(
            self.tr("Language"), self.tr("The new language is used from the next start.")
        )

    def open_link_dialog(self, row: LibraryRow) -> LinkDialog:
        dialog = LinkDialog(row, self.state.installs, self.runner, self.presenter, self)
        dialog.changed.connect(self.state.reload)
        self._show_dialog(dialog)
        return dialog

    def open_preview(self, rows: list[LibraryRow]) -> None:
        self.show_panel(self.PANEL_PREVIEW)
        self.preview.choose(rows)
        self.preview.start()

    def _show_dialog(self, dialog, *, modal: bool = True) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._dialogs.append(dialog)
        dialog.destroyed.connect(
            lambda _=None, d=dialog: d in self._dialogs and self._dialogs.remove(d)
        )
        if modal:
            dialog.open()
        else:
            dialog.show()

    # -- events ---------------------------------------------------------------------------------
    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.ApplicationPaletteChange and not self._restyle_pending:
            self._restyle_pending = True  # once for a burst of changes, after they are done
            QTimer.singleShot(0, self, lambda: self._restyle_pending and self.restyle())
        super().changeEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._save()
        self.downloads.shutdown()
        self.runner.shutdown()
        super().closeEvent(event)

    # -- settings -------------------------------------------------------------------------------
    def _restore(self) -> None:
        store = gui_settings()
        geometry = store.value(KEY_GEOMETRY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1320, 820)
        state = store.value(KEY_STATE)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        panel = store.value(KEY_PANEL, 0)
        try:
            self.show_panel(max(0, min(self.stack.count() - 1, int(panel))))
        except (TypeError, ValueError):
            self.show_panel(0)

    def _save(self) -> None:
        store = gui_settings()
        store.setValue(KEY_GEOMETRY, self.saveGeometry())
        store.setValue(KEY_STATE, self.saveState())
        store.setValue(KEY_PANEL, self.current_panel())
        store.sync()

    def _on_state_scan_finished(self, report) -> None:
        if self.statusBar().property("downloadNotice") == self.statusBar().currentMessage():
            return  # the rescan after a download: its notice matters more
        self.statusBar().showMessage(
            self.tr("Scan done: {added} new, {updated} changed, {missing} missing.").format(
                added=report.added, updated=report.updated, missing=report.missing
            ),
            8000,
        )

    def _on_downloads_job_finished(self, view) -> None:
        self._download_notice(self.tr("Downloaded {name}: it is in your library.").format(
            name=view.spec.filename))  # fmt: skip
        QApplication.alert(self)  # the taskbar entry asks for attention if the window is behind
        self.state.rescan([view.spec.dest_dir])

    def _on_downloads_job_failed(self, view) -> None:
        from app.gui.download_messages import look_for

        self._download_notice(self.tr("Download of {name} stopped: {reason}").format(
            name=view.spec.filename, reason=look_for(view).message))  # fmt: skip

    def _download_notice(self, text: str) -> None:
        self.statusBar().setProperty("downloadNotice", text)
        self.statusBar().showMessage(text, 15_000)

    def _on_get_vaes_library_requested(self, filename: str) -> None:
        self.show_panel(self.PANEL_LIBRARY)
        self.library.select_where(lambda row: row.name == filename)
