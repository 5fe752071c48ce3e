"""The window's non-visual parts, made together once the first frame is on screen.

The task runner, error presenter, app state, catalog recovery, download service,
library actions and operations draw nothing, and their modules (SQLite, the
catalog records, logging, message boxes) cost more to import than the window
itself. :class:`~app.gui.main_window.window.MainWindow` builds them right after
its first paint, or earlier when code asks for one (``window.state`` in a test);
either way all of them at once, wired as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.gui.catalog_recovery import CatalogRecovery
    from app.gui.downloads_service import DownloadService
    from app.gui.errors import ErrorPresenter
    from app.gui.link_records_recovery import LinkRecordsRecovery
    from app.gui.main_window.window import MainWindow
    from app.gui.operations import GuiOperations
    from app.gui.panels.library_actions import LibraryActions
    from app.gui.state import AppState
    from app.gui.tasks import TaskRunner


@dataclass(frozen=True)
class WindowServices:
    """The shared pieces every panel and dialog of one window uses."""

    runner: TaskRunner
    presenter: ErrorPresenter
    state: AppState
    catalog_recovery: CatalogRecovery
    link_records_recovery: LinkRecordsRecovery
    downloads: DownloadService
    actions: LibraryActions
    operations: GuiOperations


def build_services(window: MainWindow) -> WindowServices:
    """Make and wire the services of ``window`` (its task panel may not exist yet)."""
    from app.gui.catalog_recovery import CatalogRecovery
    from app.gui.downloads_service import DownloadService
    from app.gui.errors import ErrorPresenter
    from app.gui.link_records_recovery import LinkRecordsRecovery
    from app.gui.operations import GuiOperations
    from app.gui.panels.library_actions import LibraryActions
    from app.gui.state import AppState
    from app.gui.tasks import TaskRunner

    runner = TaskRunner(window)
    presenter = ErrorPresenter(window)
    runner.task_failed.connect(
        lambda task, exc: presenter.show_error(exc, task.title, task.error_trace)
    )
    state = AppState(runner, window.options, window)
    state.problem.connect(lambda exc, doing: presenter.show_error(exc, doing))
    recovery = CatalogRecovery(runner, state, presenter)
    link_records = LinkRecordsRecovery(runner, state, presenter)
    downloads = DownloadService(runner, window)
    operations = GuiOperations(runner, state, window)
    actions = LibraryActions(operations, presenter, window)
    state.snapshot_changed.connect(window.on_state_snapshot_changed)
    state.scan_finished.connect(window.on_state_scan_finished)
    downloads.job_started.connect(lambda job: window.task_panel.add(job))
    downloads.jobs_changed.connect(lambda _: window.task_panel.refresh())
    downloads.job_finished.connect(window.on_downloads_job_finished)
    downloads.job_failed.connect(window.on_downloads_job_failed)
    operations.undo_changed.connect(window.on_operations_undo_changed)
    operations.undone.connect(window.on_operations_undone)
    operations.refresh_undo()  # the journal as the command line may have left it
    return WindowServices(
        runner, presenter, state, recovery, link_records, downloads, actions, operations
    )
