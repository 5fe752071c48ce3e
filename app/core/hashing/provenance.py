"""Where a file's hash came from, and what a hash of each origin may be used for.

A verdict of ``official`` or ``mismatch`` is a claim about the bytes on disk, so
it rests only on hashes this app computed from those bytes (source
``computed``). Hashes read from another app's cache or sidecar
(``a1111``, ``sdnext``, ``a1111-diskcache``, ``stability-matrix``) are easy to
forge: anyone who can drop a ``.cm-info.json`` beside a file can write any
SHA-256 into it. They are kept only where the hash is informational and
hashing is expensive: full checkpoints, never VAEs.

A stored source is ``"<kind> <file that vouched for it>"``; several sources
that agreed are joined with ``" + "``.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.inspection.records import KIND_CHECKPOINT, Inspection

HASH_SOURCE_SELF = "computed"
"""The source of a hash this app computed from the bytes itself."""

FOREIGN_SOURCE_NAMES = {
    "a1111": "A1111's cache.json",
    "sdnext": "SD.Next's data/cache.json",
    "a1111-diskcache": "the A1111/Forge hash cache (cache/hashes)",
    "stability-matrix": "Stability Matrix's .cm-info.json",
}
"""Plain words for each foreign kind, for messages (the GUI translates its own)."""

REUSE_FOREIGN_KINDS = frozenset({KIND_CHECKPOINT})
"""Kinds whose hash may come from another app: big files where the hash is informational."""


@dataclass(frozen=True)
class IgnoredHash:
    """A hash another app recorded for ``path`` that was not believed, and why."""

    path: str
    source: str
    reason: str

    def message(self) -> str:
        """One sentence for a scan report."""
        return f"ignored the hash in {source_file(self.source) or self.source}: {self.reason}"


def is_self_hashed(source: str | None) -> bool:
    """Whether the hash was computed by this app from the file's bytes."""
    return source == HASH_SOURCE_SELF


def source_kind(source: str | None) -> str | None:
    """``computed``, ``a1111``, ``stability-matrix``, ... (the first of joined sources)."""
    if not source:
        return None
    return source.split(" ", 1)[0]


def source_file(source: str | None) -> str | None:
    """The cache or sidecar file that vouched for a foreign hash; None for ``computed``."""
    if not source or is_self_hashed(source):
        return None
    first = source.split(" + ", 1)[0]
    _, _, path = first.partition(" ")
    return path or None


def source_words(source: str | None) -> str:
    """Where the hash came from, in words ("Stability Matrix's .cm-info.json")."""
    if is_self_hashed(source):
        return "VAE Manager hashed the file itself"
    kind = source_kind(source)
    return FOREIGN_SOURCE_NAMES.get(kind or "", kind or "unknown source")


def may_reuse_foreign(inspection: Inspection | None) -> bool:
    """Whether another app's hash may stand in for hashing this file (checkpoints only)."""
    return inspection is not None and inspection.kind in REUSE_FOREIGN_KINDS


def foreign_message(source: str | None, *, informational: bool = True) -> str:
    """Why a file whose hash came from another app has no official/mismatch verdict.

    ``informational``: the hash is kept as is (a checkpoint); otherwise the app
    still has to hash the file before it can judge it.
    """
    where = f"hash read from {source_words(source)}, not computed by VAE Manager"
    if informational:
        return f"{where}: informational only, it cannot make a file official"
    return f"{where}: not judged until VAE Manager hashes the file itself"
