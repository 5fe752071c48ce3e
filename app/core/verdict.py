"""The one verdict on a file, used by every command and panel.

The scanner, the import, ``inspect``, ``verify``, ``list`` (which reads what
the scanner stored), the window's library and its Verify action all judge a
file through :func:`verdict_for`. A verdict depends on the bytes (their
SHA-256, and only if this app computed it: see
:mod:`app.core.hashing.provenance`), on every name those bytes are known by
(one copy named like an official file makes the bytes a ``mismatch`` wherever
they are shown) and on what inspection found; never on which path was looked at.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from app.core.hashing.provenance import foreign_message, is_self_hashed, may_reuse_foreign
from app.core.inspection.records import PROBLEM_UNSAFE_PICKLE, Inspection
from app.core.registry import (
    INVALIDATING_PROBLEMS,
    STATUS_INVALID,
    STATUS_MISMATCH,
    STATUS_OFFICIAL,
    STATUS_PENDING,
    STATUS_UNKNOWN,
    Registry,
    Status,
    Validation,
)


class Verdict(StrEnum):
    """The verdict as the window shows it: a :class:`Status`, or ``unsafe`` called out apart."""

    OFFICIAL = Status.OFFICIAL.value
    MISMATCH = Status.MISMATCH.value
    UNKNOWN = Status.UNKNOWN.value
    INVALID = Status.INVALID.value
    PENDING = Status.PENDING.value
    UNSAFE = "unsafe"
    """An invalid file whose pickle would run code (see :func:`verdict_key`)."""


VERDICT_UNSAFE = Verdict.UNSAFE  # the old name


def verdict_for(
    registry: Registry,
    *,
    sha256: str | None,
    hash_source: str | None,
    names: Iterable[str],
    size: int,
    inspection: Inspection | None,
) -> Validation:
    """The one verdict on a file; see the module docstring for what it rests on.

    * no hash yet: ``invalid`` if inspection found the file unusable, else ``pending``;
    * a hash another app recorded (``hash_source`` not ``computed``): never
      ``official`` or ``mismatch``; ``unknown`` for a checkpoint (whose hash is
      informational), ``pending`` for anything else until the app hashes it;
    * a hash this app computed: ``official`` if the registry pins it; else
      ``mismatch`` if any of ``names`` is an official file's name; else
      ``invalid`` or ``unknown``.
    """
    if sha256 is None:
        return _without_hash(inspection, "not hashed yet")
    if not is_self_hashed(hash_source):
        if may_reuse_foreign(inspection):
            return _without_hash(inspection, foreign_message(hash_source), STATUS_UNKNOWN)
        return _without_hash(inspection, foreign_message(hash_source, informational=False))
    verdicts = [
        registry.validate(sha256, name, size, inspection) for name in dict.fromkeys(names) or [""]
    ]
    for status in (STATUS_OFFICIAL, STATUS_MISMATCH):
        found = next((v for v in verdicts if v.status == status), None)
        if found is not None:
            return found
    return verdicts[0]


def _without_hash(
    inspection: Inspection | None, message: str, status: Status = Status.PENDING
) -> Validation:
    if inspection is not None:
        bad = [p for p in inspection.problems if p.code in INVALIDATING_PROBLEMS]
        if bad:
            return Validation.for_problem(bad[0])
    return Validation(status, None, message)  # the template is found from the text


def verdict_key(status: str | None, problem_codes: Iterable[str], sha256: str | None) -> Verdict:
    """The verdict as the window shows it: the status, with unsafe pickles called out apart.

    One of official, mismatch, unknown, invalid, unsafe, pending. A row without
    a stored status (a location whose hash was dropped) is pending until hashed.
    """
    if PROBLEM_UNSAFE_PICKLE in set(problem_codes):
        return Verdict.UNSAFE
    if status in (STATUS_OFFICIAL, STATUS_MISMATCH, STATUS_INVALID, STATUS_PENDING):
        return Verdict(status)
    if sha256 is None:
        return Verdict.PENDING
    return Verdict.UNKNOWN
