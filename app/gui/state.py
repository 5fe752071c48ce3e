"""The window's view of the world, refreshed by workers: installs, catalog, links.

Panels render :class:`~app.gui.snapshot.Snapshot` objects and ask this class
for changes (rescan, add an install); every disk access happens in a task.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.gui.settings import library_folder
from app.gui.snapshot import Snapshot, build_snapshot
from app.gui.tasks import UNIT_BYTES, Lane, Task, TaskProgress, TaskRunner
from app.gui.window_options import WindowOptions

if TYPE_CHECKING:  # the installs package walks disks: import it in workers only
    from app.core.catalog.records import ScanReport
    from app.core.catalog.store import Catalog
    from app.core.errors import UserError
    from app.core.installs.records import Install
    from app.core.registry import Registry
    from app.core.tasks import CancelToken


@dataclass(frozen=True)
class _Reloaded:
    """A reload's snapshot, and the link records' problem when only those could not be read."""

    snapshot: Snapshot
    link_problem: UserError | None


class AppState(QObject):
    """Holds the latest snapshot and installs; announces changes as signals."""

    snapshot_changed = Signal(object)
    installs_changed = Signal(object)
    scan_finished = Signal(object)
    problem = Signal(object, str)  # (UserError, what was being done): for the presenter

    def __init__(
        self, runner: TaskRunner, options: WindowOptions, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.options = options
        self.snapshot = Snapshot()
        self.installs: tuple[Install, ...] = ()
        self.installs_known = False
        self._reload_task: Task | None = None
        self._reload_again = False

    # -- entry points -----------------------------------------------------------------------
    def start(self) -> None:
        """First load: what the catalog already knows, then installs, then a rescan."""
        self.reload()
        self.discover_installs(then_scan=True)

    def reload(self) -> None:
        """Re-read catalog and links into a new snapshot (coalesced while one runs)."""
        if self._reload_task is not None:
            self._reload_again = True
            return
        installs = list(self.installs)

        def work(progress: TaskProgress, cancel: CancelToken) -> _Reloaded:
            from app.core.linking.records import LinkStore
            from app.core.sqlite_errors import DatabaseProblem

            with open_catalog() as catalog:
                entries = catalog.entries()
            link_problem: UserError | None = None
            try:
                links = LinkStore().active_links()
            except DatabaseProblem as exc:  # the catalog still shows, without "linked in" chips
                links, link_problem = [], exc
            snapshot = build_snapshot(entries, installs, links, load_app_registry(),
                                      library_folder())  # fmt: skip
            return _Reloaded(snapshot, link_problem)

        self._reload_task = self.runner.submit(
            self.tr("Reading the catalog"), work, on_done=self._on_reload_done, visible=False
        )
        self._reload_task.ended.connect(self._on_reload_ended)

    def discover_installs(self, *, then_scan: bool = False) -> Task:
        roots = self.options.search_roots

        def work(progress: TaskProgress, cancel: CancelToken) -> list[Install]:
            from app.core.installs import discover

            return discover(None if roots is None else list(roots), cancel=cancel)

        def done(found: list[Install]) -> None:
            self.installs = tuple(found)
            self.installs_known = True
            self.installs_changed.emit(self.installs)
            self.reload()
            if then_scan:
                self.rescan()

        return self.runner.submit(
            self.tr("Looking for Stable Diffusion installs"), work, on_done=done
        )

    def scan_roots(self, installs: Sequence[Install] | None = None) -> list[Path]:
        """The library, every install's model folders and extra roots (reads disk: worker)."""
        from app.core.catalog.roots import default_scan_roots

        found = self.installs if installs is None else installs
        return default_scan_roots(found, self.options.extra_scan_roots)

    def rescan(self, roots: Sequence[Path] | None = None) -> Task:
        """Catalog the library and every install's model folders; hashing follows separately."""
        installs = list(self.installs)
        ui_roots = [i.root for i in installs]

        def work(progress: TaskProgress, cancel: CancelToken) -> ScanReport:
            from app.core.catalog.scanner import scan
            from app.core.library.layout import ensure_library
            from app.core.library.settings import library_root

            ensure_library(library_root())  # as `scan` does: folders and marker, or UserError
            targets = list(roots) if roots is not None else self.scan_roots(installs)
            existing = [r for r in targets if Path(r).exists()]
            with open_catalog() as catalog:
                return scan(
                    catalog, existing, progress=progress, cancel=cancel, hash_now=False,
                    registry=load_app_registry(), ui_roots=ui_roots,
                )  # fmt: skip

        def done(report: ScanReport) -> None:
            self.scan_finished.emit(report)
            self.reload()
            self.hash_pending()

        # Bulk: a scan may read thousands of headers; user actions keep their own lane.
        return self.runner.submit(self.tr("Scanning model folders"), work, lane=Lane.BULK,
                                  on_done=done)  # fmt: skip

    def hash_pending(self) -> Task:
        """Hash what the scan cataloged without hashing (newest and smallest first)."""
        ui_roots = [i.root for i in self.installs]

        def work(progress: TaskProgress, cancel: CancelToken) -> ScanReport:
            from app.core.catalog.scanner import Scanner

            with open_catalog() as catalog:
                scanner = Scanner(catalog, registry=load_app_registry(), ui_roots=ui_roots)
                return scanner.hash_pending(
                    progress=progress,
                    cancel=cancel,
                    on_file=lambda path: progress.current(path.name),
                )

        task = self.runner.submit(
            self.tr("Hashing new files"),
            work,
            lane=Lane.BULK,  # gigabytes to read: never in front of a link or an import
            unit=UNIT_BYTES,
            current_title=self.tr("Hashing {name}"),
        )
        task.ended.connect(self.reload)
        return task

    def add_install(self, path: Path) -> Task:
        def work(progress: TaskProgress, cancel: CancelToken) -> list[Install]:
            from app.core.installs import add_install

            return add_install(path)

        return self.runner.submit(
            self.tr("Adding {path}").format(path=path), work,
            on_done=lambda found: self.discover_installs(then_scan=True),
        )  # fmt: skip

    def remove_install(self, path: Path) -> Task:
        def work(progress: TaskProgress, cancel: CancelToken) -> None:
            from app.core.installs import remove_install

            remove_install(path)

        return self.runner.submit(
            self.tr("Removing {path}").format(path=path), work,
            on_done=lambda _: self.discover_installs(),
        )  # fmt: skip

    # -- internals --------------------------------------------------------------------------
    def _on_reload_done(self, done: _Reloaded) -> None:
        self.snapshot = done.snapshot
        self.snapshot_changed.emit(done.snapshot)
        if done.link_problem is not None:  # its ways out are the presenter's buttons
            self.problem.emit(done.link_problem, self.tr("Reading the link records"))

    def _on_reload_ended(self) -> None:
        self._reload_task = None
        if self._reload_again:
            self._reload_again = False
            self.reload()


_OPEN_LOCK = threading.Lock()


def open_catalog() -> Catalog:
    """A Catalog for this worker (close it); opening is serialized.

    The first open creates and migrates the schema, and two threads migrating a
    new file at once collide.
    """
    from app.core.catalog.store import Catalog
    from app.core.paths import app_paths

    with _OPEN_LOCK:
        return Catalog(app_paths().ensure().catalog_db)


def load_app_registry() -> Registry:
    """The shipped registry plus the user's additions (:func:`app.core.registry.app_registry`)."""
    from app.core.registry import app_registry

    return app_registry()
