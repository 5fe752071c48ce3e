"""Read-only records the catalog hands to the CLI and the GUI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from app.core.hashing.provenance import is_self_hashed, source_file, source_kind
from app.core.inspection.records import Inspection, Problem


class LinkType(StrEnum):
    """What a cataloged location is on disk."""

    REGULAR = "regular"
    SYMLINK = "symlink"
    HARDLINK = "hardlink"


class FileResult(StrEnum):
    """What one scan did with one path."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


# The old names (StrEnum members equal their strings).
LINK_REGULAR = LinkType.REGULAR
LINK_SYMLINK = LinkType.SYMLINK
LINK_HARDLINK = LinkType.HARDLINK
FILE_ADDED = FileResult.ADDED
FILE_UPDATED = FileResult.UPDATED
FILE_UNCHANGED = FileResult.UNCHANGED
FILE_SKIPPED = FileResult.SKIPPED
FILE_FAILED = FileResult.FAILED


def iso_time(stamp: float | None) -> str | None:
    """A UNIX time as ISO-8601 UTC, for JSON output people read."""
    if stamp is None:
        return None
    return datetime.fromtimestamp(stamp, tz=UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class CatalogEntry:
    """One distinct model (by SHA-256), or one not-yet-hashed physical file.

    ``locations`` are the paths where it is present now; ``missing_locations``
    were seen by an earlier scan and are gone. ``sha256`` is None until hashed.
    ``hash_source`` is where the hash came from as stored: ``computed`` (this
    app read the bytes) or ``"<kind> <file>"`` for another app's cache or
    sidecar (see :mod:`app.core.hashing.provenance`).
    """

    sha256: str | None
    blake3: str | None
    autov1: str | None
    addnet: str | None
    size: int
    format: str | None
    kind: str | None
    family: str | None
    layout: str | None
    dtype: str | None
    has_encoder: bool | None
    validation: str | None
    validation_message: str
    official_id: str | None
    problems: tuple[Problem, ...]
    locations: tuple[str, ...]
    missing_locations: tuple[str, ...]
    first_seen: float
    last_seen: float
    hash_source: str | None = None
    label: str | None = None
    """A name the user set for these bytes (``Catalog.set_label``)."""
    first_location: str | None = None
    """The path these bytes were first cataloged at (present or missing): a stable name."""

    @property
    def autov2(self) -> str | None:
        """The short hash Civitai and A1111 show."""
        return self.sha256[:10] if self.sha256 else None

    @property
    def hash_source_kind(self) -> str | None:
        """``computed``, ``a1111``, ``sdnext``, ``a1111-diskcache`` or ``stability-matrix``."""
        return source_kind(self.hash_source) if self.sha256 else None

    @property
    def hash_source_file(self) -> str | None:
        """The cache or sidecar that supplied a foreign hash; None when the app hashed it."""
        return source_file(self.hash_source) if self.sha256 else None

    @property
    def self_hashed(self) -> bool:
        """Whether this app computed the hash from the bytes (the only basis for a verdict)."""
        return self.sha256 is not None and is_self_hashed(self.hash_source)

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (times as ISO-8601 UTC)."""
        return {
            "sha256": self.sha256,
            "autov2": self.autov2,
            "autov1": self.autov1,
            "blake3": self.blake3,
            "addnet": self.addnet,
            "hash_source": self.hash_source_kind,
            "hash_source_file": self.hash_source_file,
            "size": self.size,
            "format": self.format,
            "kind": self.kind,
            "family": self.family,
            "layout": self.layout,
            "dtype": self.dtype,
            "has_encoder": self.has_encoder,
            "validation": self.validation,
            "validation_message": self.validation_message,
            "official_id": self.official_id,
            "problems": [p.to_json() for p in self.problems],
            "locations": list(self.locations),
            "missing_locations": list(self.missing_locations),
            "first_seen": iso_time(self.first_seen),
            "last_seen": iso_time(self.last_seen),
            "label": self.label,
        }


@dataclass(frozen=True)
class LocationRecord:
    """One path the catalog knows, with how it relates to the bytes on disk."""

    path: str
    sha256: str | None
    size: int
    link_kind: str
    real_path: str
    is_folder: bool
    missing: bool
    root: str | None
    error: str | None
    first_seen: float
    last_seen: float

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (times as ISO-8601 UTC)."""
        return {
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "link_kind": self.link_kind,
            "real_path": self.real_path,
            "is_folder": self.is_folder,
            "missing": self.missing,
            "root": self.root,
            "error": self.error,
            "first_seen": iso_time(self.first_seen),
            "last_seen": iso_time(self.last_seen),
        }


@dataclass(frozen=True)
class DuplicateGroup:
    """Separate copies of the same bytes; ``wasted_bytes`` is what deleting all but one frees.

    ``paths`` lists every present location; links to one copy count once in
    ``copies``, so a symlink or hardlink never looks like wasted space.
    """

    sha256: str
    size: int
    paths: tuple[str, ...]
    copies: int
    wasted_bytes: int

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (times as ISO-8601 UTC)."""
        return {
            "sha256": self.sha256,
            "autov2": self.sha256[:10],
            "size": self.size,
            "copies": self.copies,
            "wasted_bytes": self.wasted_bytes,
            "paths": list(self.paths),
        }


@dataclass(frozen=True)
class PendingHash:
    """A cataloged location still waiting for its hash (``scan(hash_now=False)``)."""

    location_id: int
    path: str
    weights_path: str
    size: int
    mtime_ns: int
    first_seen: float
    inspection: Inspection | None = None


@dataclass(frozen=True)
class ScanProblem:
    """Something a scan could not read, or found wrong with a file."""

    path: str
    code: str
    message: str

    def to_json(self) -> dict[str, str]:
        """A JSON-ready dict."""
        return {"path": self.path, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class ScannedFile:
    """What one scan did with one path: ``result`` is added/updated/unchanged/skipped/failed.

    ``validation`` is the verdict of a file examined in this scan (an unchanged
    file keeps the one the catalog has); ``message`` says why it was skipped or failed.
    """

    path: str
    result: FileResult
    validation: str | None = None
    message: str = ""

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "path": self.path,
            "result": self.result,
            "validation": self.validation,
            "message": self.message,
        }


@dataclass
class ScanReport:
    """What a scan did.

    ``hashed`` counts hashes computed; ``reused`` those taken from another path to
    the same inode or from a UI's hash cache; ``foreign_ignored`` the UI cache
    or sidecar entries not believed (each also listed in ``problems``);
    ``errors`` what could not be read.
    ``files`` holds every path the scan met, with its result, in walk order.
    """

    roots: list[str]
    hash_now: bool
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0
    reappeared: int = 0
    hashed: int = 0
    reused: int = 0
    foreign_ignored: int = 0
    errors: int = 0
    seconds: float = 0.0
    problems: list[ScanProblem] = field(default_factory=list)
    files: dict[str, ScannedFile] = field(default_factory=dict)

    def add_problem(self, path: str, code: str, message: str, *, error: bool = False) -> None:
        """Note a problem; ``error`` when the path could not be read at all."""
        self.problems.append(ScanProblem(path, code, message))
        if error:
            self.errors += 1

    def note_file(
        self, path: str, result: FileResult, validation: str | None = None, message: str = ""
    ) -> None:
        """Record (or correct, when a write failed) what became of ``path``."""
        self.files[path] = ScannedFile(path, result, validation, message)

    @property
    def failed(self) -> bool:
        """Whether anything could not be read or cataloged (the CLI then exits 1)."""
        return self.errors > 0

    def to_json(self, *, with_files: bool = True) -> dict[str, object]:
        """A JSON-ready dict; ``with_files=False`` leaves out the per-path list."""
        record = self._counts()
        if with_files:
            record["files"] = [f.to_json() for f in self.files.values()]
        return record

    def _counts(self) -> dict[str, object]:
        return {
            "roots": list(self.roots),
            "hash_now": self.hash_now,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "missing": self.missing,
            "reappeared": self.reappeared,
            "hashed": self.hashed,
            "reused": self.reused,
            "foreign_ignored": self.foreign_ignored,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "problems": [p.to_json() for p in self.problems],
        }
