"""The registry of known VAE files and the validation verdict for a file.

The shipped list (``resources/known_vaes.json``) is never edited; users add
their own entries in ``known_vaes.json`` in the app's data folder. A user entry
never silently replaces a shipped hash: clashes are skipped and reported in
:attr:`Registry.warnings`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from app.core.errors import UserError
from app.core.inspection.records import (
    PROBLEM_CORRUPT,
    PROBLEM_HEADER_TOO_LARGE,
    PROBLEM_NOT_A_VAE,
    PROBLEM_TRUNCATED,
    PROBLEM_UNKNOWN_FORMAT,
    PROBLEM_UNREADABLE,
    PROBLEM_UNSAFE_PICKLE,
    PROBLEM_UNSUPPORTED_TENSOR,
    Inspection,
    Problem,
)
from app.core.messages import as_text, parse, say

SHIPPED_REGISTRY = Path(__file__).resolve().parents[2] / "resources" / "known_vaes.json"


class Status(StrEnum):
    """A file's validation status: what the catalog stores and ``--json`` prints."""

    OFFICIAL = "official"
    MISMATCH = "mismatch"
    UNKNOWN = "unknown"
    INVALID = "invalid"
    PENDING = "pending"
    """Not judged yet: the app has not hashed the bytes itself (see ``app.core.identify``)."""


# The old names (StrEnum members equal their strings).
STATUS_OFFICIAL = Status.OFFICIAL
STATUS_MISMATCH = Status.MISMATCH
STATUS_UNKNOWN = Status.UNKNOWN
STATUS_INVALID = Status.INVALID
STATUS_PENDING = Status.PENDING

# Problems that make a file unusable as a VAE, whatever its name.
INVALIDATING_PROBLEMS = (
    PROBLEM_TRUNCATED,
    PROBLEM_CORRUPT,
    PROBLEM_UNKNOWN_FORMAT,
    PROBLEM_HEADER_TOO_LARGE,
    PROBLEM_UNSAFE_PICKLE,
    PROBLEM_UNREADABLE,
    PROBLEM_NOT_A_VAE,
    PROBLEM_UNSUPPORTED_TENSOR,
)

# File names that every diffusers model uses: a name match proves nothing.
GENERIC_FILENAMES = frozenset(
    {"diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.bin", "model.safetensors"}
)

_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_REQUIRED_KEYS = ("id", "display_name", "family", "filename")


@dataclass(frozen=True)
class KnownVae:
    """One registry entry: an official (or user-pinned) VAE file."""

    id: str
    display_name: str
    family: str
    filename: str
    url: str | None
    size_bytes: int | None
    sha256: str | None
    format: str
    verified: bool
    description: str
    origin: str = "shipped"  # "shipped" or "user"
    unverified_sha256: str | None = None

    @property
    def autov2(self) -> str | None:
        return self.sha256[:10] if self.sha256 else None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "display_name": self.display_name,
            "family": self.family,
            "filename": self.filename,
            "url": self.url,
            "size_bytes": self.size_bytes,
            "sha256": self.sha256,
            "autov2": self.autov2,
            "format": self.format,
            "verified": self.verified,
            "description": self.description,
            "origin": self.origin,
        }


