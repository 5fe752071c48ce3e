"""What the library's buttons do: each one core operation; results go to the presenter.

Unlink, set default, reset, remove and rename run through :class:`GuiOperations`
(the user lane and the one refresh policy); the functions are the ones the
command line calls (``unlink``, ``set-default``, ``remove``), so both record the
same undoable operation.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.errors import UserError
from app.gui.core_messages import error_text, render, verdict_text
from app.gui.errors import ErrorPresenter
from app.gui.formatting import badge_label
from app.gui.operations import GuiOperations
from app.gui.snapshot import LibraryRow
from app.gui.tasks import UNIT_BYTES, Task, TaskProgress

if TYPE_CHECKING:  # the installs package walks disks: import it in workers only
    from app.core.catalog.verify import VerifyResult
    from app.core.installs.records import Install
    from app.core.operations.remove import RemoveResult
    from app.core.operations.set_default import SetDefaultResult
    from app.core.operations.unlink import UnlinkReport
    from app.core.tasks import CancelToken


def reveal_in_file_manager(path: Path) -> bool:
    """Open the folder holding ``path`` in the system file manager (``app.gui.reveal``)."""
    from app.gui.reveal import open_folder_of

    return open_folder_of(path)


class LibraryActions(QObject):
    """Verify, unlink, set as default, remove, rename: the library's actions, off the GUI thread."""

    def __init__(
        self, operations: GuiOperations, presenter: ErrorPresenter, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.operations = operations  # link, unlink, default, remove, rename: the user lane
        self.state = operations.state
        self.runner = operations.runner
        self.presenter = presenter
        self._parent = parent

    # -- verify -----------------------------------------------------------------------------
    def verify(self, row: LibraryRow) -> Task:
        """Re-read the file, judge it as the catalog does; the catalog follows the bytes.

        The command line's ``verify`` (:func:`app.core.catalog.verify.verify_paths`):
        a file changed since it was cataloged is recorded anew by the core call, so
        the window only reloads its snapshot. IO lane: it reads the whole file, and
        its one short catalog write must not wait behind a scan.
        """
        path = _present(row)

        def work(progress: TaskProgress, cancel: CancelToken) -> VerifyResult:
            from app.core.catalog.verify import Outcome, verify_paths
            from app.gui.state import load_app_registry, open_catalog

            with open_catalog() as catalog:
                [result] = verify_paths(
                    [path], load_app_registry(), catalog=catalog, expand_folders=False,
                    progress_for=lambda _name: progress, cancel=cancel,
                )  # fmt: skip
            if result.validation in tuple(Outcome):  # gone, unreadable: no verdict to show
                raise UserError(result.message)
            return result

        def done(result: VerifyResult) -> None:
            from app.core.catalog.verify import CatalogUpdate

            if result.catalog not in (CatalogUpdate.SAME, CatalogUpdate.NOT_CATALOGED):
                self.state.reload()
            if result.catalog == CatalogUpdate.BYTES_CHANGED:
                same = self.tr("The file changed since it was cataloged; the catalog is updated.")
            else:
                same = self.tr("The bytes are the ones the catalog recorded.")
            text = self.tr("{name}: {verdict} ({message}).\n{same}").format(
                name=path.name,
                verdict=verdict_label(result),
                message=verdict_text(result.message),
                same=same,
            )
            self.presenter.inform(self.tr("Verified"), text, details=f"SHA-256 {result.sha256}")

        return self.runner.submit(self.tr("Verifying {name}").format(name=path.name), work,
                                  on_done=done, unit=UNIT_BYTES)  # fmt: skip

    # -- unlink -----------------------------------------------------------------------------
    def unlink_all(self, row: LibraryRow) -> Task:
        """Remove every link the app made of these bytes (never the user's own copies)."""
        sha = row.entry.sha256

        def work(progress: TaskProgress, cancel: CancelToken) -> UnlinkReport:
            from app.core.operations.journal import Journal
            from app.core.operations.unlink import unlink

            if not sha:
                raise UserError("This file is not hashed yet; wait for hashing to finish.")
            journal = Journal()
            dests = [r.dest for r in journal.links.active_links() if r.sha256 == sha]
            if not dests:
                raise UserError(
                    "VAE Manager made no links of this file, so there is nothing to unlink."
                )
            return unlink(dests, journal=journal, progress=progress, cancel=cancel)

        def done(report: UnlinkReport) -> None:
            kept = [f"{o.path}: {error_text(o.reason)}" for o in report.outcomes if not o.removed]
            text = self.tr("Removed {n} link(s).").format(n=len(report.removed))
            if kept:
                text += "\n" + self.tr("Left alone:") + "\n" + "\n".join(kept)
            self.presenter.inform(self.tr("Unlinked"), _with_notes(text, report.notes))

        return self.operations.submit(self.tr("Unlinking {name}").format(name=row.name), work,
                                      on_done=done)  # fmt: skip

    # -- default VAE in an A1111-family install ---------------------------------------------
    def set_default(self, row: LibraryRow, install: Install) -> Task:
        """Make the file the install's default VAE (linked in first if it is not there yet)."""
        source, sha = _present(row), row.entry.sha256

        def work(progress: TaskProgress, cancel: CancelToken) -> SetDefaultResult:
            from app.core.operations.set_default import set_default

            return set_default(source, install, sha256=sha, progress=progress, cancel=cancel)

        def done(result: SetDefaultResult) -> None:
            change = result.change
            text = self.tr("{install} now uses {name} by default ({key} in {config}).").format(
                install=install.label, name=source.name, key=change.key, config=change.config
            )
            self.presenter.inform(self.tr("Default VAE set"), _with_notes(text, result.notes),
                                  self._backup_details(change.backup))  # fmt: skip

        return self.operations.submit(
            self.tr("Setting the default VAE of {install}").format(install=install.label),
            work, on_done=done,
        )  # fmt: skip

    def reset_default(self, install: Install) -> Task:
        """Put the install's default VAE back to "Automatic" (config.json backed up first)."""

        def work(progress: TaskProgress, cancel: CancelToken) -> SetDefaultResult:
            from app.core.operations.set_default import set_default

            return set_default(None, install, progress=progress, cancel=cancel)

        def done(result: SetDefaultResult) -> None:
            change = result.change
            text = self.tr("{install} now picks its VAE automatically ({key} in {config}).")
            text = text.format(install=install.label, key=change.key, config=change.config)
            self.presenter.inform(self.tr("Default VAE reset"), _with_notes(text, result.notes),
                                  self._backup_details(change.backup))  # fmt: skip

        return self.operations.submit(
            self.tr("Resetting the default VAE of {install}").format(install=install.label),
            work, on_done=done,
        )  # fmt: skip

    def _backup_details(self, backup: Path | None) -> str:
        shown = backup or self.tr("none: there was no config.json yet")
        return self.tr("Backup of the previous settings: {backup}").format(backup=shown)

    # -- rename -----------------------------------------------------------------------------
    def rename(self, row: LibraryRow, label: str) -> Task:
        """Store the user's name for these bytes in the catalog ("" gives the file's name back)."""
        sha = row.entry.sha256

        def work(progress: TaskProgress, cancel: CancelToken) -> None:
            from app.gui.state import open_catalog

            if not sha:
                raise UserError("This file is not hashed yet; wait for hashing to finish.")
            with open_catalog() as catalog:
                catalog.set_label(sha, label)

        return self.operations.submit(self.tr("Renaming {name}").format(name=row.name), work)

    # -- remove to the trash ----------------------------------------------------------------
    def confirm_remove(self, row: LibraryRow) -> None:
        """Ask first (non-blocking), listing every file that will go to the trash."""
        paths = "\n".join(row.entry.locations)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Move to the trash?"),
            self.tr(
                "Move {name} to the trash? Links VAE Manager made of it are removed; "
                "these files go to the trash (you can restore them from there):\n\n{paths}"
            ).format(name=row.name, paths=paths),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self._parent,
        )
        box.setObjectName("confirmRemove")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.setText(self.tr("Move to trash"))
        box.finished.connect(lambda _: box.clickedButton() is yes and self.remove(row))
        box.open()

    def remove(self, row: LibraryRow) -> Task:
        """The app's links of the file first, then every location to the trash (undoable)."""
        locations = [Path(p) for p in row.entry.locations]
        sha = row.entry.sha256

        def work(progress: TaskProgress, cancel: CancelToken) -> RemoveResult:
            from app.core.operations.remove import remove
            from app.gui.state import open_catalog

            with open_catalog() as catalog:
                return remove(locations, sha256=sha, catalog=catalog, progress=progress,
                              cancel=cancel)  # fmt: skip

        def done(result: RemoveResult) -> None:
            unlinked = {u.path for u in result.unlinked if u.removed}  # links: gone, not trashed
            kept = [f"{o.path}: {error_text(o.reason)}" for o in result.outcomes
                    if not o.trashed and o.path not in unlinked]  # fmt: skip
            kept += [f"{u.path}: {error_text(u.reason)}" for u in result.unlinked if not u.removed]
            if kept or result.notes:
                text = self.tr("{n} file(s) moved to the trash.").format(n=len(result.trashed))
                if kept:
                    text += "\n" + self.tr("Left alone:") + "\n" + "\n".join(kept)
                self.presenter.inform(self.tr("Moved to the trash"),
                                      _with_notes(text, result.notes))  # fmt: skip

        return self.operations.submit(
            self.tr("Moving {name} to the trash").format(name=row.name), work, on_done=done
        )


def _with_notes(text: str, notes: tuple[str, ...]) -> str:
    """The action's own sentence, then what the user should know (defaults reset...)."""
    shown = [render(note) for note in notes]  # core's English, in the window's language
    return "\n\n".join([text, "\n".join(shown)]) if notes else text


def verdict_label(result: VerifyResult) -> str:
    """The verdict word of a verify result, as the library's badge shows it."""
    from app.core.verdict import verdict_key

    return badge_label(verdict_key(result.validation, result.problem_codes, result.sha256))


def _present(row: LibraryRow) -> Path:
    if row.path is None:
        raise UserError(f"{row.name} is missing: none of its locations exists any more.")
    return row.path
