"""Calling the default guard after links or files are removed (one place, for every action).

Removing the file an A1111-family install names as its default VAE makes A1111
fall back without a word, so unlink, remove and undo reset such defaults
(:mod:`app.core.operations.default_guard`) in the same recorded operation.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.core.operations.journal import Journal


def release_removed(
    removed: Sequence[Path], operation_id: str, journal: Journal
) -> tuple[str, ...]:
    """Reset defaults that named one of ``removed``; plain-words notes of what changed."""
    if not removed:
        return ()
    from app.core.operations.default_guard import release_defaults

    return release_defaults(list(removed), operation_id=operation_id, journal=journal)
