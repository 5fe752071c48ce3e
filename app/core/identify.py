"""What a file is and whether it is the real thing: inspection + hashes + registry verdict.

The CLI's ``inspect``/``verify`` and the catalog scanner all answer the same
question, so they share this one function.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.hashing.hasher import hash_file
from app.core.hashing.records import FileHashes
from app.core.inspection import inspect_path
from app.core.inspection.formats import find_diffusers_folder
from app.core.inspection.records import (
    FAMILY_SD1_OR_SDXL,
    FAMILY_SD3_OR_FLUX,
    Inspection,
)
from app.core.registry import Registry, Validation
from app.core.tasks import CancelToken, ProgressCallback, no_progress

_AMBIGUOUS_FAMILIES = (FAMILY_SD1_OR_SDXL, FAMILY_SD3_OR_FLUX)


@dataclass(frozen=True)
class FileReport:
    """Everything the app knows about one file after a full look."""

    inspection: Inspection
    hashes: FileHashes | None
    validation: Validation
    family: str | None

    def to_json(self) -> dict[str, object]:
        record = self.inspection.to_json()
        record["family"] = self.family
        hashes = self.hashes
        record.update(
            sha256=hashes.sha256 if hashes else None,
            blake3=hashes.blake3 if hashes else None,
            autov2=hashes.autov2 if hashes else None,
            autov1=hashes.autov1 if hashes else None,
            addnet=hashes.addnet if hashes else None,
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
    """Shapes cannot tell SD1 from SDXL (or SD3 from Flux); an official hash can."""
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
) -> FileReport:
    """Inspect, hash (unless ``hashes`` is given) and validate one file or diffusers folder."""
    inspection = inspect_path(path, check_nan=check_nan)
    weights = hashed_file_of(path)
    if hashes is None and weights.is_file():
        hashes = hash_file(weights, progress=progress, cancel=cancel)
    validation = registry.validate(
        hashes.sha256 if hashes else None, weights.name, inspection.size_bytes, inspection
    )
    return FileReport(
        inspection, hashes, validation, refine_family(inspection, validation, registry)
    )
