"""What the window shows, read in one go on a worker: catalog entries, installs, links.

The GUI never queries SQLite on its own thread; a worker builds a
:class:`Snapshot` and the panels render from it. Rows carry everything a view
needs (badge, the installs a file is in) so models never touch the disk.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.gui.formatting import Badge, badge_for

if TYPE_CHECKING:  # built in workers; importing these at window start would load numpy
    from app.core.catalog.records import CatalogEntry
    from app.core.installs.records import Install
    from app.core.linking.records import LinkRecord
    from app.core.registry import KnownVae, Registry

KIND_CHECKPOINT = "checkpoint"  # app.core.inspection.records.KIND_CHECKPOINT (tested equal)

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

    @property
    def path(self) -> Path | None:
        """The location actions work on (a present one; the library's own copy first)."""
        return Path(self.entry.locations[0]) if self.entry.locations else None

    @property
    def problems_text(self) -> str:
        """Every problem of the file, in one line."""
        return "; ".join(p.message for p in self.entry.problems)

    @property
    def reason(self) -> str:
        """What to show beside the verdict: the problems, or what the verdict matched."""
        if self.problems_text:
            return self.problems_text
        if self.badge.key in ("mismatch", "invalid", "official"):
            return self.entry.validation_message
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
    """Short names; two installs of one kind are told apart by their folder name."""
    counts: dict[str, int] = {}
    for install in installs:
        counts[install.kind] = counts.get(install.kind, 0) + 1
    labels = {}
    for install in installs:
        short = KIND_SHORT.get(install.kind, install.label)
        labels[install.root] = (
            f"{short} · {install.root.name}" if counts[install.kind] > 1 else short
        )
    return labels


def _row(entry, installs, links, registry, library_dir, labels) -> LibraryRow:
    ordered = sorted(entry.locations, key=lambda p: (not _under(p, library_dir), p))
    entry = _with_locations(entry, tuple(ordered))
    name = Path(ordered[0]).name if ordered else Path(_first(entry)).name
    official = registry.get(entry.official_id) if registry and entry.official_id else None
    return LibraryRow(
        entry, name, badge_for(entry), _chips(entry, installs, links, labels), official
    )


def _first(entry: CatalogEntry) -> str:
    return (entry.locations or entry.missing_locations or ("?",))[0]


def _with_locations(entry: CatalogEntry, locations: tuple[str, ...]) -> CatalogEntry:
    return replace(entry, locations=locations)


def _chips(entry, installs, links, labels) -> tuple[InstallChip, ...]:
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


def _install_containing(path: str, installs, *, checkpoints: bool) -> Install | None:
    """The install whose VAE (or checkpoint) folder holds ``path``, links not followed."""
    for install in installs:
        folders = list(install.vae_dirs) + (list(install.checkpoint_dirs) if checkpoints else [])
        for folder in folders:
            if _under(path, folder.path) or _under(path, Path(os.path.realpath(folder.path))):
                return install
    return None
