"""Pair a VAE with one checkpoint in an A1111-family install, or undo that, as one operation.

``sidecar`` puts ``<checkpoint stem>.vae.<ext>`` beside the checkpoint as a link
the app made (a link record, so unlink and undo treat it like any other link and
no user file is ever overwritten); ``metadata`` writes the "Preferred VAE" into
the checkpoint's user-metadata ``.json`` (``vae``; Forge 2: ``vae_te``), other keys
kept, backed up, created exclusively when missing; ``both`` does both (the
metadata then names the sidecar). See :mod:`app.core.installs.a1111_pairing` for
the webui code this follows. Forge 2 loads no sidecars, so it gets ``metadata``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserError
from app.core.installs.a1111_config import (
    AUTOMATIC,
    Settings,
    ValueChange,
    edit_config,
    is_forge2,
    lists_as_vae,
    supports_default_vae,
)
from app.core.installs.a1111_lookup import in_folders, install_for_checkpoint
from app.core.installs.a1111_pairing import (
    PairHow,
    Pairing,
    VaeSource,
    metadata_key,
    metadata_names,
    metadata_path,
    pairings_of,
    read_metadata,
    sidecar_path,
    sidecars_of,
)
from app.core.installs.a1111_vaes import forge2_module_list
from app.core.installs.records import Install
from app.core.linking.digest import sha256_of
from app.core.linking.records import LinkRecord
from app.core.messages import say
from app.core.operations.journal import Journal, OperationKind
from app.core.operations.set_default import value_steps
from app.core.tasks import CancelToken, ProgressCallback, no_progress


@dataclass(frozen=True)
class PairResult:
    """What pair/unpair did and the checkpoint's pairing afterwards."""

    operation_id: str | None
    checkpoint: Path
    install: Install
    how: PairHow
    linked: tuple[Path, ...]
    """Links made (pair: the sidecar, or the VAE put into a VAE folder for the metadata)."""
    removed: tuple[Path, ...]
    """App-made sidecar links removed (unpair, or a pair replacing an older sidecar)."""
    metadata: ValueChange | None
    pairing: Pairing
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """Plain JSON for ``pair --json``."""
        return {
            "operation_id": self.operation_id,
            "checkpoint": str(self.checkpoint),
            "install": str(self.install.root),
            "how": str(self.how),
            "linked": [str(p) for p in self.linked],
            "removed": [str(p) for p in self.removed],
            "metadata": self.metadata.to_json() if self.metadata else None,
            "pairing": self.pairing.to_json(),
            "notes": list(self.notes),
        }


