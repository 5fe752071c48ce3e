"""Keep A1111-family defaults pointing at files that exist after links are removed.

When the VAE named by ``sd_vae`` disappears, A1111 prints "Couldn't find VAE named
..." and quietly decodes with no VAE at all (AUTOMATIC1111 ``modules/sd_vae.py``,
``resolve_vae_from_setting``, at 45b8a499 = v1.8.0); Forge 2 fails to load the
missing path in ``forge_additional_modules``. So unlink, remove and undo call
:func:`release_defaults` right after they removed link files: each install whose
default named one of them goes back to Automatic, with the config backed up and a
``config-value`` step recorded in the caller's operation, so undoing that
operation puts the old default back.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from app.core.errors import UserError
from app.core.installs.a1111_config import release_default, supports_default_vae
from app.core.installs.a1111_lookup import installs_near, unique
from app.core.installs.listing import path_key
from app.core.installs.records import Install
from app.core.messages import say
from app.core.operations.journal import Journal
from app.core.operations.set_default import config_steps


def release_defaults(
    removed: Sequence[Path],
    *,
    operation_id: str,
    journal: Journal,
    installs: Sequence[Install] | None = None,
) -> tuple[str, ...]:
    """Reset every default that named a removed file; return one plain sentence per change.

    ``installs`` defaults to the A1111-family installs found above each removed
    file plus the ones the user added by hand (an install whose ``--vae-dir`` lies
    elsewhere is found only that way, or when the caller passes it). A config that
    cannot be read or written is reported in the notes and left untouched.
    """
    if not removed:
        return ()
    candidates = list(installs) if installs is not None else installs_near(removed)
    notes: list[str] = []
    for install in unique(i for i in candidates if supports_default_vae(i)):
        try:
            change = release_default(install, removed)
        except UserError as exc:
            notes.append(say("note.default-kept", install=install.label, why=exc))
            continue
        if change is None:
            continue
        for step in config_steps(change):
            journal.add_step(operation_id, step)
        old = _shown(change.old_value, removed)
        notes.append(say("note.default-reset", install=install.label, old=old))
    return tuple(notes)


def _shown(old: object, removed: Sequence[Path]) -> str:
    """The old default in plain words: the removed file's name (Forge 2 holds paths)."""
    if isinstance(old, list):
        keys = {path_key(Path(p).parent) + os.sep + Path(p).name for p in removed}
        names = [Path(m).name for m in old if isinstance(m, str)]
        gone = [Path(m).name for m in old if isinstance(m, str) and _key(m) in keys]
        return ", ".join(gone or names)
    return str(old)


def _key(text: str) -> str:
    try:
        return path_key(Path(text).parent) + os.sep + Path(text).name
    except ValueError:
        return ""
