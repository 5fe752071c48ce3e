"""Choose the default VAE of an AUTOMATIC1111-family install by editing its ``config.json``.

A1111, reForge and Forge 1 keep the choice in ``"sd_vae"``: the VAE's file
name as listed in the VAE dropdown (a basename, not a path), ``"Automatic"`` or
``"None"`` (ui-layouts.md §1.4). Forge 2 has no such option; its top-bar
"VAE / Text Encoder" box stores absolute paths in
``"forge_additional_modules"`` (§2.2), so there the chosen VAE replaces the
other VAE entries while text encoders stay.

Choosing a VAE also puts ``sd_vae`` into the quick settings so the dropdown shows
in the top bar: the ``quicksettings_list`` list (A1111 ≥ 1.1.1) and the old
comma-separated ``quicksettings`` string, which ``Options.load`` turns into the list
only when the list is missing (AUTOMATIC1111 ``modules/options.py``, ``Options.load``,
"1.1.1 quicksettings list migration", at 45b8a499 = v1.8.0). Forge 2 shows its VAE
box in the top bar already.

A running webui rewrites the whole file whenever it saves its settings, so an
edit made while it runs can be lost: every change says so. The old file is kept
as ``config.json.vaem-bak-<time>``, the new one replaces it atomically in the
file's own layout (:mod:`app.core.installs.json_format`), key order kept.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.bounded_json import BoundedJsonError, loads_bounded, read_bounded
from app.core.errors import UserError
from app.core.installs.a1111_vaes import vae_list
from app.core.installs.json_format import A1111_FORMAT, JsonFormat, detect_format
from app.core.installs.listing import path_key, resolve_under
from app.core.installs.records import KIND_A1111, KIND_FORGE, KIND_REFORGE, Install
from app.core.installs.webui_args import Flag, launch_flags
from app.core.publish import backup_copy, write_text_atomic, write_text_new

SUPPORTED_KINDS = (KIND_A1111, KIND_REFORGE, KIND_FORGE)
AUTOMATIC = "Automatic"
SD_VAE_KEY = "sd_vae"
FORGE_MODULES_KEY = "forge_additional_modules"
QUICKSETTINGS_LIST_KEY = "quicksettings_list"
QUICKSETTINGS_KEY = "quicksettings"  # before A1111 1.1.1: "sd_model_checkpoint, sd_vae"
A1111_QUICKSETTINGS_DEFAULT = ["sd_model_checkpoint"]  # modules/shared_options.py, v1.8.0
BACKUP_INFIX = ".vaem-bak-"
MAX_CONFIG_BYTES = 8 << 20  # a webui's config.json is tens of KB; this is far past any real one
RUNNING_WARNING = (
    "If the webui is running, restart it now: a running webui writes its own settings "
    "back to config.json when it saves them, which would undo this change."
)
QUICKSETTINGS_NOTE = (
    "The VAE dropdown (sd_vae) was added to the quick settings at the top of the page; "
    "it shows after the webui restarts (or Reload UI)."
)

Settings = dict[str, object]


@dataclass(frozen=True)
class ValueChange:
    """One key of ``config.json`` as it was and as it was written (``had_key``: it existed)."""

    key: str
    old: object
    new: object
    had_key: bool = True

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI and the journal."""
        return {"key": self.key, "old": self.old, "new": self.new, "had_key": self.had_key}


@dataclass(frozen=True)
class DefaultVaeChange:
    """What :func:`set_default_vae` wrote, where the old file went, and what to tell the user."""

    config: Path
    backup: Path | None
    key: str
    old_value: object
    new_value: object
    notes: tuple[str, ...]
    changes: tuple[ValueChange, ...] = ()
    """Every key written (the default first, then quick settings), for undo."""

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {
            "config": str(self.config),
            "backup": str(self.backup) if self.backup else None,
            "key": self.key,
            "old_value": self.old_value,
            "new_value": self.new_value,
            "changes": [c.to_json() for c in self.changes],
            "notes": list(self.notes),
        }


def supports_default_vae(install: Install) -> bool:
    """Whether this install's default VAE lives in an A1111-style ``config.json``."""
    return install.kind in SUPPORTED_KINDS


def is_forge2(install: Install) -> bool:
    """Forge 2 replaced the ``sd_vae`` option by a list of module paths."""
    return install.kind == KIND_FORGE and (
        install.version == "2" or (install.root / "backend").is_dir()
    )