def pair(
    vae: Path,
    checkpoint: Path,
    *,
    how: PairHow | str | None = None,
    install: Install | Path | None = None,
    journal: Journal | None = None,
    mode: str = "auto",
    sha256: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> PairResult:
    """Make the install load ``vae`` with ``checkpoint``; checks everything before writing.

    ``how`` defaults to a sidecar link (Forge 2: the metadata). ``vae`` may be a
    library file anywhere: the sidecar is a link to it, and for ``metadata`` alone
    it is first linked into the install's VAE folder, in the same operation.
    """
    ckpt, target = _checkpoint(checkpoint, install)
    chosen = _how(how, target, default=True)
    source = Path(os.path.abspath(vae))
    if not source.is_file():
        raise UserError(f"{vae} is not a file.")
    dest = sidecar_path(ckpt, source) if chosen != PairHow.METADATA else None
    if chosen != PairHow.SIDECAR:
        read_metadata(ckpt)  # refuses a broken metadata file before anything is written
    journal = journal or Journal()
    stale = _stale_sidecars(ckpt, dest, source, journal) if dest is not None else []
    sha = sha256 or sha256_of(source, cancel=cancel, progress=progress)
    summary = say("op.pair", vae=source.name, checkpoint=ckpt.name, install=target.label,
                  root=target.root)  # fmt: skip
    op_id = journal.begin(OperationKind.PAIR, summary)
    linked: list[Path] = []
    removed: list[Path] = []
    change = None
    try:
        from app.core.operations.recorded_link import link_recorded
        from app.core.operations.unlink import remove_link

        for record in stale:
            if remove_link(record, journal, op_id).removed:
                removed.append(record.dest)
        name = source.name
        if dest is not None and not _is_same(dest, source):
            link_recorded(source, dest, operation_id=op_id, journal=journal, sha256=sha,
                          mode=mode, cancel=cancel)  # fmt: skip
            linked.append(dest)
        if dest is not None:
            name = dest.name
        if chosen != PairHow.SIDECAR:
            if dest is None and not lists_as_vae(source, target):
                name = _link_into_vae_folder(source, target, op_id, journal, sha, mode, linked)
            change = _write_preference(ckpt, target, name, op_id, journal)
    finally:
        journal.discard_if_empty(op_id)
    kept = journal.get(op_id) is not None
    after = pairings_of(ckpt, target)
    return PairResult(op_id if kept else None, ckpt, target, chosen, tuple(linked),
                      tuple(removed), change, after, _notes(after, source))  # fmt: skip


def unpair(
    checkpoint: Path,
    *,
    how: PairHow | str | None = PairHow.BOTH,
    install: Install | Path | None = None,
    journal: Journal | None = None,
) -> PairResult:
    """Remove the app's sidecar links beside ``checkpoint`` and reset its preferred VAE.

    A sidecar the app did not make is left alone and said so; the metadata's
    choice goes back to Automatic (Forge 2: its VAE entries leave ``vae_te``).
    """
    ckpt, target = _checkpoint(checkpoint, install)
    chosen = _how(how, target, default=False)
    if chosen != PairHow.SIDECAR:
        read_metadata(ckpt)
    journal = journal or Journal()
    summary = say("op.unpair", checkpoint=ckpt.name, install=target.label)
    op_id = journal.begin(OperationKind.UNPAIR, summary)
    removed: list[Path] = []
    notes: list[str] = []
    change = None
    try:
        from app.core.operations.unlink import remove_link

        if chosen != PairHow.METADATA:
            for path in sidecars_of(ckpt):
                record = journal.links.active_for_dest(path)
                if record is None:
                    notes.append(say("note.sidecar-not-ours", name=path.name))
                    continue
                outcome = remove_link(record, journal, op_id)
                if outcome.removed:
                    removed.append(path)
                else:
                    notes.append(f"{path.name}: {outcome.reason}")
        if chosen != PairHow.SIDECAR:
            change = _clear_preference(ckpt, target, op_id, journal)
    finally:
        journal.discard_if_empty(op_id)
    kept = journal.get(op_id) is not None
    after = pairings_of(ckpt, target)
    return PairResult(op_id if kept else None, ckpt, target, chosen, (), tuple(removed),
                      change, after, tuple(notes))  # fmt: skip


def _checkpoint(checkpoint: Path, install: Install | Path | None) -> tuple[Path, Install]:
    ckpt = Path(os.path.abspath(checkpoint))
    if not ckpt.is_file():
        raise UserError(f"{checkpoint} is not a file.")
    if isinstance(install, Path):
        from app.core.installs import install_at

        install = install_at(install)
    target = install_for_checkpoint(ckpt, [install] if install is not None else None)
    if not supports_default_vae(target):
        raise UserError(f"{target.label} has no per-checkpoint VAE choice VAE Manager can set.")
    if not in_folders(ckpt, target.checkpoint_dirs):
        raise UserError(f"{ckpt} is not in a checkpoint folder of {target.label}.")
    return ckpt, target


def _how(how: PairHow | str | None, install: Install, *, default: bool) -> PairHow:
    if how is None:
        return PairHow.METADATA if is_forge2(install) else PairHow.SIDECAR
    try:
        chosen = PairHow(how)
    except ValueError:
        raise UserError(f"Unknown pairing {how!r}; use sidecar, metadata or both.") from None
    if is_forge2(install) and chosen != PairHow.METADATA:
        if not default and chosen == PairHow.BOTH:
            return PairHow.BOTH  # unpair: still remove sidecars the app made earlier
        raise UserError(
            "Forge 2 does not load a VAE placed beside a checkpoint; use --how metadata "
            "(its 'Preferred VAE / Text encoder(s)')."
        )
    return chosen


def _is_same(dest: Path, source: Path) -> bool:
    try:
        return os.path.samefile(dest, source)
    except OSError:
        return False


def _stale_sidecars(ckpt: Path, dest: Path, source: Path, journal: Journal) -> list[LinkRecord]:
    """App-made sidecars to replace; UserError for one the user made (left alone)."""
    stale: list[LinkRecord] = []
    for path in sidecars_of(ckpt):
        if path == dest and _is_same(dest, source):
            continue  # already this VAE
        record = journal.links.active_for_dest(path)
        if record is None:
            raise UserError(
                f"{path.name} is already beside {ckpt.name} and VAE Manager did not make it; "
                "it was left alone (A1111 would use it): move it away first."
            )
        stale.append(record)
    return stale


def _link_into_vae_folder(source: Path, install: Install, op_id: str, journal: Journal,
                          sha: str, mode: str, linked: list[Path]) -> str:  # fmt: skip
    """Make the VAE listed by the install (a link in its VAE folder); its listed name."""
    from app.core.linking.plan import ACTION_ALREADY, ACTION_CREATE, plan_links
    from app.core.operations.recorded_link import link_recorded

    plan = plan_links(source, [install], mode, sha256=sha)
    entry = plan.entries[0]
    if entry.action == ACTION_ALREADY and entry.dest is not None:
        return entry.dest.name
    if entry.action != ACTION_CREATE or entry.dest is None:
        raise UserError(f"Cannot put {source.name} into {install.label}: {entry.reason}")
    link_recorded(source, entry.dest, operation_id=op_id, journal=journal, sha256=sha, mode=mode)
    linked.append(entry.dest)
    return entry.dest.name


def _write_preference(
    ckpt: Path, install: Install, name: str, op_id: str, journal: Journal
) -> ValueChange | None:
    key = metadata_key(install)
    vae_names = set(forge2_module_list(install)) if is_forge2(install) else set()

    def edit(data: Settings) -> list[ValueChange]:
        had = key in data
        old = data.get(key)
        if is_forge2(install):
            kept = [n for n in metadata_names(data, install) if n not in vae_names and n != name]
            new: object = [*kept, name]
        else:
            new = name
        if had and old == new:
            return []
        data[key] = new
        return [ValueChange(key, old, new, had)]

    return _edit_metadata(ckpt, edit, op_id, journal)


def _clear_preference(
    ckpt: Path, install: Install, op_id: str, journal: Journal
) -> ValueChange | None:
    key = metadata_key(install)
    if not metadata_path(ckpt).exists() or key not in read_metadata(ckpt):
        return None
    vae_names = set(forge2_module_list(install)) if is_forge2(install) else set()

    def edit(data: Settings) -> list[ValueChange]:
        old = data.get(key)
        if is_forge2(install):
            new: object = [n for n in metadata_names(data, install) if n not in vae_names]
        else:
            new = AUTOMATIC
        if old == new:
            return []
        data[key] = new
        return [ValueChange(key, old, new, True)]

    return _edit_metadata(ckpt, edit, op_id, journal)


def _edit_metadata(
    ckpt: Path, edit: Callable[[Settings], list[ValueChange]], op_id: str, journal: Journal
) -> ValueChange | None:
    path = metadata_path(ckpt)
    data = read_metadata(ckpt)
    if not edit(dict(data)):
        return None  # already so: no write, no backup
    backup, changes, _ = edit_config(path, edit)
    for step in value_steps(path, backup, changes):
        journal.add_step(op_id, step)
    return changes[0] if changes else None


def _notes(after: Pairing, source: Path) -> tuple[str, ...]:
    if after.effective is not None and _is_same(after.effective, source):
        return ()
    if after.source == VaeSource.SETTING:
        return (say("note.setting-wins"),)
    shown = after.effective.name if after.effective else say("note.built-in-vae")
    return (say("note.still-uses", name=shown, source=after.source),)
