"""One progress range per file across its steps (hash, copy, extract, ...)."""

from __future__ import annotations

from app.core.tasks import ProgressCallback


class FileMeter:
    """Chains the ``(done, total)`` reports of successive steps into one growing range.

    Step *n* starts where step *n-1* ended, so a bar never jumps back while a file
    is hashed and then copied; ``total`` grows when a later step begins.
    """

    def __init__(self, progress: ProgressCallback) -> None:
        self._progress = progress
        self._base = 0

    def step(self) -> ProgressCallback:
        """The callback for the next step."""
        start = self._base

        def report(done: int, total: int | None) -> None:
            end = start + (done if total is None else total)
            self._base = max(self._base, end)
            self._progress(start + done, end)

        return report
