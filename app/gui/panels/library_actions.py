"""What the library's buttons do: each action is a task; results go to the presenter."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.errors import UserError
from app.gui.core_messages import verdict_text
from app.gui.errors import ErrorPresenter
from app.gui.formatting import badge_label
from app.gui.snapshot import LibraryRow
from app.gui.state import AppState
from app.gui.tasks import UNIT_BYTES, Lane, Task

if TYPE_CHECKING:  # the installs package walks disks: import it in workers only
    from app.core.installs.records import Install


def reveal_in_file_manager(path: Path) -> bool:
    """Open the folder holding ``path`` in the system file manager (``app.gui.reveal``)."""
    from app.gui.reveal import open_folder_of

    return open_folder_of(path)


class LibraryActions(QObject):
    """Verify, unlink, set as default, remove: the library operations, off the GUI thread."""

    def __init__(self, state: AppState, presenter: ErrorPresenter, parent: QWidget) -> None:
        super().__init__(parent)
        self.state = state
        self.runner = state.runner
        self.presenter = presenter
        self._parent = parent

    # -- verify -----------------------------------------------------------------------------
    def verify(self, row: LibraryRow) -> Task:
        """Re-read the file and judge it as the catalog does (same names, same rule)."""
        path = _present(row)
        known = row.entry.sha256

        def work(progress, cancel):
            from app.core.identify import identify
            from app.core.paths import app_paths
            from app.core.registry import load_registry
            from app.gui.state import open_catalog

            registry = load_registry(app_paths().user_registry)
            with open_catalog() as catalog:
                return identify(
                    path, registry, progress=progress, cancel=cancel,
                    other_names=catalog.names_for,
                )  # fmt: skip

        def done(report) -> None:
            sha = report.hashes.sha256 if report.hashes else None
            if known and sha and sha != known:
                same = self.tr("The file changed since it was cataloged; the catalog is updated.")
                self.state.rescan([path.parent])
            else:
                same = self.tr("The bytes are the ones the catalog recorded.")
            text = self.tr("{name}: {verdict} ({message}).\n{same}").format(
                name=path.name,
                verdict=verdict_label(report),
                message=verdict_text(report.validation),
                same=same,
            )
            self.presenter.inform(self.tr("Verified"), text, details=f"SHA-256 {sha}")

        return self.runner.submit(self.tr("Verifying {name}").format(name=path.name), work,
                                  on_done=done, unit=UNIT_BYTES)  # fmt: skip

    # -- unlink -----------------------------------------------------------------------------
    def unlink_all(self, row: LibraryRow) -> Task:
        """Remove every link the app made of this file (never the user's own copies)."""
        sha = row.entry.sha256

        def work(progress, cancel):
            from app.core.linking import LinkStore, unlink

            if not sha:
                raise UserError("This file is not hashed yet; wait for hashing to finish.")
            dests = [r.dest for r in LinkStore().active_links() if r.sha256 == sha]
            if not dests:
                raise UserError(
                    "VAE Manager made no links of this file, so there is nothing to unlink."
                )
            return unlink(dests)

        def done(result) -> None:
            removed = len(result.removed)
            kept = [f"{o.path}: {o.reason}" for o in result.outcomes if not o.removed]
            text = self.tr("Removed {n} link(s).").format(n=removed)
            if kept:
                text += "\n" + self.tr("Left alone:") + "\n" + "\n".join(kept)
            self.presenter.inform(self.tr("Unlinked"), text)
            self.state.rescan()

        return self.runner.submit(self.tr("Unlinking {name}").format(name=row.name), work,
                                  lane=Lane.WRITER, on_done=done)  # fmt: skip

    # -- default VAE in an A1111-family install ---------------------------------------------
    def set_default(self, row: LibraryRow, install: Install) -> Task:
        """Link the file into the install if needed, then select it in config.json."""
        source, sha = _present(row), row.entry.sha256

        def work(progress, cancel):
            from app.core.installs.a1111_config import set_default_vae
            from app.core.linking import apply_plan, plan_links
            from app.core.linking.plan import ACTION_ALREADY, ACTION_CREATE

            plan = plan_links(source, [install], sha256=sha, progress=progress, cancel=cancel)
            entry = plan.entries[0]
            if entry.action == ACTION_CREATE:
                apply_plan(plan, cancel=cancel)
            elif entry.action != ACTION_ALREADY:
                raise UserError(f"Cannot put {source.name} into {install.label}: {entry.reason}")
            return set_default_vae(install, entry.dest)

        def done(change) -> None:
            text = self.tr("{install} now uses {name} by default ({key} in {config}).").format(
                install=install.label, name=source.name, key=change.key, config=change.config
            )
            notes = "\n".join(change.notes)
            backup = change.backup or self.tr("none: there was no config.json yet")
            details = self.tr("Backup of the previous settings: {backup}").format(backup=backup)
            self.presenter.inform(self.tr("Default VAE set"), f"{text}\n\n{notes}", details)
            self.state.reload()

        return self.runner.submit(
            self.tr("Setting the default VAE of {install}").format(install=install.label),
            work, lane=Lane.WRITER, on_done=done,
        )  # fmt: skip

    def reset_default(self, install: Install) -> Task:
        """Put the install's default VAE back to "Automatic" (config.json backed up first)."""

        def work(progress, cancel):
            from app.core.installs.a1111_config import set_default_vae

            return set_default_vae(install, None)

        def done(change) -> None:
            text = self.tr("{install} now picks its VAE automatically ({key} in {config}).")
            text = text.format(install=install.label, key=change.key, config=change.config)
            backup = change.backup or self.tr("none: there was no config.json yet")
            details = self.tr("Backup of the previous settings: {backup}").format(backup=backup)
            self.presenter.inform(self.tr("Default VAE reset"), text, details)
            self.state.reload()

        return self.runner.submit(
            self.tr("Resetting the default VAE of {install}").format(install=install.label),
            work, lane=Lane.WRITER, on_done=done,
        )  # fmt: skip

    # -- rename -----------------------------------------------------------------------------
    def rename(self, row: LibraryRow, label: str) -> Task:
        """Store the user's name for these bytes in the catalog ("" gives the file's name back)."""
        sha = row.entry.sha256

        def work(progress, cancel):
            from app.gui.state import open_catalog

            if not sha:
                raise UserError("This file is not hashed yet; wait for hashing to finish.")
            with open_catalog() as catalog:
                catalog.set_label(sha, label)

        return self.runner.submit(self.tr("Renaming {name}").format(name=row.name), work,
                                  lane=Lane.WRITER,
                                  on_done=lambda _: self.state.reload())  # fmt: skip

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
        locations = [Path(p) for p in row.entry.locations]
        sha = row.entry.sha256

        def work(progress, cancel):
            from app.core.linking import LinkStore, unlink
            from app.gui.trash import move_to_trash

            ours = [r.dest for r in LinkStore().active_links() if sha and r.sha256 == sha]
            removed = set(unlink(ours).removed) if ours else set()
            for done, path in enumerate(locations, start=1):
                if path not in removed:
                    move_to_trash(path)
                progress(done, len(locations))
            return locations

        def done(paths) -> None:
            self.state.rescan(sorted({p.parent for p in paths}))

        return self.runner.submit(self.tr("Moving {name} to the trash").format(name=row.name),
                                  work, lane=Lane.WRITER, on_done=done)  # fmt: skip


def verdict_label(report) -> str:
    """The verdict word of an ``identify`` report, as the library's badge shows it."""
    from app.core.verdict import verdict_key

    validation, problems = report.validation, report.inspection.problems
    sha = report.hashes.sha256 if report.hashes else None
    return badge_label(verdict_key(validation.status, (p.code for p in problems), sha))


def _present(row: LibraryRow) -> Path:
    if row.path is None:
        raise UserError(f"{row.name} is missing: none of its locations exists any more.")
    return row.path
