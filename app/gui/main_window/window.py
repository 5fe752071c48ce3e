"""The main window: a sidebar of panels, a status bar with background tasks, drops anywhere.

The window owns the shared pieces (task runner, error presenter, app state,
download service) and wires panels to them. It starts empty and fills in as
workers report: nothing on the GUI thread reads a model file or the catalog.

It opens at once: the first frame is only the window's frame, menus, sidebar
and status bar. Right after it is on screen the shared pieces
(:mod:`.services`), the panel on screen and the task dock (:mod:`.tasks_dock`)
are built, one step per event-loop turn, and then the catalog load and the
install search start; every other panel is built on first use (navigation, a
shortcut, or code reading ``window.<panel>``), and dialogs are imported when
opened. Code that asks for a piece earlier (``window.state`` in a test) gets it
built then: nothing is missing, only later.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QByteArray, QEvent, QSize, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from app import APP_NAME
from app.gui import icon_cache
from app.gui.icons import app_icon, icon
from app.gui.main_window.menus import build_menus
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
from app.gui.style import STYLE_SHEET
from app.gui.theme import apply_theme
from app.gui.window_options import WindowOptions

if TYPE_CHECKING:  # each module is imported when its part is first built
    from PySide6.QtGui import QCloseEvent, QPaintEvent
    from PySide6.QtWidgets import QDialog, QDockWidget

    from app.core.catalog.records import ScanReport
    from app.core.downloads.queue import JobView
    from app.core.operations.journal import OperationRecord
    from app.core.operations.undo import UndoResult
    from app.gui.catalog_recovery import CatalogRecovery
    from app.gui.dialogs.about import AboutDialog
    from app.gui.dialogs.guide import GuideDialog
    from app.gui.dialogs.link_dialog import LinkDialog
    from app.gui.downloads_service import DownloadService
    from app.gui.errors import ErrorPresenter
    from app.gui.main_window.drops import DropHandler
    from app.gui.main_window.services import WindowServices
    from app.gui.main_window.tasks_dock import TasksDock
    from app.gui.operations import GuiOperations
    from app.gui.panels.checkpoints import CheckpointsPanel
    from app.gui.panels.get_vaes import GetVaesPanel
    from app.gui.panels.installs import InstallsPanel
    from app.gui.panels.library import LibraryPanel
    from app.gui.panels.library_actions import LibraryActions
    from app.gui.panels.preview import PreviewPanel
    from app.gui.panels.task_panel import TaskIndicator, TaskPanel
    from app.gui.single_instance import SingleInstance
    from app.gui.snapshot import LibraryRow, Snapshot
    from app.gui.state import AppState
    from app.gui.tasks import TaskRunner

__all__ = ["MainWindow", "WindowOptions"]

# A window that is never painted (hidden, minimized at start) still loads its catalog;
# a shown one waits for its paint up to the second figure, checking at each period.
START_UNPAINTED_MS = 1000
START_UNPAINTED_WAIT_MS = 10_000


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
    single_instance: SingleInstance  # set by app.gui.launch.open_main_window (it listens)

    def __init__(self, options: WindowOptions | None = None) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.setObjectName("mainWindow")
        self.setStyleSheet(STYLE_SHEET)
        self.setAcceptDrops(True)
        self.options = options or WindowOptions()
        self._services_: WindowServices | None = None
        self._drops: DropHandler | None = None
        self._tasks: TasksDock | None = None
        self._saved_state: QByteArray | None = None  # the dock's, restored once it exists
        self._dialogs: list[QWidget] = []
        self._restyle_pending = False
        self._panels: dict[int, QWidget] = {}
        self._snapshot: Snapshot | None = None  # the latest one, for panels built later
        self._painted = False
        self._first_after_paint: list[Callable[[], object]] = []
        self._after_paint: list[Callable[[], object]] = []
        self._build_layout()
        self.statusBar()  # in the first frame, so nothing moves when the summary arrives
        self.menus = build_menus(self)
        self.menu_actions = self.menus.actions
        self._restore()
        self._follow_system_theme()
        if self.options.auto_start:
            self.when_painted(lambda: self.state.start())
        QTimer.singleShot(START_UNPAINTED_MS, self, self._on_unpainted_timeout)

    # -- the parts made after the first frame ------------------------------------------------------
    def _services(self) -> WindowServices:
        if self._services_ is None:
            from app.gui.main_window.services import build_services

            self._services_ = build_services(self)
        return self._services_

    @property
    def runner(self) -> TaskRunner:
        return self._services().runner

    @property
    def presenter(self) -> ErrorPresenter:
        return self._services().presenter

    @property
    def state(self) -> AppState:
        return self._services().state

    @property
    def catalog_recovery(self) -> CatalogRecovery:
        return self._services().catalog_recovery

    @property
    def downloads(self) -> DownloadService:
        return self._services().downloads

    @property
    def actions_(self) -> LibraryActions:
        return self._services().actions

    @property
    def operations(self) -> GuiOperations:
        return self._services().operations

    @property
    def drops(self) -> DropHandler:
        if self._drops is None:
            from app.gui.main_window.drops import DropHandler

            self._drops = DropHandler(self)
            self._drops.guard(self)
        return self._drops

    def _tasks_dock(self) -> TasksDock:
        if self._tasks is None:
            from app.gui.main_window.tasks_dock import build_tasks_dock

            self._tasks = build_tasks_dock(self)
            if self._saved_state is not None:
                self.restoreState(self._saved_state)  # the dock as the user left it
        return self._tasks

    @property
    def tasks_dock(self) -> QDockWidget:
        return self._tasks_dock().dock

    @property
    def task_panel(self) -> TaskPanel:
        return self._tasks_dock().panel

    @property
    def task_indicator(self) -> TaskIndicator:
        return self._tasks_dock().indicator

    # -- layout ---------------------------------------------------------------------------------
    def panel_specs(self) -> list[tuple[str, str, str]]:
        return [
            ("library", self.tr("Library"), "library"),
            ("checkpoints", self.tr("Checkpoints"), "checkpoint"),
            ("installs", self.tr("Installs"), "installs"),
            ("get", self.tr("Get official VAEs"), "download"),
            ("preview", self.tr("Preview"), "preview"),
        ]

    def _build_layout(self) -> None:
        """The sidebar and a stack of placeholders; :meth:`panel` fills a slot on first use."""
        self.stack = QStackedWidget()
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setFixedWidth(176)
        self.nav.setSpacing(2)
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        for _key, text, icon_name in self.panel_specs():
            item = QListWidgetItem(icon(icon_name), text)
            item.setSizeHint(QSize(164, 38))
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())
        self.nav.currentRowChanged.connect(self._on_nav_current_row_changed)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.setSpacing(12)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    # -- panels, built on first use -----------------------------------------------------------
    def panel(self, index: int) -> QWidget:
        """The panel at ``index`` of the sidebar, built and wired the first time it is needed."""
        if index not in self._panels:
            panel = self._make_panel(index)
            panel.setObjectName(f"panel_{self.panel_specs()[index][0]}")
            placeholder = self.stack.widget(index)
            was_current = self.stack.currentWidget() is placeholder
            self._panels[index] = panel
            self.stack.insertWidget(index, panel)
            if placeholder is not None:
                self.stack.removeWidget(placeholder)
                placeholder.deleteLater()
            if was_current:
                self.stack.setCurrentWidget(panel)
            self.drops.guard(panel)
            if self._painted:
                self._add_cut_text_tooltips(panel)
            if self._snapshot is not None and hasattr(panel, "set_snapshot"):
                panel.set_snapshot(self._snapshot)
        return self._panels[index]

    def _make_panel(self, index: int) -> QWidget:
        if index == self.PANEL_LIBRARY:
            from app.gui.panels.library import LibraryPanel

            library = LibraryPanel(self.actions_)
            library.link_requested.connect(self.open_link_dialog)
            library.preview_requested.connect(self.open_preview)
            library.guide_requested.connect(self.guide_action)
            library.get_vaes_requested.connect(lambda: self.show_panel(self.PANEL_GET))
            library.add_install_requested.connect(self.add_install_action)
            library.import_requested.connect(self.import_files_action)
            return library
        if index == self.PANEL_CHECKPOINTS:
            from app.gui.panels.checkpoints import CheckpointsPanel

            return CheckpointsPanel(self.runner, self.operations)
        if index == self.PANEL_INSTALLS:
            from app.gui.panels.installs import InstallsPanel

            installs = InstallsPanel(self.state, self.presenter)
            if self.state.installs_known:
                installs.set_installs(self.state.installs)
            return installs
        if index == self.PANEL_GET:
            from app.gui.panels.get_vaes import GetVaesPanel

            get_vaes = GetVaesPanel(self.downloads)
            get_vaes.guide_requested.connect(self.guide_action)
            get_vaes.settings_requested.connect(self.settings_action)
            get_vaes.library_requested.connect(self._on_get_vaes_library_requested)
            return get_vaes
        if index == self.PANEL_PREVIEW:
            from app.gui.panels.preview import PreviewPanel

            return PreviewPanel(self.runner, self.presenter)
        raise IndexError(f"no panel {index}")

    @property
    def library(self) -> LibraryPanel:
        return cast("LibraryPanel", self.panel(self.PANEL_LIBRARY))

    @property
    def checkpoints(self) -> CheckpointsPanel:
        return cast("CheckpointsPanel", self.panel(self.PANEL_CHECKPOINTS))

    @property
    def installs(self) -> InstallsPanel:
        return cast("InstallsPanel", self.panel(self.PANEL_INSTALLS))

    @property
    def get_vaes(self) -> GetVaesPanel:
        return cast("GetVaesPanel", self.panel(self.PANEL_GET))

    @property
    def preview(self) -> PreviewPanel:
        return cast("PreviewPanel", self.panel(self.PANEL_PREVIEW))

    def built_panels(self) -> list[int]:
        """The indexes of the panels built so far (tests: the rest wait for their first use)."""
        return sorted(self._panels)

    def _on_nav_current_row_changed(self, row: int) -> None:
        if 0 <= row < self.stack.count():
            self.stack.setCurrentWidget(self.panel(row))

    def on_state_snapshot_changed(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        for panel in list(self._panels.values()):
            if hasattr(panel, "set_snapshot"):
                panel.set_snapshot(snapshot)

    # -- first paint ----------------------------------------------------------------------------
    def when_painted(self, call: Callable[[], object], *, first: bool = False) -> None:
        """Run ``call`` once the window has painted for the first time (at once if it has).

        The first catalog load, the install search and files given at start wait
        for it: their workers would otherwise hold the interpreter while the
        window is being mapped and drawn. ``first`` runs it in the turn right
        after the paint, before the services are built (the single-instance
        listener: a second start waits for it); otherwise it runs after them.
        """
        if self._painted:
            QTimer.singleShot(0, self, call)
        elif first:
            self._first_after_paint.append(call)
        else:
            self._after_paint.append(call)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if not self._painted:
            QTimer.singleShot(0, self, self._run_after_paint)  # after this paint is on screen

    def _add_cut_text_tooltips(self, root: QWidget | None = None) -> None:
        from app.gui.cut_text_tooltips import add_cut_text_tooltips

        add_cut_text_tooltips(root or self)

    def _on_unpainted_timeout(self, waited_ms: int = START_UNPAINTED_MS) -> None:
        """No paint yet: a shown window waits on (a loaded machine maps it late), others go on.

        Filling in before the first paint would put the services' imports in
        front of it. A hidden or minimized window is never painted, and one that
        stays unmapped past ``START_UNPAINTED_WAIT_MS`` (another desktop) goes on too.
        """
        if self._painted:
            return
        if self.isVisible() and not self.isMinimized() and waited_ms < START_UNPAINTED_WAIT_MS:
            later = waited_ms + START_UNPAINTED_MS
            QTimer.singleShot(START_UNPAINTED_MS, self, lambda: self._on_unpainted_timeout(later))
            return
        self._run_after_paint()

    def _run_after_paint(self) -> None:
        """Fill the window in, one step per turn of the event loop, then run what waited."""
        if self._painted:
            return
        self._painted = True
        first, self._first_after_paint = self._first_after_paint, []
        steps = [
            *first,  # the single-instance listener
            icon_cache.CACHE.keep_first_frame,  # what it drew, for the next start's first frame
            self._services,
            lambda: self.panel(max(0, self.stack.currentIndex())),  # the one on screen
            self._tasks_dock,
            lambda: self.drops,  # drops on the window and its panels go to the import
            lambda: self.setWindowIcon(app_icon()),  # an icon-engine plugin to load
            self._add_cut_text_tooltips,
            self._follow_high_contrast,
        ]
        self._next_step(steps)

    def _next_step(self, steps: list[Callable[[], object]]) -> None:
        if steps:
            steps.pop(0)()
            QTimer.singleShot(0, self, lambda: self._next_step(steps))
            return
        calls, self._after_paint = self._after_paint, []
        for call in calls:
            call()

    # -- navigation -----------------------------------------------------------------------------
    def show_panel(self, index: int) -> None:
        self.nav.setCurrentRow(index)

    def current_panel(self) -> int:
        return self.stack.currentIndex()

    # -- user actions -------------------------------------------------------------------------
    def import_files_action(self) -> None:
        from PySide6.QtWidgets import QFileDialog

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
        from app.gui.dialogs.download_settings import DownloadSettingsDialog

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

    def undo_action(self) -> None:
        """Edit → Undo / Ctrl+Z: undo the operation the menu names (either front made it)."""
        latest = self.operations.latest
        if latest is not None:
            self.operations.undo(latest.id)

    def on_operations_undo_changed(self, record: OperationRecord | None) -> None:
        from app.core.operations.undo import undo_description

        self.menus.show_undo(undo_description(record) if record is not None else None)

    def on_operations_undone(self, result: UndoResult) -> None:
        """A complete undo is a status-bar line; one that left steps alone says which and why."""
        from app.gui.core_messages import render, step_text

        text = render(result.headline)  # core's English, in the window's language
        if result.complete and not result.notes:
            self._notice(text, 8000)
            return
        lines = [step_text(step) for step in result.steps if not step.done]
        if not result.complete:
            text += (
                "\n"
                + "\n".join(lines)
                + "\n"
                + self.tr("Fix what is named above, then choose Edit → Undo again.")
            )
        notes = [render(note) for note in result.notes]
        self.presenter.inform(self.tr("Undo"), "\n\n".join([text, *notes]))

    def toggle_tasks_action(self, checked: bool = False) -> None:
        self.tasks_dock.setVisible(checked)

    def guide_action(self) -> GuideDialog:
        from app.gui.dialogs.guide import GuideDialog

        dialog = GuideDialog(self)
        self._show_dialog(dialog, modal=False)
        return dialog

    def about_action(self) -> AboutDialog:
        from app.gui.dialogs.about import AboutDialog

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
        from app.gui.widgets import refresh_rich_text

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

    def _follow_high_contrast(self) -> None:
        """The start-up theme assumed no high contrast (asking costs Qt's enums): check now."""
        from app.gui.theme import system_high_contrast

        if system_high_contrast():
            self._reapply_theme()

    def _on_hints_theme_changed(self, *_: object) -> None:
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
        from app.gui.dialogs.link_dialog import LinkDialog

        dialog = LinkDialog(row, self.state.installs, self.operations, self.presenter, self)
        self._show_dialog(dialog)  # its Apply refreshes through GuiOperations, as every action
        return dialog

    def open_preview(self, rows: list[LibraryRow]) -> None:
        self.show_panel(self.PANEL_PREVIEW)
        self.preview.choose(rows)
        self.preview.start()

    def _show_dialog(self, dialog: QDialog, *, modal: bool = True) -> None:
        from PySide6.QtCore import Qt  # its 93 enums cost 12 ms: not before the first frame

        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._dialogs.append(dialog)
        dialog.destroyed.connect(lambda _=None, d=dialog: self._forget_dialog(d))
        if modal:
            dialog.open()
        else:
            dialog.show()

    def _forget_dialog(self, dialog: QWidget) -> None:
        if dialog in self._dialogs:
            self._dialogs.remove(dialog)

    # -- events ---------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        activated = event.type() == QEvent.Type.ActivationChange and self.isActiveWindow()
        if activated and self._services_ is not None:  # the CLI may have recorded meanwhile
            self._services_.operations.refresh_undo()
        if event.type() == QEvent.Type.ApplicationPaletteChange and not self._restyle_pending:
            self._restyle_pending = True  # once for a burst of changes, after they are done
            QTimer.singleShot(0, self, self._restyle_if_pending)
        super().changeEvent(event)

    def _restyle_if_pending(self) -> None:
        if self._restyle_pending:  # restyle() clears it: one restyle for a burst of changes
            self.restyle()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self._save()
        if self._services_ is not None:
            self._services_.downloads.shutdown()
            self._services_.runner.shutdown()
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
            self._saved_state = state  # for the dock, once it exists
        panel = store.value(KEY_PANEL, 0)  # an int, or its text from an ini file
        try:
            index = int(panel) if isinstance(panel, (int, str)) else 0
            index = max(0, min(self.stack.count() - 1, index))
        except (TypeError, ValueError):
            index = 0
        self.nav.blockSignals(True)  # the panel itself is built after the first frame
        self.nav.setCurrentRow(index)
        self.nav.blockSignals(False)
        self.stack.setCurrentIndex(index)

    def _save(self) -> None:
        store = gui_settings()
        store.setValue(KEY_GEOMETRY, self.saveGeometry())
        if self._tasks is not None or self._saved_state is None:
            store.setValue(KEY_STATE, self.saveState())
        store.setValue(KEY_PANEL, self.current_panel())
        store.sync()

    def on_state_scan_finished(self, report: ScanReport) -> None:
        if self.statusBar().property("notice") == self.statusBar().currentMessage():
            return  # the rescan after a download or an undo: its notice matters more
        self.statusBar().showMessage(
            self.tr("Scan done: {added} new, {updated} changed, {missing} missing.").format(
                added=report.added, updated=report.updated, missing=report.missing
            ),
            8000,
        )

    def on_downloads_job_finished(self, view: JobView) -> None:
        self._download_notice(self.tr("Downloaded {name}: it is in your library.").format(
            name=view.spec.filename))  # fmt: skip
        from PySide6.QtWidgets import QApplication

        QApplication.alert(self)  # the taskbar entry asks for attention if the window is behind
        self.state.reload()  # cataloged from its streamed hashes: nothing to rescan or rehash

    def on_downloads_job_failed(self, view: JobView) -> None:
        from app.gui.download_messages import look_for

        self._download_notice(self.tr("Download of {name} stopped: {reason}").format(
            name=view.spec.filename, reason=look_for(view).message))  # fmt: skip

    def _download_notice(self, text: str) -> None:
        self._notice(text, 15_000)

    def _notice(self, text: str, ms: int) -> None:
        """A status-bar line the scan that follows does not replace."""
        self.statusBar().setProperty("notice", text)
        self.statusBar().showMessage(text, ms)

    def _on_get_vaes_library_requested(self, filename: str) -> None:
        self.show_panel(self.PANEL_LIBRARY)
        self.library.select_where(lambda row: row.name == filename)
