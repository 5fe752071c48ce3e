"""Where the library lives: the user's choice in the settings file, else the default folder."""

from __future__ import annotations

import os
from pathlib import Path

from app.core.paths import app_paths
from app.core.settings import read_settings, update_setting
from app.core.write_roots import check_write_folder

SETTINGS_KEY = "library_dir"


def library_root(settings_file: Path | None = None) -> Path:
    """The library folder the user chose, or ``app_paths().library_dir``."""
    chosen = read_settings(settings_file).get(SETTINGS_KEY)
    if isinstance(chosen, str) and chosen.strip():
        return Path(chosen).expanduser()
    return app_paths().library_dir


def set_library_root(folder: Path | None, settings_file: Path | None = None) -> None:
    """Remember ``folder`` as the library (None: back to the default); other keys are kept.

    A root, drive root or system folder is refused (UserError) and nothing is saved.
    """
    if folder:
        check_write_folder(folder, "the library")
    update_setting(SETTINGS_KEY, os.path.abspath(folder) if folder else None, settings_file)
