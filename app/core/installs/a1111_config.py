"""Choose the default VAE of an AUTOMATIC1111-family install by editing its ``config.json``.

A1111, reForge and Forge 1 keep the choice in ``"sd_vae"``: the VAE's file
name as listed in the VAE dropdown (a basename, not a path), ``"Automatic"`` or
``"None"`` (ui-layouts.md §1.4). Forge 2 has no such option; its top-bar
"VAE / Text Encoder" box stores absolute paths in
``"forge_additional_modules"`` (§2.2), so there the chosen VAE replaces the
other VAE entries while text encoders stay.

A running webui rewrites the whole file whenever it saves its settings, so an
edit made while it runs can be lost: every change says so. The old file is
kept as ``config.json.vaem-bak-<time>`` and the new one replaces it atomically.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from app.core.bounded_json import BoundedJsonError, loads_bounded, read_bounded
from app.core.errors import UserError
from app.core.installs.listing import path_key, resolve_under
from app.core.installs.records import KIND_A1111, KIND_FORGE, KIND_REFORGE, Install
from app.core.installs.webui_args import launch_flags

SUPPORTED_KINDS = (KIND_A1111, KIND_REFORGE, KIND_FORGE)
AUTOMATIC = "Automatic"
SD_VAE_KEY = "sd_vae"
FORGE_MODULES_KEY = "forge_additional_modules"
BACKUP_INFIX = ".vaem-bak-"
MAX_CONFIG_BYTES = 8 << 20  # a webui's config.json is tens of KB; this is far past any real one
RUNNING_WARNING = (
    "If the webui is running, restart it now: a running webui writes its own settings "
    "back to config.json when it saves them, which would undo this change."
)


@dataclass(frozen=True)
class DefaultVaeChange:
    """What :func:`set_default_vae` wrote, where the old file went, and what to tell the user."""

    config: Path
    backup: Path | None
    key: str
    old_value: object
    new_value: object
    notes: tuple[str, ...]


def supports_default_vae(install: Install) -> bool:
    """Whether this install's default VAE lives in an A1111-style ``config.json``."""
    return install.kind in SUPPORTED_KINDS


def is_forge2(install: Install) -> bool:
    """Forge 2 replaced the ``sd_vae`` option by a list of module paths."""
    return install.kind == KIND_FORGE and (
        install.version == "2" or (install.root / "backend").is_dir()
    )


def config_path(install: Install) -> Path:
    """``<data dir>/config.json``; the data dir is ``--data-dir`` when the launcher sets it.

    A ``--ui-settings-file`` flag is not followed (rare; the launcher flags read
    here are the path flags only).
    """
    flag = launch_flags(install.root).get("--data-dir")
    data_dir = resolve_under(install.root, flag.value) if flag else install.root
    return data_dir / "config.json"


def current_default_vae(install: Install) -> str | None:
    """The VAE the install uses by default: a file name (Forge 2: a path), or None if automatic."""
    data = _read_config(config_path(install))
    if is_forge2(install):
        chosen = [m for m in _modules(data) if _inside(Path(m), install)]
        return chosen[0] if chosen else None
    value = data.get(SD_VAE_KEY)
    if not isinstance(value, str) or value.lower() in ("automatic", "auto", ""):
        return None
    return value


def set_default_vae(install: Install, vae_file: Path | None) -> DefaultVaeChange:
    """Make ``vae_file`` (a file inside one of the install's VAE folders) the default.

    ``None`` goes back to automatic (the checkpoint's own VAE unless a VAE is
    paired with it by name). Raises UserError for unsupported installs, files
    outside the VAE folders and unreadable configs.
    """
    if not supports_default_vae(install):
        raise UserError(f"{install.label} does not keep its default VAE in config.json.")
    if vae_file is not None and not _inside(vae_file, install):
        raise UserError(
            f"{vae_file.name} is not in a VAE folder of {install.label} at {install.root}; "
            "link it there first."
        )
    path = config_path(install)
    data = _read_config(path)
    if is_forge2(install):
        key, old, new = FORGE_MODULES_KEY, _modules(data), _forge_modules(data, install, vae_file)
    else:
        key, old = SD_VAE_KEY, data.get(SD_VAE_KEY, AUTOMATIC)
        new = vae_file.name if vae_file is not None else AUTOMATIC
    data[key] = new
    text = _serialize(path, data)  # before the backup: a refusal leaves no trace
    backup = _backup(path)
    _write_atomic(path, text)
    return DefaultVaeChange(path, backup, key, old, new, _notes(data, install))


