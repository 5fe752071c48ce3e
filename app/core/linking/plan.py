"""What linking one library file into several installs would do, before anything is written.

Each target gets one entry: ``create`` (with the mode that would be used),
``already-linked`` (the name there is this file, or a file with the same
SHA-256), ``conflict`` (the name holds something else; it is left alone and the
user may pick another ``target_name``), ``error``, or ``cannot-use`` (the UI has
no model code for the file's VAE family: a video VAE in A1111, for example).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserError
from app.core.installs.listing import path_key
from app.core.installs.records import VAE_EXTENSIONS, Folder, Install
from app.core.linking.digest import sha256_of
from app.core.linking.fsops import MODES, predict_mode
from app.core.linking.placement import family_of, place
from app.core.tasks import CancelToken, ProgressCallback, no_progress
from app.core.write_roots import write_refusal

ACTION_CREATE = "create"
ACTION_ALREADY = "already-linked"
ACTION_CONFLICT = "conflict"
ACTION_ERROR = "error"
ACTION_CANNOT_USE = "cannot-use"  # the UI has no model code for this VAE's family

Target = Install | Folder


@dataclass(frozen=True)
class PlanEntry:
    """The planned outcome for one install (or one explicitly chosen folder)."""

    target: str
    folder: Path | None
    dest: Path | None
    mode: str | None
    action: str
    reason: str = ""
    kind: str | None = None

    def to_json(self) -> dict[str, object]:
        """Plain JSON for ``link --dry-run --json``."""
        return {
            "target": self.target,
            "folder": str(self.folder) if self.folder else None,
            "dest": str(self.dest) if self.dest else None,
            "mode": self.mode,
            "action": self.action,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class LinkPlan:
    """A checked plan for one library file; :func:`apply_plan` carries it out."""

    source: Path
    sha256: str
    size: int
    mtime_ns: int
    requested_mode: str
    entries: tuple[PlanEntry, ...]

    @property
    def to_create(self) -> tuple[PlanEntry, ...]:
        """Entries that will write something."""
        return tuple(e for e in self.entries if e.action == ACTION_CREATE)

    def to_json(self) -> dict[str, object]:
        """Plain JSON for the CLI."""
        return {
            "source": str(self.source),
            "sha256": self.sha256,
            "mode": self.requested_mode,
            "entries": [e.to_json() for e in self.entries],
        }


def check_name(name: str) -> str:
    """A bare file name, or UserError: the target name must not escape the folder."""
    bad = not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name
    if bad or os.path.basename(name) != name:
        raise UserError(f"{name!r} is not a plain file name.")
    return name


def _folder_of(target: Target) -> tuple[str, Path | None, str | None, str]:
    """(label, folder, kind, error) for an install or an explicit folder."""
    if isinstance(target, Folder):
        return str(target.path), target.path, None, ""
    label = f"{target.label} at {target.root}"
    if not target.vae_dirs:
        return label, None, target.kind, f"no VAE folder known ({target.source})"
    return label, target.vae_dirs[0].path, target.kind, ""


def _existing(source: Path, dest: Path, sha256: str, size: int) -> tuple[str, str]:
    """Action and reason when ``dest`` already exists."""
    if os.path.islink(dest) and not os.path.exists(dest):
        return ACTION_CONFLICT, f"a broken link named {dest.name} is there (repair it first)"
    if os.path.isdir(dest):
        return ACTION_CONFLICT, f"a folder named {dest.name} is there"
    if os.path.samefile(dest, source):
        how = "symlink" if os.path.islink(dest) else "hard link"
        return ACTION_ALREADY, f"already a {how} to this file"
    other = os.stat(dest).st_size
    if other == size and sha256_of(dest) == sha256:
        return ACTION_ALREADY, "a file with the same content (SHA-256) is there"
    return ACTION_CONFLICT, f"a different file named {dest.name} is there; left alone"


def _entry(source, target, name, mode, sha256, size, family=None) -> PlanEntry:
    label, folder, kind, error = _folder_of(target)
    if folder is None:
        return PlanEntry(label, None, None, None, ACTION_ERROR, error, kind)
    where = place(target, family, name)  # the family's folder in this UI (linking/placement.py)
    if not where.usable:
        return PlanEntry(label, None, None, None, ACTION_CANNOT_USE, where.reason, kind)
    folder = where.folder or folder
    dest = folder / name
    refused = write_refusal(folder)
    if refused:
        reason = f"refused: {refused}; nothing is written there"
        return PlanEntry(label, folder, dest, None, ACTION_ERROR, reason, kind)
    if not folder.is_dir():
        if not folder.parent.is_dir():
            return PlanEntry(
                label, folder, dest, None, ACTION_ERROR, "the folder does not exist", kind
            )
    elif not os.access(folder, os.W_OK):
        return PlanEntry(
            label, folder, dest, None, ACTION_ERROR, "the folder is not writable", kind
        )
    if os.path.lexists(dest):
        action, reason = _existing(source, dest, sha256, size)
        return PlanEntry(label, folder, dest, None, action, reason, kind)
    used, why = predict_mode(mode, source, folder)
    notes = [n for n in (where.reason, why) if n]
    if not folder.is_dir():
        notes.append(f"creates {folder.name}/")
    accepted = VAE_EXTENSIONS.get(kind or "")
    if accepted and Path(name).suffix.lower() not in accepted:
        notes.append(f"warning: this UI lists only {', '.join(accepted)} VAE files")
    return PlanEntry(label, folder, dest, used, ACTION_CREATE, "; ".join(notes), kind)


def plan_links(
    source: Path,
    installs: Sequence[Target],
    mode: str = "auto",
    target_name: str | None = None,
    *,
    sha256: str | None = None,
    family: str | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback = no_progress,
) -> LinkPlan:
    """Plan putting ``source`` into the VAE folder (``vae_dirs[0]``) of each install.

    Installs that share one real folder (Stability Matrix symlinks) are linked once.
    ``sha256`` may be passed when the catalog already knows it, ``family`` likewise (else
    the file's header names it): preview decoders go to each UI's preview-decoder folder,
    and a UI that cannot load the family gets a ``cannot-use`` entry saying why.
    """
    if mode not in MODES:
        raise UserError(f"Unknown link mode {mode!r}; use one of {', '.join(MODES)}.")
    source = Path(os.path.abspath(source))
    if not source.is_file():
        raise UserError(f"{source} is not a file.")
    name = check_name(target_name or source.name)
    st = os.stat(source)
    sha256 = sha256 or sha256_of(source, cancel=cancel, progress=progress)
    family = family if family is not None else family_of(source)
    entries: list[PlanEntry] = []
    first_by_folder: dict[str, PlanEntry] = {}
    for target in installs:
        entry = _entry(source, target, name, mode, sha256, st.st_size, family)
        key = path_key(entry.folder) if entry.folder else None
        if key and key in first_by_folder:
            first = first_by_folder[key]
            action = ACTION_ALREADY if first.action == ACTION_CREATE else first.action
            entry = PlanEntry(entry.target, entry.folder, entry.dest, None, action,
                              f"same folder as {first.target}", entry.kind)  # fmt: skip
        elif key:
            first_by_folder[key] = entry
        entries.append(entry)
    return LinkPlan(source, sha256, st.st_size, st.st_mtime_ns, mode, tuple(entries))
