"""The download command: an official VAE by registry id, or a pasted URL."""

from __future__ import annotations

import argparse
import importlib
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli_commands.common import EXIT_OK, add_json, app_state, catalog, registry
from app.cli_output import print_fields, print_json

if TYPE_CHECKING:  # the downloads package loads when the command runs
    from app.core.downloads.records import DownloadProgress, DownloadProgressCallback

# What cataloguing the finished file imports (the catalog and its scanner, then, on
# first use, inspection, the UIs' hash caches, family detection, identification):
# ~45 ms of a fresh process. They load on a helper thread once bytes stream, so they
# overlap the transfer instead of delaying its first byte or following its last one.
# tests/cli_commands/test_download_warmup.py fails when cataloguing needs one more.
CATALOG_MODULES = (
    "app.core.downloads.catalog",
    "app.core.inspection.inspector",
    "app.core.hashing.foreign_caches",
    "app.core.inspection.nan_check",
    "app.core.inspection.classify",
    "app.core.inspection.family",
    "app.core.inspection.vae_families.detect",
    "app.core.identify",
)


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the download command."""
    cmd = commands.add_parser(
        "download", help="download an official VAE (id from `known`) or an https URL"
    )
    cmd.add_argument("target", metavar="ID|URL")
    cmd.add_argument("--to", type=Path, metavar="DIR", help="folder (default: the library)")
    add_json(cmd)
    cmd.set_defaults(handler=download_command)


def download_command(args: argparse.Namespace) -> int:
    """Download with progress on stderr, verify, and catalog the file as it landed."""
    from app.core.downloads import download_command_result, format_progress

    app_state()
    known = registry()
    show = _progress_line(format_progress) if sys.stderr.isatty() else None
    warmup = ImportWarmup(CATALOG_MODULES)
    try:
        result = download_command_result(
            args.target, args.to, registry=known, progress=warmup.on_first_bytes(show)
        )
    finally:
        warmup.join()  # never leave a thread importing while the process exits
    if show is not None:
        print(file=sys.stderr)
    from app.core.downloads.catalog import catalog_download

    with catalog() as store:
        catalog_download(result, store, known)
    print_json(result.to_json()) if args.json else print_fields(result.to_json())
    return EXIT_OK


class ImportWarmup:
    """Imports modules on a helper thread, started when a transfer's bytes first flow.

    Only a head start: a module that fails to import here is left alone, and the
    main thread's own import raises as it always would.
    """

    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = tuple(modules)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin importing (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="import-warmup", daemon=True)
            self._thread.start()

    def join(self) -> None:
        """Wait for the imports started, if any."""
        if self._thread is not None:
            self._thread.join()

    def on_first_bytes(
        self, show: DownloadProgressCallback | None
    ) -> Callable[[DownloadProgress], None]:
        """A progress callback that starts the imports on the first ``downloading`` report."""
        from app.core.downloads.records import PHASE_DOWNLOADING

        def report(progress: DownloadProgress) -> None:
            if progress.phase == PHASE_DOWNLOADING:
                self.start()
            if show is not None:
                show(progress)

        return report

    def _run(self) -> None:
        for name in self.modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001, S112 - the main thread's import reports it
                continue


def _progress_line(
    format_progress: Callable[[DownloadProgress], str],
) -> Callable[[DownloadProgress], None]:
    def show(progress: DownloadProgress) -> None:
        print(f"\r{format_progress(progress)}", end="", file=sys.stderr, flush=True)

    return show