def _forge_modules(data: dict, install: Install, vae_file: Path | None) -> list[str]:
    kept = [m for m in _modules(data) if not _inside(Path(m), install)]
    return kept + ([os.path.abspath(vae_file)] if vae_file is not None else [])


def _notes(data: dict, install: Install) -> tuple[str, ...]:
    notes = [RUNNING_WARNING]
    if not is_forge2(install) and data.get("sd_vae_overrides_per_model_preferences") is False:
        notes.append(
            "Per-checkpoint VAE preferences still take precedence "
            "(Settings > VAE > 'Selected VAE overrides per-model preferences' is off)."
        )
    return tuple(notes)


def _modules(data: dict) -> list[str]:
    value = data.get(FORGE_MODULES_KEY)
    return [m for m in value if isinstance(m, str)] if isinstance(value, list) else []


def _inside(path: Path, install: Install) -> bool:
    """Whether ``path`` lies in (a subfolder of) one of the install's VAE folders.

    The file itself is not resolved: a symlink the app made in the folder counts as there.
    """
    try:
        key = os.path.join(path_key(Path(path).parent), Path(path).name)
    except ValueError:  # a NUL byte in a path from config.json: no real file
        return False
    for folder in install.vae_dirs:
        root = path_key(folder.path)
        if key.startswith(root.rstrip(os.sep) + os.sep):
            return True
    return False


def _read_config(path: Path) -> dict:
    """The settings object, or {} when there is no file yet; UserError (file untouched) else.

    The webui reads it with ``json.load``; this reads it the same way but within
    limits, so a nested, huge or unparsable file is refused rather than crashing.
    """
    try:
        raw = read_bounded(path, MAX_CONFIG_BYTES)
        data = loads_bounded(raw, max_bytes=MAX_CONFIG_BYTES) if raw.strip() else {}
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    except BoundedJsonError as exc:
        raise UserError(
            f"{path} {exc.message}; it was left untouched: fix or delete it, then try again."
        ) from None
    if not isinstance(data, dict):
        raise UserError(f"{path} does not hold the webui's settings (not a JSON object).")
    return data


def _serialize(path: Path, data: dict) -> str:
    """The webui's own format (4-space indent, UTF-8 as is), checked to be writable."""
    text = json.dumps(data, indent=4, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError(
            f"{path} holds text that is not valid Unicode (an unpaired \\u surrogate escape); "
            "it was left untouched: fix or delete it, then try again."
        ) from None
    return text


def _backup(path: Path) -> Path | None:
    """Copy the config aside before touching it; None when there was no file yet."""
    if not path.exists():
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}{BACKUP_INFIX}{stamp}")
    counter = 1
    while backup.exists():
        counter += 1
        backup = path.with_name(f"{path.name}{BACKUP_INFIX}{stamp}-{counter}")
    try:
        shutil.copy2(path, backup)
    except OSError as exc:
        raise UserError(f"cannot back up {path} before changing it: {exc}") from exc
    return backup


def _write_atomic(path: Path, text: str) -> None:
    """Replace the file in one step: a new temp file beside it, fsynced, then renamed.

    The temp name is created exclusively (never following or reusing a planted
    file), and only a temp file this call created is ever removed.
    """
    tmp = path.with_name(f".{path.name}.vaem-{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc}") from exc
    try:
        with open(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {exc}") from exc
