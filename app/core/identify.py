"""What a file is and whether it is the real thing: inspection + hashes + registry verdict.

The CLI's ``inspect``/``verify``, the window's Verify action and the catalog
scanner all answer the same question; the verdict itself is
:func:`app.core.verdict.verdict_for` (re-exported here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from app.core.hashing.hasher import hash_file
from app.core.hashing.provenance import HASH_SOURCE_SELF, source_file, source_kind
from app.core.hashing.records import FileHashes
from app.core.inspection import inspect_path
from app.core.inspection.formats import find_diffusers_folder
from app.core.inspection.records import Inspection
from app.core.inspection.vae_families import ambiguous_families, display_name
from app.core.registry import Registry, Validation
from app.core.tasks import CancelToken, ProgressCallback, no_progress
from app.core.verdict import verdict_for, verdict_key

__all__ = ["FileReport", "OtherNames", "identify", "refine_family", "verdict_for", "verdict_key"]

OtherNames = Callable[[str], Iterable[str]]
"""Given a SHA-256, the names (weights file names) the catalog knows those bytes by."""

# Shape-level verdicts a hash may narrow: sd1-or-sdxl, sd3-or-flux1, wan2.1 (or Qwen-Image),
# ltxv-or-ltx2, ... (vae_families table, ``refines_to``).
_AMBIGUOUS_FAMILIES = tuple(sorted(ambiguous_families()))


@dataclass(frozen=True)
class FileReport:
    """Everything the app knows about one file after a full look."""

    inspection: Inspection
    hashes: FileHashes | None
    validation: Validation
    family: str | None
    hash_source: str | None = HASH_SOURCE_SELF

    def to_json(self) -> dict[str, object]:
        record = self.inspection.to_json()
        record["family"] = self.family
        if self.family != self.inspection.family:
            record["family_name"] = display_name(self.family)
        hashes = self.hashes
        record.update(
            sha256=hashes.sha256 if hashes else None,
            blake3=hashes.blake3 if hashes else None,
            autov2=hashes.autov2 if hashes else None,
            autov1=hashes.autov1 if hashes else None,
            addnet=hashes.addnet if hashes else None,
            hash_source=source_kind(self.hash_source) if hashes else None,
            hash_source_file=source_file(self.hash_source) if hashes else None,
            validation=self.validation.status,
            validation_message=self.validation.message,
            official_id=self.validation.official_id,
        )
        return record


def hashed_file_of(path: Path) -> Path:
    """The file whose bytes identify a model: the weights inside a diffusers folder."""
    if path.is_dir():
        folder = find_diffusers_folder(path)
        if folder is not None:
            return folder.weights
    return path


def refine_family(inspection: Inspection, validation: Validation, registry: Registry) -> str | None:
    """Shapes cannot tell SD1 from SDXL (or SD3 from Flux, Wan 2.1 from Qwen-Image); a hash can."""
    if validation.official_id and inspection.family in (*_AMBIGUOUS_FAMILIES, None):
        entry = registry.get(validation.official_id)
        if entry is not None:
            return entry.family
    return inspection.family


def identify(
    path: Path,
    registry: Registry,
    *,
    hashes: FileHashes | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    check_nan: bool = False,
    other_names: OtherNames | None = None,
    addnet: bool | None = None,
) -> FileReport:
    """Inspect, hash (unless ``hashes`` is given) and judge one file or diffusers folder.

    ``hashes``, when given, must be ones this app computed from the bytes (a
    download hashed while it streamed). ``other_names`` adds the names the
    catalog knows the same bytes by, so the verdict is the one the library shows.
    ``addnet`` is passed to :func:`hash_file`: by default only LoRAs get one.
    """
    inspection = inspect_path(path, check_nan=check_nan)
    weights = hashed_file_of(path)
    if hashes is None and weights.is_file():
        hashes = hash_file(weights, progress=progress, cancel=cancel, addnet=addnet)
    sha = hashes.sha256 if hashes else None
    names = [weights.name, *(other_names(sha) if other_names and sha else ())]
    validation = verdict_for(
        registry,
        sha256=sha,
        hash_source=HASH_SOURCE_SELF,
        names=names,
        size=inspection.size_bytes,
        inspection=inspection,
    )
    return FileReport(
        inspection, hashes, validation, refine_family(inspection, validation, registry)
    )
