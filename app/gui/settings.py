"""The window's own settings (geometry, last panel, language, theme, folders) in an INI file.

``QSettings`` in INI format at a path under the app's config folder, rather
than the platform default (the registry on Windows), so ``$VAE_MANAGER_HOME``
isolates tests and a user can read or delete the file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from app.core.paths import app_paths

FILE_NAME = "gui.ini"

KEY_GEOMETRY = "window/geometry"
KEY_STATE = "window/state"
KEY_PANEL = "window/panel"
KEY_LANGUAGE = "ui/language"  # "system", "en" or "zh_CN"
KEY_THEME = "ui/theme"  # "system", "light" or "dark"
KEY_PREVIEW_DEVICE = "preview/device"
KEY_IMPORT_MODE = "import/mode"

LANGUAGES = ("system", "en", "zh_CN")
THEMES = ("system", "light", "dark")


def settings_path() -> Path:
    """The INI file (under the app's config folder, so ``$VAE_MANAGER_HOME`` moves it)."""
    return app_paths().config_dir / FILE_NAME


def gui_settings() -> QSettings:
    """A QSettings on the app's INI file (cheap: make one where needed)."""
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def get_str(key: str, default: str) -> str:
    """A stored text value, or ``default`` when unset or empty."""
    value = gui_settings().value(key, default)
    return str(value) if value not in (None, "") else default


def set_value(key: str, value: object) -> None:
    """Store and flush at once (a crash must not lose a choice the user just made)."""
    store = gui_settings()
    store.setValue(key, value)
    store.sync()


def library_folder() -> Path:
    """The app's library (``VAE/`` and ``checkpoints/`` inside), as the core settings say.

    Reads a small JSON file: call it from workers, not on the GUI thread.
    """
    from app.core.library.settings import library_root

    return library_root()


def library_vae_dir() -> Path:
    """Where VAEs in the library live: :func:`app.core.library.layout.library_vae_dir`."""
    from app.core.library.layout import library_vae_dir as core_library_vae_dir

    return core_library_vae_dir()


def library_checkpoint_dir() -> Path:
    """Where checkpoints in the library live (:mod:`app.core.library.layout`)."""
    from app.core.library.layout import library_checkpoint_dir as core_library_checkpoint_dir

    return core_library_checkpoint_dir()
