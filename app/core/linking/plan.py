"""What linking one library file into several installs would do, before anything is written.

Each target gets one entry: ``create`` (with the mode that would be used, in the
first writable folder the install reads), ``already-linked`` (any folder the
install reads for the file's family holds this file or one with the same SHA-256,
see :mod:`app.core.linking.presence`), ``conflict`` (the name holds something
else in a folder the install reads; it is left alone and the user may pick another
``target_name``), ``error`` (with each folder that cannot take it and why), or
``cannot-use`` (the UI has no model code for the file's VAE family: a video VAE in
A1111, for example).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from app.core.errors import UserError
from app.core.installs.listing import path_key
from app.core.installs.records import VAE_EXTENSIONS, Folder, Install
from app.core.linking.digest import sha256_of
from app.core.linking.fsops import MODES, LinkMode, predict_mode
from app.core.linking.placement import Placement, family_of, place
from app.core.linking.presence import MATCH_SAME_CONTENT, MATCH_SAME_FILE, find_same
from app.core.tasks import CancelToken, ProgressCallback, no_progress
from app.core.write_roots import write_refusal


class PlanAction(StrEnum):
    """What a plan entry would do for its install (members equal their strings, as in JSON)."""

    CREATE = "create"
    ALREADY = "already-linked"
    CONFLICT = "conflict"
    ERROR = "error"
    CANNOT_USE = "cannot-use"  # the UI has no model code for this VAE's family


ACTION_CREATE = PlanAction.CREATE
ACTION_ALREADY = PlanAction.ALREADY
ACTION_CONFLICT = PlanAction.CONFLICT
ACTION_ERROR = PlanAction.ERROR
ACTION_CANNOT_USE = PlanAction.CANNOT_USE

Target = Install | Folder


@dataclass(frozen=True)
class FolderChoice:
    """A folder of the install a link can go to, with the mode it would get there."""

    folder: Path
    mode: LinkMode
    note: str = ""
    """Why that mode, when it is not the one asked for."""
    creates: bool = False
    """The folder does not exist yet and would be created."""


class BlockedWhy(StrEnum):
    """Why a folder cannot take the link (the GUI words each one itself)."""

    REFUSED = "refused"  # a root or system folder (write_roots)
    MISSING = "missing"  # neither the folder nor its parent exists
    NOT_WRITABLE = "not-writable"  # os.access(W_OK) says no
    NAME_TAKEN = "name-taken"  # the name holds something else there


WHY_REFUSED = BlockedWhy.REFUSED
WHY_MISSING = BlockedWhy.MISSING
WHY_NOT_WRITABLE = BlockedWhy.NOT_WRITABLE
WHY_NAME_TAKEN = BlockedWhy.NAME_TAKEN


@dataclass(frozen=True)
class Blocked:
    """A folder the install reads that cannot take the link, and why."""

    folder: Path
    why: BlockedWhy
    detail: str = ""


@dataclass(frozen=True)
class PlanEntry:
    """The planned outcome for one install (or one explicitly chosen folder).

    The GUI reads the typed fields, not ``reason`` (English for the CLI):
    ``found``/``match`` say where the same bytes already are (``already-linked``),
    ``choices`` the writable folders the install reads (``create``; the first is
    the one planned, :meth:`with_folder` picks another), ``blocked`` the folders that
    cannot take it, ``default`` the first folder tried, ``shared_with`` the target this
    one shares its real folder with.
    """

    target: str
    folder: Path | None
    dest: Path | None
    mode: LinkMode | None
    action: PlanAction
    reason: str = ""
    kind: str | None = None
    found: Path | None = None
    match: str | None = None
    choices: tuple[FolderChoice, ...] = ()
    blocked: tuple[Blocked, ...] = ()
    shared_with: str | None = None
    default: Path | None = None
    """The folder the install takes new files in first (its default VAE folder)."""

    def with_folder(self, folder: Path) -> PlanEntry:
        """The same entry linking into another of its ``choices``."""
        choice = next((c for c in self.choices if c.folder == folder), None)
        if choice is None or self.dest is None:
            raise UserError(f"{folder} is not a folder this install can take the file in.")
        return replace(self, folder=choice.folder, dest=choice.folder / self.dest.name,
                       mode=choice.mode)  # fmt: skip

    def to_json(self) -> dict[str, object]:
        """Plain JSON for ``link --dry-run --json``."""
        return {
            "target": self.target,
            "folder": str(self.folder) if self.folder else None,
            "dest": str(self.dest) if self.dest else None,
            "mode": self.mode,
            "action": self.action,
            "reason": self.reason,
            "found": str(self.found) if self.found else None,
            "match": self.match,
            "choices": [str(c.folder) for c in self.choices],
            "blocked": [{"folder": str(b.folder), "why": b.why} for b in self.blocked],
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


def _existing(
    source: Path, dest: Path, sha256: str, size: int
) -> tuple[PlanAction, str, str | None]:
    """Action, reason and ``MATCH_*`` (for the same bytes) when ``dest`` already exists."""
    if os.path.islink(dest) and not os.path.exists(dest):
        return ACTION_CONFLICT, f"a broken link named {dest.name} is there (repair it first)", None
    if os.path.isdir(dest):
        return ACTION_CONFLICT, f"a folder named {dest.name} is there", None
    if os.path.samefile(dest, source):
        how = "symlink" if os.path.islink(dest) else "hard link"
        return ACTION_ALREADY, f"already a {how} to this file", MATCH_SAME_FILE
    other = os.stat(dest).st_size
    if other == size and sha256_of(dest) == sha256:
        return ACTION_ALREADY, "a file with the same content (SHA-256) is there", MATCH_SAME_CONTENT
    return ACTION_CONFLICT, f"a different file named {dest.name} is there; left alone", None


_BLOCKED_TEXT = {
    WHY_MISSING: "the folder does not exist",
    WHY_NOT_WRITABLE: "the folder is not writable",
}


def _blocked(folder: Path) -> Blocked | None:
    """Why the app cannot write into ``folder`` (None: it can)."""
    refused = write_refusal(folder)
    if refused:
        return Blocked(folder, WHY_REFUSED, f"refused: {refused}; nothing is written there")
    if not folder.is_dir():
        if not folder.parent.is_dir():
            return Blocked(folder, WHY_MISSING, _BLOCKED_TEXT[WHY_MISSING])
    elif not os.access(folder, os.W_OK):  # what the app itself can do there (root: most)
        return Blocked(folder, WHY_NOT_WRITABLE, _BLOCKED_TEXT[WHY_NOT_WRITABLE])
    return None


def _none_writable(label: str, blocked: list[Blocked]) -> str:
    if len(blocked) == 1:
        return blocked[0].detail
    each = "; ".join(f"{b.folder}: {b.detail}" for b in blocked)
    return f"none of the {len(blocked)} folders {label} reads can take it ({each})"


def _entry(source: Path, target: Target, name: str, mode: str, sha256: str, size: int,
           family: str | None = None, *, cancel: CancelToken | None = None,
           hashed: dict[Path, str] | None = None) -> PlanEntry:  # fmt: skip
    label, folder, kind, error = _folder_of(target)
    if folder is None:
        return PlanEntry(label, None, None, None, ACTION_ERROR, error, kind)
    where = place(target, family, name)  # the family's folders in this UI (linking/placement.py)
    if not where.usable:
        return PlanEntry(label, None, None, None, ACTION_CANNOT_USE, where.reason, kind)
    found = find_same(source, sha256, where.reads, cancel=cancel, hashed=hashed)
    if found is not None:
        if found.match == MATCH_SAME_FILE:
            how = "symlink" if os.path.islink(found.path) else "hard link"
            reason = f"already a {how} to this file"
        else:
            reason = "a file with the same content (SHA-256) is there"
        if found.path.parent != (where.folder or folder):
            reason += f" ({found.path})"
        return PlanEntry(label, found.path.parent, found.path, None, ACTION_ALREADY, reason,
                         kind, found=found.path, match=found.match)  # fmt: skip
    return _create_or_why(source, label, kind, where, folder, name, mode, sha256, size)


def _create_or_why(source: Path, label: str, kind: str | None, where: Placement, default: Path,
                   name: str, mode: str, sha256: str, size: int) -> PlanEntry:  # fmt: skip
    """A writable folder among those the install reads (default first), or why none is."""
    offered = where.offered or (where.folder or default,)
    for folder in offered:  # a name the UI already lists is taken for the whole install
        dest = folder / name
        if os.path.lexists(dest):
            action, reason, match = _existing(source, dest, sha256, size)
            if match is not None:  # the same bytes under a name the UI does not list
                return PlanEntry(label, folder, dest, None, action, reason, kind, found=dest,
                                 match=match)  # fmt: skip
            taken = (Blocked(folder, WHY_NAME_TAKEN, reason),)
            return PlanEntry(label, folder, dest, None, action, reason, kind, blocked=taken)
    blocked: list[Blocked] = []
    choices: list[FolderChoice] = []
    for folder in offered:
        why_not = _blocked(folder)
        if why_not is not None:
            blocked.append(why_not)
            continue
        used, why = predict_mode(mode, source, folder)
        choices.append(FolderChoice(folder, used, why, not folder.is_dir()))
    if not choices:
        first = offered[0]
        return PlanEntry(label, first, first / name, None, ACTION_ERROR,
                         _none_writable(label, blocked), kind, blocked=tuple(blocked),
                         default=first)  # fmt: skip
    chosen = choices[0]
    notes = [n for n in (where.reason, chosen.note) if n]
    if chosen.folder != offered[0]:
        notes.append(f"{offered[0]} cannot take it ({blocked[0].detail}); {chosen.folder} can")
    if chosen.creates:
        notes.append(f"creates {chosen.folder.name}/")
    accepted = VAE_EXTENSIONS.get(kind or "")
    if accepted and Path(name).suffix.lower() not in accepted:
        notes.append(f"warning: this UI lists only {', '.join(accepted)} VAE files")
    return PlanEntry(label, chosen.folder, chosen.folder / name, chosen.mode, ACTION_CREATE,
                     "; ".join(notes), kind, choices=tuple(choices),
                     blocked=tuple(blocked), default=offered[0])  # fmt: skip


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
    """Plan putting ``source`` into a VAE folder of each install (``vae_dirs[0]`` first).

    An install that already lists the same bytes in any folder it reads (a redirected
    ``--vae-dir``, an ``extra_model_paths.yaml`` folder, under another name) gets
    ``already-linked``; when its default folder cannot be written, the next writable
    folder it reads is planned and the others are offered as ``choices``.

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
    hashed: dict[Path, str] = {}
    for target in installs:
        entry = _entry(source, target, name, mode, sha256, st.st_size, family, cancel=cancel,
                       hashed=hashed)  # fmt: skip
        key = path_key(entry.folder) if entry.folder else None
        if entry.action == ACTION_ALREADY:  # there for this install, whoever else reads it
            key = None
        if key and key in first_by_folder:
            first = first_by_folder[key]
            action = ACTION_ALREADY if first.action == ACTION_CREATE else first.action
            reason = f"same folder as {first.target}"
            entry = replace(entry, mode=None, action=action, reason=reason, choices=(),
                            shared_with=first.target)  # fmt: skip
        elif key:
            first_by_folder[key] = entry
        entries.append(entry)
    return LinkPlan(source, sha256, st.st_size, st.st_mtime_ns, mode, tuple(entries))