@dataclass(frozen=True)
class Validation:
    """The verdict on one file: official, mismatch, unknown, invalid or pending."""

    status: Status
    official_id: str | None
    message: str
    key: str = field(default="", compare=False)  # the template in app.core.messages
    params: Mapping[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.key:  # written as plain text (a problem's, another module's): find it
            key, params = parse(self.message) or ("", {})
            object.__setattr__(self, "key", key)
            object.__setattr__(self, "params", params)

    @classmethod
    def said(
        cls, status: Status, official_id: str | None, key: str, /, **params: object
    ) -> Validation:
        """A verdict whose explanation is template ``key`` filled with ``params``."""
        return cls(status, official_id, say(key, **params), key, as_text(params))

    @classmethod
    def for_problem(cls, problem: Problem) -> Validation:
        """An ``invalid`` verdict explained by the problem that makes the file unusable."""
        return cls(STATUS_INVALID, None, problem.message, problem.key, problem.params)


@dataclass
class Registry:
    """Shipped and user entries, indexed by SHA-256 and by file name."""

    entries: list[KnownVae]
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_sha = {e.sha256: e for e in self.entries if e.sha256}
        self._by_name: dict[str, list[KnownVae]] = {}
        for entry in self.entries:
            self._by_name.setdefault(entry.filename.lower(), []).append(entry)

    def get(self, entry_id: str) -> KnownVae | None:
        """The entry with this id, or None."""
        return next((e for e in self.entries if e.id == entry_id), None)

    def by_sha256(self, sha256: str) -> KnownVae | None:
        """The entry whose pinned hash equals ``sha256``, or None."""
        return self._by_sha.get(sha256.lower())

    def knows(self, sha256: str) -> bool:
        """Whether any entry pins or publishes this hash (confirmed or not)."""
        sha = sha256.lower()
        return sha in self._by_sha or any(e.unverified_sha256 == sha for e in self.entries)

    def expected_size(self, sha256: str) -> int | None:
        """The size in bytes of the file with this hash, where the registry records it."""
        sha = sha256.lower()
        for entry in self.entries:
            if sha in (entry.sha256, entry.unverified_sha256) and entry.size_bytes:
                return entry.size_bytes
        return None

    def names_official_file(self, filename: str) -> bool:
        """Whether ``filename`` is the name of an official file (generic names never are)."""
        return bool(self._name_matches(filename))

    def validate(
        self, sha256: str | None, filename: str, size: int, inspection: Inspection | None
    ) -> Validation:
        """Judge one name and one hash the app computed itself.

        A hash match wins; a known name with other bytes is a mismatch. Callers
        go through :func:`app.core.identify.verdict_for`, which also weighs
        where the hash came from and every name the bytes are known by.
        """
        if sha256 and (entry := self.by_sha256(sha256)):
            return Validation.said(
                STATUS_OFFICIAL, entry.id, "verdict.official", name=entry.display_name
            )
        same_name = self._name_matches(filename)
        if same_name and sha256:
            return _mismatch(same_name, size)
        if inspection is not None:
            bad = [p for p in inspection.problems if p.code in INVALIDATING_PROBLEMS]
            if bad:
                return Validation.for_problem(bad[0])
        return self._unknown(sha256, size)

    def _name_matches(self, filename: str) -> list[KnownVae]:
        name = Path(filename).name.lower()
        if name in GENERIC_FILENAMES:
            return []
        return [e for e in self._by_name.get(name, []) if e.sha256]

    def _unknown(self, sha256: str | None, size: int) -> Validation:
        if sha256 is None:
            return Validation.said(STATUS_UNKNOWN, None, "verdict.pending")
        candidate = next((e for e in self.entries if e.unverified_sha256 == sha256), None)
        if candidate:
            return Validation.said(
                STATUS_UNKNOWN, None, "verdict.unconfirmed", name=candidate.display_name
            )
        same_size = [e for e in self.entries if e.sha256 and e.size_bytes == size]
        if same_size:
            return Validation.said(
                STATUS_UNKNOWN, None, "verdict.same-size-other-bytes",
                name=same_size[0].display_name,
            )  # fmt: skip
        return Validation.said(STATUS_UNKNOWN, None, "verdict.third-party")


def _mismatch(same_name: list[KnownVae], size: int) -> Validation:
    entry = same_name[0]
    if entry.size_bytes and size != entry.size_bytes:
        key = "verdict.mismatch-short" if size < entry.size_bytes else "verdict.mismatch-size"
        how = say(key, size=f"{size:,}", expected=f"{entry.size_bytes:,}")
    else:
        how = say("verdict.mismatch-same-size")
    return Validation.said(STATUS_MISMATCH, None, "verdict.mismatch", name=entry.display_name,
                           how=how)  # fmt: skip


def load_registry(user_file: Path | None = None, shipped_file: Path = SHIPPED_REGISTRY) -> Registry:
    """Read the shipped registry plus the user's additions (if the file exists)."""
    shipped = [_entry_from_json(raw, "shipped") for raw in _read_list(shipped_file)]
    registry = Registry(list(shipped))
    if user_file is None or not user_file.exists():
        return registry
    ids = {e.id for e in shipped}
    shas = {e.sha256: e for e in shipped if e.sha256}
    added: list[KnownVae] = []
    try:
        user_raw = _read_list(user_file)
    except UserError as exc:
        registry.warnings.append(f"your registry additions were ignored: {exc}")
        return registry
    for index, raw in enumerate(user_raw):
        try:
            entry = _entry_from_json(raw, "user")
        except UserError as exc:
            registry.warnings.append(f"{user_file} entry {index + 1} skipped: {exc}")
            continue
        if entry.id in ids:
            registry.warnings.append(
                f"{user_file}: entry '{entry.id}' skipped: the id is taken by a shipped entry"
            )
            continue
        if entry.sha256 and entry.sha256 in shas:
            registry.warnings.append(
                f"{user_file}: entry '{entry.id}' skipped: its hash is already the shipped "
                f"'{shas[entry.sha256].id}'"
            )
            continue
        ids.add(entry.id)
        added.append(entry)
    return Registry(shipped + added, registry.warnings)


def app_registry() -> Registry:
    """The shipped registry plus the user's additions in the app's data folder.

    The one way every front (window, command line, scanner) builds "the registry".
    """
    from app.core.paths import app_paths

    return load_registry(app_paths().user_registry)


def _read_list(path: Path) -> list[dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the registry {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise UserError(f"{path} is not valid JSON (line {exc.lineno}): {exc.msg}") from exc
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise UserError(f"{path} must hold a JSON list of objects")
    return data


def _entry_from_json(raw: dict[str, object], origin: str) -> KnownVae:
    missing = [key for key in _REQUIRED_KEYS if not raw.get(key)]
    if missing:
        raise UserError(f"missing {', '.join(missing)}")
    sha = raw.get("sha256")
    if sha is not None and (not isinstance(sha, str) or not _SHA256_RE.match(sha.lower())):
        raise UserError(f"sha256 of '{raw['id']}' is not 64 hex digits")
    size = raw.get("size_bytes")
    if size is not None and (not isinstance(size, int) or size <= 0):
        raise UserError(f"size_bytes of '{raw['id']}' must be a positive integer")
    return KnownVae(
        id=str(raw["id"]),
        display_name=str(raw["display_name"]),
        family=str(raw["family"]),
        filename=str(raw["filename"]),
        url=str(raw["url"]) if raw.get("url") else None,
        size_bytes=size,
        sha256=sha.lower() if isinstance(sha, str) else None,
        format=str(raw.get("format", "")),
        verified=bool(raw.get("verified", origin == "user")) and sha is not None,
        description=str(raw.get("description", "")),
        origin=origin,
        unverified_sha256=_opt_str(raw.get("unverified_sha256")),
    )


def _opt_str(value: object) -> str | None:
    return str(value).lower() if value else None
