"""Move a finished ``.part`` to its final name, or quarantine it.

Nothing partial or unverified ever sits under the final name: a pinned hash is
checked first, and the rename never replaces an existing file
(:meth:`PartFile.publish`, the publish module's
:func:`~app.core.publish.rename.publish_no_replace`: ``renameat2(RENAME_NOREPLACE)``
where the kernel has it, else a hard link, which fails on a taken name).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from app.core.downloads.filenames import numbered_names
from app.core.downloads.hashing import Digests
from app.core.downloads.partfile import PartFile
from app.core.errors import UserError
from app.core.hashing.hasher import hash_file

QUARANTINE_INFIX = ".quarantined-"


class ChecksumMismatch(UserError):
    """The downloaded bytes are not the pinned file; they were set aside."""

    def __init__(self, message: str, quarantined: Path, actual_sha256: str) -> None:
        super().__init__(message)
        self.quarantined = quarantined
        self.actual_sha256 = actual_sha256


@dataclass(frozen=True)
class Placed:
    """Where the verified bytes ended up."""

    path: Path
    already_present: bool


def quarantine(part: PartFile, target: Path, expected: str, digests: Digests) -> ChecksumMismatch:
    """Set the bytes aside as ``<name>.quarantined-<sha10>`` and build the error to raise.

    A file already under that name (an earlier quarantine, or anything else) is
    never replaced: a numbered name is used instead.
    """
    part.close()
    aside = _set_aside(
        part, target.with_name(f"{target.name}{QUARANTINE_INFIX}{digests.sha256[:10]}")
    )
    return ChecksumMismatch(
        f"{target.name}: the downloaded file does not match the registry (SHA-256 "
        f"{digests.sha256[:10]}…, expected {expected[:10]}…); it was kept aside as {aside.name} "
        "and not installed",
        aside,
        digests.sha256,
    )


def _set_aside(part: PartFile, aside: Path) -> Path:
    for number in range(1, 100):
        name = aside if number == 1 else aside.with_name(f"{aside.name}-{number}")
        try:
            part.publish(name)
        except FileExistsError:
            continue
        return name
    raise UserError(f"could not find a free name to set {part.path} aside")


def place(part: PartFile, target: Path, digests: Digests, rename_on_conflict: bool) -> Placed:
    """Give the finished ``.part`` its final name without replacing any file.

    A namesake with the same bytes means "already present"; one with other bytes
    is refused, or, with ``rename_on_conflict``, passed for ``name (1).ext``...
    """
    extra = numbered_names(target.name) if rename_on_conflict else iter(())
    for name in itertools.chain([target.name], extra):
        placed = _claim(part, target.with_name(name), digests)
        if placed is not None:
            return placed
        if not rename_on_conflict:
            raise UserError(
                f"{target} already exists with different content; move or rename it, then "
                f"download again (the downloaded file is kept as {part.path.name})"
            )
    raise UserError(f"could not find a free name for {target}")


def _claim(part: PartFile, name: Path, digests: Digests) -> Placed | None:
    """Move the bytes to ``name`` or find them there; None if it holds other bytes."""
    for _ in range(3):  # a file appearing between the check and the rename: look again
        if name.exists():
            if name.is_file() and hash_file(name, blake3=False).sha256 == digests.sha256:
                part.discard()
                return Placed(name, already_present=True)
            return None
        try:
            part.publish(name)
        except FileExistsError:
            continue
        return Placed(name, already_present=False)
    return None
