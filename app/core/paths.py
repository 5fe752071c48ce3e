"""Where the app keeps its state.

Everything lives under platformdirs' per-user folders, or entirely under
``$VAE_MANAGER_HOME`` when that is set (tests and scripted use rely on it, so
a test never touches the real user's catalog).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "VAE_MANAGER_HOME"
APP_DIR_NAME = "VAE Manager"


@dataclass(frozen=True)
class AppPaths:
    """The folders and files that hold the app's state."""

    data_dir: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def catalog_db(self) -> Path:
        """The SQLite catalog of every file the app has seen."""
        return self.data_dir / "catalog.sqlite3"

    @property
    def library_dir(self) -> Path:
        """The app's own model library (``VAE/`` and ``checkpoints/`` inside)."""
        return self.data_dir / "library"

    @property
    def user_registry(self) -> Path:
        """User-added known-VAE entries; the shipped registry is never edited."""
        return self.data_dir / "known_vaes.json"

    @property
    def settings_file(self) -> Path:
        """The app's settings as JSON."""
        return self.config_dir / "settings.json"

    def ensure(self) -> AppPaths:
        """Create the folders if missing and return self."""
        for folder in (self.data_dir, self.config_dir, self.cache_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def app_paths() -> AppPaths:
    """Resolve the state folders, honouring ``$VAE_MANAGER_HOME``."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser().resolve()
        return AppPaths(
            data_dir=root / "data",
            config_dir=root / "config",
            cache_dir=root / "cache",
            log_dir=root / "logs",
        )
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP_DIR_NAME, appauthor=False)
    return AppPaths(
        data_dir=Path(dirs.user_data_dir),
        config_dir=Path(dirs.user_config_dir),
        cache_dir=Path(dirs.user_cache_dir),
        log_dir=Path(dirs.user_log_dir),
    )
