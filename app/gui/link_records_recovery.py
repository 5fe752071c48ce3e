"""Runs the way out the presenter offered for damaged or locked link records, on a worker.

The same core calls as ``vae-manager links restore`` / ``links set-aside``
(:mod:`app.core.linking.recovery`); afterwards the window re-reads the catalog
and links, so the library's "linked into" chips show what the records now hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.gui.errors import ErrorPresenter, Recovery
from app.gui.state import AppState
from app.gui.tasks import Lane, TaskRunner

if TYPE_CHECKING:  # the linking package loads in the worker
    from app.core.linking.recovery import Restored, SetAside
    from app.core.tasks import CancelToken, ProgressCallback


class LinkRecordsRecovery(QObject):
    """Connects the presenter's link-records buttons to the core functions."""

    def __init__(self, runner: TaskRunner, state: AppState, presenter: ErrorPresenter) -> None:
        super().__init__(presenter)
        self.runner, self.state, self.presenter = runner, state, presenter
        presenter.recovery_chosen.connect(self.on_presenter_recovery_chosen)

    def on_presenter_recovery_chosen(self, choice: str) -> None:
        if choice == Recovery.LINKS_RESTORE:
            self.runner.submit(self.tr("Restoring the link records' backup"), _restore,
                               lane=Lane.USER, on_done=self._on_restored)  # fmt: skip
        elif choice == Recovery.LINKS_SET_ASIDE:
            self.runner.submit(self.tr("Setting the link records aside"), _set_aside,
                               lane=Lane.USER, on_done=self._on_set_aside)  # fmt: skip

    def _on_restored(self, done: Restored) -> None:
        kept = self.tr(" The previous file was kept as {path}.").format(path=done.set_aside)
        self.presenter.inform(
            self.tr("Link records restored"),
            self.tr("The link records were restored from {path}.").format(path=done.backup)
            + (kept if done.set_aside else ""),
        )
        self.state.reload()

    def _on_set_aside(self, done: SetAside) -> None:
        text = self.tr(
            "The app starts with empty link records: the links it made so far are left alone "
            "as your own files."
        )
        if done.set_aside is not None:
            text += self.tr(" The old file was kept as {path}.").format(path=done.set_aside)
        self.presenter.inform(self.tr("Link records set aside"), text)
        self.state.reload()


def _restore(progress: ProgressCallback, cancel: CancelToken) -> Restored:
    from app.core.linking.recovery import restore_link_records

    return restore_link_records()


def _set_aside(progress: ProgressCallback, cancel: CancelToken) -> SetAside:
    from app.core.linking.recovery import set_aside_link_records

    return set_aside_link_records()
