"""Runs the way out the presenter offered for a damaged or locked catalog, on a worker.

The same core calls as ``vae-manager catalog restore`` / ``catalog rebuild``
(:mod:`app.core.catalog.recovery`); afterwards the window re-reads the catalog,
and a rebuild rescans every folder the window knows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.gui.errors import ErrorPresenter, Recovery
from app.gui.state import AppState
from app.gui.tasks import Lane, TaskRunner

if TYPE_CHECKING:  # the catalog package loads in the worker
    from app.core.catalog.recovery import Rebuilt, Restored
    from app.core.tasks import CancelToken, ProgressCallback


class CatalogRecovery(QObject):
    """Connects the presenter's recovery buttons to the core functions."""

    def __init__(self, runner: TaskRunner, state: AppState, presenter: ErrorPresenter) -> None:
        super().__init__(presenter)
        self.runner, self.state, self.presenter = runner, state, presenter
        presenter.recovery_chosen.connect(self.on_presenter_recovery_chosen)

    def on_presenter_recovery_chosen(self, choice: str) -> None:
        if choice == Recovery.RESTORE:
            self.runner.submit(self.tr("Restoring the catalog's backup"), _restore,
                               lane=Lane.USER, on_done=self._on_restored)  # fmt: skip
        elif choice == Recovery.REBUILD:
            self.runner.submit(self.tr("Setting the catalog aside"), _rebuild,
                               lane=Lane.USER, on_done=self._on_rebuilt)  # fmt: skip

    def _on_restored(self, done: Restored) -> None:
        kept = self.tr(" The previous file was kept as {path}.").format(path=done.set_aside)
        self.presenter.inform(
            self.tr("Catalog restored"),
            self.tr("The catalog was restored from {path}.").format(path=done.backup)
            + (kept if done.set_aside else ""),
        )
        self.state.reload()

    def _on_rebuilt(self, done: Rebuilt) -> None:
        if done.set_aside is not None:
            self.presenter.inform(
                self.tr("Catalog set aside"),
                self.tr("The old catalog was kept as {path}; your folders are scanned again.")
                .format(path=done.set_aside),
            )  # fmt: skip
        self.state.reload()
        self.state.rescan()


def _restore(progress: ProgressCallback, cancel: CancelToken) -> Restored:
    from app.core.catalog.recovery import restore_catalog
    from app.core.paths import app_paths

    return restore_catalog(app_paths().ensure().catalog_db)


def _rebuild(progress: ProgressCallback, cancel: CancelToken) -> Rebuilt:
    from app.core.catalog.recovery import rebuild_catalog
    from app.core.paths import app_paths

    return rebuild_catalog(app_paths().ensure().catalog_db)
