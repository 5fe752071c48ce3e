"""What every command shares: exit codes, the app's state, argument checks."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import UserError

if TYPE_CHECKING:
    from app.core.catalog.store import Catalog
    from app.core.paths import AppPaths
    from app.core.registry import Registry

EXIT_OK = 0
EXIT_FAILED_CHECK = 1
EXIT_ERROR = 2
EXIT_BUG = 1  # an unexpected error: one line on stderr, the traceback in the log


def add_json(cmd: argparse.ArgumentParser) -> None:
    """The ``--json`` flag every command has."""
    cmd.add_argument("--json", action="store_true", help="machine-readable output")


def app_state() -> AppPaths:
    """The app's folders, created on first use."""
    from app.core.paths import app_paths

    return app_paths().ensure()


def registry() -> Registry:
    """Shipped plus user registry entries (the app's folders made first)."""
    from app.core.registry import app_registry

    app_state()
    return app_registry()


def catalog() -> Catalog:
    """The catalog database (use as a context manager)."""
    from app.core.catalog.store import Catalog

    return Catalog(app_state().catalog_db)


def existing(path: Path) -> Path:
    """The absolute path, or a one-line error when it does not exist."""
    if not path.exists():
        raise UserError(f"no such file or folder: {path}")
    return path.resolve()