def data_dir(install: Install) -> Path:
    """``--data-dir`` when the launcher sets it, else the install root (``paths_internal.py``)."""
    return _data_dir(install.root, launch_flags(install.root))


def _data_dir(root: Path, flags: Mapping[str, Flag]) -> Path:
    flag = flags.get("--data-dir")
    return resolve_under(root, flag.value) if flag else root


def config_path(install: Install) -> Path:
    r"""``--ui-settings-file`` when the launcher sets it, else ``<data dir>/config.json``.

    A1111's ``modules/cmd_args.py`` (1.8.0): ``--ui-settings-file`` defaults to
    ``os.path.join(data_path, 'config.json')``, and ``modules/shared.py`` loads and
    saves the options there. One-click packages and launchers pass it (e.g.
    ``--ui-settings-file "%~dp0data\config.json"``); a relative value is read from
    the install folder, which the launch scripts start the webui in.
    """
    flags = launch_flags(install.root)  # the launcher scripts read once for both flags
    flag = flags.get("--ui-settings-file")
    if flag is not None and flag.value:
        return resolve_under(install.root, flag.value)
    return _data_dir(install.root, flags) / "config.json"


def current_default_vae(install: Install) -> str | None:
    """The VAE the install uses by default: a file name (Forge 2: a path), or None if automatic."""
    data, _ = read_config(config_path(install))
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
    paired with it by name); quick settings are then left as they are. Raises
    UserError for unsupported installs, files outside the VAE folders and
    unreadable configs, before anything is written.
    """
    if not supports_default_vae(install):
        raise UserError(f"{install.label} does not keep its default VAE in config.json.")
    if vae_file is not None and not lists_as_vae(vae_file, install):
        raise UserError(
            f"{vae_file.name} is not in a VAE folder of {install.label} at {install.root}; "
            "link it there first."
        )

    def edit(data: Settings) -> list[ValueChange]:
        if is_forge2(install):
            return [_put(data, FORGE_MODULES_KEY, _forge_modules(data, install, vae_file))]
        new = vae_file.name if vae_file is not None else AUTOMATIC
        changes = [_put(data, SD_VAE_KEY, new)]
        if vae_file is not None:
            changes += _add_to_quicksettings(data, install)
        return changes

    path = config_path(install)
    backup, changes, data = edit_config(path, edit)
    return _change(path, backup, changes, data, install, _default_key(install))


def release_default(install: Install, removed: Sequence[Path]) -> DefaultVaeChange | None:
    """Reset the default to Automatic if it named one of the ``removed`` files; else None.

    A1111 keys its list by basename, so ``sd_vae`` still resolves when another
    file of that name is left in a folder it lists; then nothing changes. Forge 2
    loses only the removed paths from its module list (text encoders stay).
    """
    if not supports_default_vae(install):
        return None
    path = config_path(install)
    data, _ = read_config(path)
    gone = [Path(p) for p in removed if not os.path.exists(p)]
    if is_forge2(install):
        keys = {_key(p) for p in gone}
        modules = _modules(data)
        kept = [m for m in modules if _key(Path(m)) not in keys]
        if len(kept) == len(modules):
            return None
        edit: Callable[[Settings], list[ValueChange]] = lambda d: [  # noqa: E731 (one line)
            _put(d, FORGE_MODULES_KEY, [m for m in _modules(d) if _key(Path(m)) not in keys])
        ]
    else:
        current = data.get(SD_VAE_KEY)
        names = {p.name for p in gone if _inside(p, install) or _beside_checkpoints(p, install)}
        if not isinstance(current, str) or current not in names:
            return None
        still = vae_list(install).get(current)
        if still is not None and os.path.exists(still):
            return None
        edit = lambda d: [_put(d, SD_VAE_KEY, AUTOMATIC)]  # noqa: E731
    backup, changes, written = edit_config(path, edit)
    return _change(path, backup, changes, written, install, _default_key(install))


def restore_value(path: Path, change: ValueChange) -> tuple[bool, Path | None]:
    """Put ``change.old`` back if the key still holds ``change.new`` (undo of one edit).

    Returns (changed, backup): (False, None) when the key already holds the old
    value (nothing to do). Raises UserError, file untouched, when it holds
    anything else: the user or the webui changed it since.
    """
    data, _ = read_config(path)
    current = data.get(change.key, _ABSENT)
    old = change.old if change.had_key else _ABSENT
    if current == old:
        return False, None
    if current != change.new:
        now = "is no longer set" if current is _ABSENT else f"now holds {current!r}"
        raise UserError(
            f"{change.key} in {path} {now}, not {change.new!r} as VAE Manager left it; "
            "it was changed since, so it was left as it is."
        )

    def edit(d: Settings) -> list[ValueChange]:
        if change.had_key:
            d[change.key] = change.old
        else:
            d.pop(change.key, None)
        return [ValueChange(change.key, change.new, change.old, True)]

    backup, _, _ = edit_config(path, edit)
    return True, backup


def edit_config(
    path: Path, edit: Callable[[Settings], list[ValueChange]]
) -> tuple[Path | None, tuple[ValueChange, ...], Settings]:
    """Read, edit in memory, serialize in the file's layout, back up, then replace atomically.

    Every refusal (unreadable, nested, huge, not an object, unwritable text)
    happens before the backup, so a refused edit leaves no trace. A file that
    did not exist is created without replacing one that appeared meanwhile.
    Returns (backup, changes, the new settings); backup is None for a new file,
    and nothing is written when no value actually changes (changes is then empty).
    """
    existed = os.path.lexists(path)
    data, layout = read_config(path)
    changes = tuple(c for c in edit(data) if not (c.had_key and c.old == c.new))
    if not changes:
        return None, (), data  # already so: nothing written, no backup
    text = _serialize(path, data, layout)
    if not existed:
        _create_new(path, text)
        return None, changes, data
    backup = _backup(path)
    _write_atomic(path, text)
    return backup, changes, data


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT = _Absent()


def _put(data: Settings, key: str, value: object) -> ValueChange:
    had = key in data
    old = data.get(key)
    data[key] = value
    return ValueChange(key, old, value, had)


def _add_to_quicksettings(data: Settings, install: Install) -> list[ValueChange]:
    """Put ``sd_vae`` into the list and into the old string, never twice."""
    changes = []
    listed = data.get(QUICKSETTINGS_LIST_KEY)
    old_text = data.get(QUICKSETTINGS_KEY)
    if isinstance(listed, list):
        if SD_VAE_KEY not in listed:
            changes.append(_put(data, QUICKSETTINGS_LIST_KEY, [*listed, SD_VAE_KEY]))
    elif listed is None and old_text is None and install.kind == KIND_A1111:
        # Forge 1's and reForge's default list already holds sd_vae (their
        # modules/shared_options.py: Forge 29be1da7, ui-layouts.md §3); A1111's does not
        new = [*A1111_QUICKSETTINGS_DEFAULT, SD_VAE_KEY]
        changes.append(_put(data, QUICKSETTINGS_LIST_KEY, new))
    if isinstance(old_text, str):
        names = [n.strip() for n in old_text.split(",")]
        if SD_VAE_KEY not in names:
            glue = ", " if ", " in old_text else ","
            new_text = f"{old_text}{glue}{SD_VAE_KEY}" if old_text.strip() else SD_VAE_KEY
            changes.append(_put(data, QUICKSETTINGS_KEY, new_text))
    return changes


def _default_key(install: Install) -> str:
    return FORGE_MODULES_KEY if is_forge2(install) else SD_VAE_KEY


def _change(
    path: Path,
    backup: Path | None,
    changes: tuple[ValueChange, ...],
    data: Settings,
    install: Install,
    key: str,
) -> DefaultVaeChange:
    main = next((c for c in changes if c.key == key), None)
    unset = AUTOMATIC if key == SD_VAE_KEY else []
    if main is None:  # the default already was this value
        old = new = data.get(key, unset)
    else:
        old, new = (main.old if main.had_key else unset), main.new
    notes = _notes(data, install)
    if any(c.key in (QUICKSETTINGS_LIST_KEY, QUICKSETTINGS_KEY) for c in changes):
        notes += (QUICKSETTINGS_NOTE,)
    return DefaultVaeChange(path, backup, key, old, new, notes, changes)


def _forge_modules(data: Settings, install: Install, vae_file: Path | None) -> list[str]:
    kept = [m for m in _modules(data) if not _inside(Path(m), install)]
    return kept + ([os.path.abspath(vae_file)] if vae_file is not None else [])


def _notes(data: Settings, install: Install) -> tuple[str, ...]:
    notes = [RUNNING_WARNING]
    if not is_forge2(install) and data.get("sd_vae_overrides_per_model_preferences") is False:
        notes.append(
            "Per-checkpoint VAE preferences still take precedence "
            "(Settings > VAE > 'Selected VAE overrides per-model preferences' is off)."
        )
    return tuple(notes)


def _modules(data: Settings) -> list[str]:
    value = data.get(FORGE_MODULES_KEY)
    return [m for m in value if isinstance(m, str)] if isinstance(value, list) else []


def _key(path: Path) -> str:
    try:
        return os.path.join(path_key(Path(path).parent), Path(path).name)
    except ValueError:  # a NUL byte in a path from config.json: no real file
        return ""


def lists_as_vae(path: Path, install: Install) -> bool:
    """Whether the install lists ``path`` as a VAE choice (Forge 2: its VAE folders only)."""
    if _inside(path, install):
        return True
    return not is_forge2(install) and _beside_checkpoints(path, install)


def _inside(path: Path, install: Install) -> bool:
    """Whether ``path`` lies in (a subfolder of) one of the install's VAE folders.

    The file itself is not resolved: a symlink the app made in the folder counts as there.
    """
    return _under(path, [f.path for f in install.vae_dirs])


def _beside_checkpoints(path: Path, install: Install) -> bool:
    """A ``*.vae.*`` file in a checkpoint folder: A1111 lists those as VAEs too."""
    return ".vae." in path.name and _under(path, [f.path for f in install.checkpoint_dirs])


def _under(path: Path, folders: Sequence[Path]) -> bool:
    key = _key(path)
    if not key:
        return False
    return any(key.startswith(path_key(f).rstrip(os.sep) + os.sep) for f in folders)


def read_config(path: Path) -> tuple[Settings, JsonFormat]:
    """The settings object and its layout ({} and A1111's layout when there is no file yet).

    The webui reads it with ``json.load``; this reads it the same way but within
    limits, so a nested, huge or unparsable file is refused (UserError, file
    untouched) rather than crashing.
    """
    try:
        raw = read_bounded(path, MAX_CONFIG_BYTES)
        data = loads_bounded(raw, max_bytes=MAX_CONFIG_BYTES) if raw.strip() else {}
    except FileNotFoundError:
        return {}, A1111_FORMAT
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    except BoundedJsonError as exc:
        raise UserError(
            f"{path} {exc.message}; it was left untouched: fix or delete it, then try again."
        ) from None
    if not isinstance(data, dict):
        raise UserError(f"{path} does not hold the webui's settings (not a JSON object).")
    text = raw.decode("utf-8", errors="replace")
    return data, detect_format(text) if raw.strip() else A1111_FORMAT


def _read_config(path: Path) -> Settings:
    """The settings object alone (kept for callers of the older name)."""
    return read_config(path)[0]


def _serialize(path: Path, data: Settings, layout: JsonFormat = A1111_FORMAT) -> str:
    """The file's own layout (A1111's: 4-space indent, UTF-8 as is), checked to be writable."""
    text = layout.dumps(data)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError(
            f"{path} holds text that is not valid Unicode (an unpaired \\u surrogate escape); "
            "it was left untouched: fix or delete it, then try again."
        ) from None
    return text


def _backup(path: Path) -> Path | None:
    """Copy the config aside before touching it; None when there was no file yet.

    An exclusive ``<name>.vaem-bak-<stamp>[-N]`` name: an earlier backup is never overwritten.
    """
    return backup_copy(path, BACKUP_INFIX)


def _write_atomic(path: Path, text: str) -> None:
    """Replace the file in one step: a new temp file beside it, fsynced, then renamed.

    The temp name is created exclusively (never following or reusing a planted
    file), and only a temp file this call created is ever removed. Bytes are
    written as given, so CRLF line ends stay CRLF and LF stays LF; the file's
    mode is kept, and a symlinked config stays a link (its target is rewritten).
    """
    try:
        write_text_atomic(path, text)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc}") from exc


def _create_new(path: Path, text: str) -> None:
    """Create ``path`` holding ``text``; never replaces a file that appeared since it was read."""
    try:
        write_text_new(path, text)
    except FileExistsError:
        raise UserError(f"{path} appeared while VAE Manager was writing it; try again.") from None
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc}") from exc
