"""The app's settings file: one JSON object, one key per part of the app.

Downloads keep their mirror and token under ``downloads``, the library its
folder under ``library_dir``. Every change is a read-modify-write of the whole
file under one lock, written atomically and owner-only (it may hold a token),
so two parts saving at once never lose each other's keys.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from app.core.errors import UserError
from app.core.paths import app_paths
from app.core.publish import write_json_atomic

_LOCK = threading.Lock()


def settings_path(path: Path | None = None) -> Path:
    """The settings file in use: ``path`` when given (tests), else the app's."""
    return path or app_paths().settings_file


def read_settings(path: Path | None = None) -> dict[str, object]:
    """The settings object; ``{}`` when the file does not exist yet."""
    file = settings_path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"cannot read the settings file {file}: {exc}") from exc
    if not isinstance(data, dict):
        raise UserError(f"the settings file {file} must hold a JSON object")
    return data


def update_setting(key: str, value: object, path: Path | None = None) -> None:
    """Set ``key`` to ``value`` (None removes it), keeping every other key."""
    file = settings_path(path)
    with _LOCK:
        data = read_settings(file)
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
        write_json_atomic(file, data, private=True)
