"""What the window shows, read in one go on a worker: catalog entries, installs, links.

The GUI never queries SQLite on its own thread; a worker builds a
:class:`Snapshot` and the panels render from it. Rows carry everything a view
needs (badge, the installs a file is in) so models never touch the disk.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.gui.core_messages import problems_text, verdict_text
from app.gui.formatting import Badge, badge_for

if TYPE_CHECKING:  # built in workers; importing these at window start would load numpy
    from app.core.catalog.records import CatalogEntry
    from app.core.installs.records import Install
    from app.core.linking.records import LinkRecord
    from app.core.registry import KnownVae, Registry

KIND_CHECKPOINT = "checkpoint"  # app.core.inspection.records.KIND_CHECKPOINT (tested equal)

NAMED_BY_LIBRARY = "library"  # the library copy's file name
NAMED_BY_USER = "user"  # the catalog's label (Rename…)
NAMED_BY_FILE = "file"  # the first-cataloged location's file name

KIND_SHORT = {
    "a1111": "A1111",
    "forge": "Forge",
    "reforge": "reForge",
    "sdnext": "SD.Next",
    "comfyui": "ComfyUI",
    "comfyui-desktop": "ComfyUI Desktop",
    "invokeai": "InvokeAI",
    "fooocus": "Fooocus",
    "swarmui": "SwarmUI",
    "stability-matrix": "Stability Matrix",
}


@dataclass(frozen=True)
class InstallChip:
    """One install a file is present in; ``by_app`` when the app linked it there."""

    kind: str
    label: str
    root: Path
    by_app: bool


@dataclass(frozen=True)
class LibraryRow:
    """One catalog entry, ready to display."""

    entry: CatalogEntry
    name: str
    badge: Badge
    chips: tuple[InstallChip, ...]
    official: KnownVae | None
    named_by: str = NAMED_BY_FILE
    """Where ``name`` comes from (``NAMED_BY_*``): Rename is for rows without a library copy."""

    @property
    def path(self) -> Path | None:
        """The location actions work on (a present one; the library's own copy first)."""
        return Path(self.entry.locations[0]) if self.entry.locations else None

    @property
    def problems_text(self) -> str:
        """Every problem of the file, in one line."""
        return problems_text(self.entry.problems)

    @property
    def reason(self) -> str:
        """What to show beside the verdict: the problems, or what the verdict matched."""
        if self.problems_text:
            return self.problems_text
        if self.badge.key in ("mismatch", "invalid", "official"):
            return verdict_text(self.entry.validation_message)
        return ""


@dataclass(frozen=True)
class Snapshot:
    """The catalog, the installs and the app's links at one moment."""

    entries: tuple[CatalogEntry, ...] = ()
    installs: tuple[Install, ...] = ()
    links: tuple[LinkRecord, ...] = ()
    registry: Registry | None = None
    library_dir: Path | None = None
    rows: tuple[LibraryRow, ...] = field(default=(), compare=False)

    def vae_rows(self) -> list[LibraryRow]:
        return [r for r in self.rows if r.entry.kind != KIND_CHECKPOINT]

    def checkpoint_rows(self) -> list[LibraryRow]:
        return [r for r in self.rows if r.entry.kind == KIND_CHECKPOINT]

    def install_for(self, path: str | Path) -> Install | None:
        return _install_containing(str(path), self.installs, checkpoints=True)


def build_snapshot(
    entries: list[CatalogEntry],
    installs: list[Install],
    links: list[LinkRecord],
    registry: Registry | None,
    library_dir: Path | None,
) -> Snapshot:
    """Worker side: rows with badges and install chips for everything the catalog holds."""
    labels = install_labels(installs)
    rows = tuple(_row(e, installs, links, registry, library_dir, labels) for e in entries)
    return Snapshot(tuple(entries), tuple(installs), tuple(links), registry, library_dir, rows)


def install_labels(installs: list[Install] | tuple[Install, ...]) -> dict[Path, str]:
    """Short names; installs of one kind are told apart by the shortest folder suffix that does.

    ``~/AI/ComfyUI`` and ``~/ComfyUI_portable/ComfyUI`` read "ComfyUI · ~/AI/ComfyUI" and
    "ComfyUI · ~/ComfyUI_portable/ComfyUI"; a longer path is cut at the front ("…/b/c").
    """
    by_kind: dict[str, list[Install]] = {}
    for install in installs:
        by_kind.setdefault(install.kind, []).append(install)
    labels = {}
    for kind, group in by_kind.items():
        roots = list(dict.fromkeys(i.root for i in group))
        short = KIND_SHORT.get(kind, group[0].label)
        where = _distinguishing(roots) if len(roots) > 1 else {}
        for root in roots:
            labels[root] = f"{short} · {where[root]}" if where else short
    return labels


def _distinguishing(roots: list[Path]) -> dict[Path, str]:
    """The shortest trailing part of each folder that no other folder in ``roots`` ends with."""
    parts = {root: _shown_parts(root) for root in roots}
    longest = max(len(p) for p in parts.values())
    for k in range(1, longest + 1):
        tails = {root: p[-k:] for root, p in parts.items()}
        if len(set(tails.values())) == len(roots):
            break
    out = {}
    for root, p in parts.items():
        if k >= len(p) - 1:  # all of it but the anchor ("~", "/"): show it whole
            out[root] = _join(p)
        else:
            out[root] = "…" + os.sep + os.sep.join(p[-k:])
    return out


def _shown_parts(root: Path) -> tuple[str, ...]:
    """``root`` as path parts, starting with ``~`` when it is inside the home folder."""
    home = os.path.expanduser("~")
    if home != "~" and _under(root, Path(home)):
        return ("~", *Path(os.path.relpath(root, home)).parts)
    return Path(root).parts


def _join(parts: tuple[str, ...]) -> str:
    head, rest = parts[0], parts[1:]
    sep = "" if head.endswith(("/", "\\")) else os.sep
    return head + sep + os.sep.join(rest) if rest else head


def row_name(entry: CatalogEntry, library_dir: Path | None) -> tuple[str, str]:
    """A row's stable name and where it comes from: the library copy's, the user's, a file's.

    Copies appearing or going elsewhere never rename a row; only a library copy (the file
    the user chose to keep) or a name the user gave (``Rename…``) does.
    """
    in_library = sorted(p for p in entry.locations if _under(p, library_dir))
    if in_library:
        return Path(in_library[0]).name, NAMED_BY_LIBRARY
    if entry.label:
        return entry.label, NAMED_BY_USER
    return Path(entry.first_location or _first(entry)).name, NAMED_BY_FILE


def _row(
    entry: CatalogEntry,
    installs: Sequence[Install],
    links: Sequence[LinkRecord],
    registry: Registry | None,
    library_dir: Path | None,
    labels: Mapping[Path, str],
) -> LibraryRow:
    ordered = sorted(entry.locations, key=lambda p: (not _under(p, library_dir), p))
    entry = _with_locations(entry, tuple(ordered))
    name, named_by = row_name(entry, library_dir)
    official = registry.get(entry.official_id) if registry and entry.official_id else None
    chips = _chips(entry, installs, links, labels)
    return LibraryRow(entry, name, badge_for(entry), chips, official, named_by)


def _first(entry: CatalogEntry) -> str:
    return (entry.locations or entry.missing_locations or ("?",))[0]


def _with_locations(entry: CatalogEntry, locations: tuple[str, ...]) -> CatalogEntry:
    return replace(entry, locations=locations)


def _chips(
    entry: CatalogEntry,
    installs: Sequence[Install],
    links: Sequence[LinkRecord],
    labels: Mapping[Path, str],
) -> tuple[InstallChip, ...]:
    found: dict[Path, InstallChip] = {}
    by_app = [r for r in links if entry.sha256 and r.sha256 == entry.sha256]
    for record in by_app:
        install = _install_containing(str(record.dest), installs, checkpoints=False)
        if install is not None:
            found[install.root] = InstallChip(
                install.kind, labels[install.root], install.root, True
            )
    checkpoints = entry.kind == KIND_CHECKPOINT
    for location in entry.locations:
        install = _install_containing(location, installs, checkpoints=checkpoints)
        if install is not None and install.root not in found:
            found[install.root] = InstallChip(
                install.kind, labels[install.root], install.root, False
            )
    return tuple(sorted(found.values(), key=lambda c: c.label.lower()))


def _norm(path: str | Path) -> str:
    return os.path.normcase(os.path.normpath(os.path.abspath(path)))


def _under(path: str | Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    return _norm(path).startswith(_norm(folder).rstrip(os.sep) + os.sep)


def _install_containing(
    path: str, installs: Sequence[Install], *, checkpoints: bool
) -> Install | None:
    """The install whose VAE (or checkpoint) folder holds ``path``, links not followed."""
    for install in installs:
        folders = list(install.vae_dirs) + (list(install.checkpoint_dirs) if checkpoints else [])
        for folder in folders:
            if _under(path, folder.path) or _under(path, Path(os.path.realpath(folder.path))):
                return install
    return None
