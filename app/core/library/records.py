"""What an import was asked to do and what it did, as records the CLI and the GUI share."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from app.core.errors import UserError


class ImportMode(StrEnum):
    """How an imported file gets into the library."""

    COPY = "copy"
    MOVE = "move"
    HARDLINK = "hardlink"


class ImportAction(StrEnum):
    """What an import did with one input file."""

    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"
    REFUSED = "refused"
    EXTRACTED = "extracted"
    CONVERTED = "converted"


# The old names (StrEnum members equal their strings).
MODE_COPY = ImportMode.COPY
MODE_MOVE = ImportMode.MOVE
MODE_HARDLINK = ImportMode.HARDLINK
IMPORT_MODES = tuple(ImportMode)

ACTION_IMPORTED = ImportAction.IMPORTED
ACTION_DUPLICATE = ImportAction.DUPLICATE
ACTION_SKIPPED = ImportAction.SKIPPED
ACTION_REFUSED = ImportAction.REFUSED
ACTION_EXTRACTED = ImportAction.EXTRACTED
ACTION_CONVERTED = ImportAction.CONVERTED

BAKED_IN_UNKNOWN = "unknown"


@dataclass(frozen=True)
class ImportOptions:
    """How to bring files in: ``mode`` (copy, move or hardlink) and the optional extras.

    ``extract_vae`` writes a checkpoint's VAE to ``VAE/`` as well; ``to_safetensors``
    stores a pickled (``.ckpt``/``.pt``) VAE as a verified ``.safetensors`` instead.
    """

    mode: str = MODE_COPY
    extract_vae: bool = False
    to_safetensors: bool = False

    def __post_init__(self) -> None:
        if self.mode not in IMPORT_MODES:
            raise UserError(f"unknown import mode {self.mode!r} (use {', '.join(IMPORT_MODES)})")


@dataclass(frozen=True)
class BakedInVae:
    """Which known VAE a checkpoint carries, matched by decoder fingerprint.

    ``label`` is what the user reads: ``"<name> (official)"``, the name of a cataloged
    VAE file, or ``"unknown"``. ``fingerprint`` is None when the checkpoint has no decoder.
    """

    label: str
    fingerprint: str | None = None
    sha256: str | None = None
    official_id: str | None = None
    path: Path | None = None

    @property
    def known(self) -> bool:
        """Whether a cataloged VAE with the same decoder was found."""
        return self.sha256 is not None

    def to_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "fingerprint": self.fingerprint,
            "sha256": self.sha256,
            "official_id": self.official_id,
            "path": str(self.path) if self.path else None,
        }


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one input file (or to the VAE extracted from it)."""

    path: Path
    action: ImportAction
    dest: Path | None = None
    reason: str = ""
    kind: str | None = None
    sha256: str | None = None
    baked_in: BakedInVae | None = None

    @property
    def baked_in_vae(self) -> str | None:
        """The baked-in VAE's label, for checkpoints."""
        return self.baked_in.label if self.baked_in else None

    def to_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "action": self.action,
            "dest": str(self.dest) if self.dest else None,
            "reason": self.reason,
            "kind": self.kind,
            "sha256": self.sha256,
            "baked_in_vae": self.baked_in_vae,
        }


@dataclass(frozen=True)
class LibraryInfo:
    """The library folder and what it holds, for ``library`` and the GUI's status line."""

    root: Path
    is_default: bool
    vae_files: int
    vae_bytes: int
    checkpoint_files: int
    checkpoint_bytes: int
    moving_from: Path | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "root": str(self.root),
            "is_default": self.is_default,
            "vae_files": self.vae_files,
            "vae_bytes": self.vae_bytes,
            "checkpoint_files": self.checkpoint_files,
            "checkpoint_bytes": self.checkpoint_bytes,
            "moving_from": str(self.moving_from) if self.moving_from else None,
        }


@dataclass(frozen=True)
class MoveReport:
    """What moving the library did; ``left`` are files not moved (with the reason)."""

    old_root: Path
    new_root: Path
    moved: int = 0
    moved_bytes: int = 0
    links_repointed: int = 0
    left: tuple[tuple[Path, str], ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, object]:
        return {
            "old_root": str(self.old_root),
            "new_root": str(self.new_root),
            "moved": self.moved,
            "moved_bytes": self.moved_bytes,
            "links_repointed": self.links_repointed,
            "left": [{"path": str(p), "reason": r} for p, r in self.left],
        }
