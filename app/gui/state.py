"""The window's view of the world, refreshed by workers: installs, catalog, links.

Panels render :class:`~app.gui.snapshot.Snapshot` objects and ask this class
for changes (rescan, add an install); every disk access happens in a task.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.gui.settings import library_checkpoint_dir, library_folder, library_vae_dir
from app.gui.snapshot import Snapshot, build_snapshot
from app.gui.tasks import UNIT_BYTES, Lane, Task, TaskRunner

if TYPE_CHECKING:  # the installs package walks disks: import it in workers only
    from app.core.installs.records import Install


@dataclass(frozen=True)
class WindowOptions:
    """How the window finds things: ``search_roots=None`` searches this computer.

    Tests and the self-test pass ``search_roots=[]`` (only installs added by hand)
    so nothing outside their temporary folders is read.
    """

    search_roots: Sequence[Path] | None = None
    extra_scan_roots: Sequence[Path] = field(default_factory=tuple)
    auto_start: bool = True


class AppState(QObject):
    """Holds the latest snapshot and installs; announces changes as signals."""

    snapshot_changed = Signal(object)
    installs_changed = Signal(object)
    scan_finished = Signal(object)

    def __init__(self, runner: TaskRunner, options: WindowOptions, parent=None) -> None:
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

        def work(progress, cancel) -> Snapshot:
            from app.core.linking.records import LinkStore
            from app.core.paths import app_paths
            from app.core.registry import load_registry

            paths = app_paths().ensure()
            with open_catalog() as catalog:
                entries = catalog.entries()
            links = LinkStore().active_links()
            registry = load_registry(paths.user_registry)
            return build_snapshot(entries, installs, links, registry, library_folder())

        self._reload_task = self.runner.submit(
            self.tr("Reading the catalog"), work, on_done=self._on_reload_done, visible=False
        )
        self._reload_task.ended.connect(self._on_reload_ended)

    def discover_installs(self, *, then_scan: bool = False) -> Task:
        roots = self.options.search_roots

        def work(progress, cancel) -> list[Install]:
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
        """The library, extra roots and every install's model folders (reads settings: worker)."""
        roots = [library_vae_dir(), library_checkpoint_dir(), *self.options.extra_scan_roots]
        for install in self.installs if installs is None else installs:
            roots += [f.path for f in (*install.vae_dirs, *install.checkpoint_dirs)]
        return list(dict.fromkeys(roots))

    def rescan(self, roots: Sequence[Path] | None = None) -> Task:
        """Catalog the library and every install's model folders; hashing follows separately."""
        installs = list(self.installs)
        ui_roots = [i.root for i in installs]

        def work(progress, cancel):
            from app.core.catalog.scanner import scan

            for folder in (library_vae_dir(), library_checkpoint_dir()):
                folder.mkdir(parents=True, exist_ok=True)
            targets = list(roots) if roots is not None else self.scan_roots(installs)
            existing = [r for r in targets if Path(r).exists()]
            with open_catalog() as catalog:
                return scan(
                    catalog, existing, progress=progress, cancel=cancel, hash_now=False,
                    registry=load_app_registry(), ui_roots=ui_roots,
                )  # fmt: skip

        def done(report) -> None:
            self.scan_finished.emit(report)
            self.reload()
            self.hash_pending()

        return self.runner.submit(self.tr("Scanning model folders"), work, lane=Lane.WRITER,
                                  on_done=done)  # fmt: skip

    def hash_pending(self) -> Task:
        """Hash what the scan cataloged without hashing (newest and smallest first)."""
        ui_roots = [i.root for i in self.installs]

        def work(progress, cancel):
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
            lane=Lane.WRITER,
            unit=UNIT_BYTES,
            current_title=self.tr("Hashing {name}"),
        )
        task.ended.connect(self.reload)
        return task

    def add_install(self, path: Path) -> Task:
        def work(progress, cancel):
            from app.core.installs import add_install

            return add_install(path)

        return self.runner.submit(
            self.tr("Adding {path}").format(path=path), work,
            on_done=lambda found: self.discover_installs(then_scan=True),
        )  # fmt: skip

    def remove_install(self, path: Path) -> Task:
        def work(progress, cancel):
            from app.core.installs import remove_install

            remove_install(path)

        return self.runner.submit(
            self.tr("Removing {path}").format(path=path), work,
            on_done=lambda _: self.discover_installs(),
        )  # fmt: skip

    # -- internals --------------------------------------------------------------------------
    def _on_reload_done(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.snapshot_changed.emit(snapshot)

    def _on_reload_ended(self) -> None:
        self._reload_task = None
        if self._reload_again:
            self._reload_again = False
            self.reload()


_OPEN_LOCK = threading.Lock()


def open_catalog():
    """A Catalog for this worker (close it); opening is serialized.

    The first open creates and migrates the schema, and two threads migrating a
    new file at once collide.
    """
    from app.core.catalog.store import Catalog
    from app.core.paths import app_paths

    with _OPEN_LOCK:
        return Catalog(app_paths().ensure().catalog_db)


def load_app_registry():
    """The shipped registry plus the user's additions."""
    from app.core.paths import app_paths
    from app.core.registry import load_registry

    return load_registry(app_paths().user_registry)
