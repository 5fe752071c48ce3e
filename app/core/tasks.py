"""Cancellation and progress plumbing shared by every long-running core job.

Core jobs take a :class:`CancelToken` and a ``progress(done, total)`` callback;
the GUI wraps them in workers and the CLI calls them directly, so neither side
needs to know about threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.core.errors import Cancelled

ProgressCallback = Callable[[int, "int | None"], None]


def no_progress(done: int, total: int | None) -> None:
    """Progress sink for callers that do not report progress."""


class CancelToken:
    """A thread-safe flag a job checks between chunks; cancelled work raises."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the job to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise :class:`Cancelled` when the token was cancelled."""
        if self._event.is_set():
            raise Cancelled("cancelled by the user")
