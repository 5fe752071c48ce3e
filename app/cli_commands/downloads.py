"""The download command: an official VAE by registry id, or a pasted URL."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli_commands.common import EXIT_OK, add_json, app_state, catalog, registry
from app.cli_output import print_fields, print_json

if TYPE_CHECKING:  # the downloads package loads when the command runs
    from app.core.downloads.records import DownloadProgress


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
    from app.core.downloads.catalog import catalog_download

    app_state()
    known = registry()
    progress = _progress_line(format_progress) if sys.stderr.isatty() else None
    result = download_command_result(args.target, args.to, registry=known, progress=progress)
    if progress is not None:
        print(file=sys.stderr)
    with catalog() as store:
        catalog_download(result, store, known)
    print_json(result.to_json()) if args.json else print_fields(result.to_json())
    return EXIT_OK


def _progress_line(
    format_progress: Callable[[DownloadProgress], str],
) -> Callable[[DownloadProgress], None]:
    def show(progress: DownloadProgress) -> None:
        print(f"\r{format_progress(progress)}", end="", file=sys.stderr, flush=True)

    return show
