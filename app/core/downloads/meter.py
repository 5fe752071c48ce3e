"""Speed and ETA from a sliding window, reported at a bounded rate.

A window of the last few seconds keeps the speed honest after a stall or a
resume (an average since start would lag for minutes); throttling keeps a
1 GB/s loopback transfer from flooding the GUI thread with signals.
"""

from __future__ import annotations

import time
from collections import deque

from app.core.downloads.records import (
    PHASE_DOWNLOADING,
    DownloadProgress,
    DownloadProgressCallback,
)

WINDOW_S = 5.0


class ProgressMeter:
    """Turns byte counts into :class:`DownloadProgress` reports."""

    def __init__(
        self, filename: str, callback: DownloadProgressCallback, interval: float = 0.25
    ) -> None:
        self.filename = filename
        self.total: int | None = None
        self.attempt = 1
        self._callback = callback
        self._interval = interval
        self._samples: deque[tuple[float, int]] = deque()
        self._last_emit = 0.0
        self._done = 0

    def reset_window(self, done: int) -> None:
        """Forget past samples (a new connection, or bytes taken from a ``.part``)."""
        self._samples.clear()
        self._samples.append((time.monotonic(), done))
        self._done = done

    def update(self, done: int) -> None:
        """Record progress; emits at most once per interval."""
        now = time.monotonic()
        self._done = done
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[0][0] > WINDOW_S:
            self._samples.popleft()
        if now - self._last_emit >= self._interval:
            self.emit(PHASE_DOWNLOADING)

    def emit(self, phase: str, message: str = "", done: int | None = None) -> None:
        """Report now, whatever the interval."""
        if done is not None:
            self._done = done
        self._last_emit = time.monotonic()
        speed = self.speed() if phase == PHASE_DOWNLOADING else 0.0
        eta = None
        if self.total is not None and speed > 0:
            eta = max(0.0, (self.total - self._done) / speed)
        self._callback(
            DownloadProgress(
                filename=self.filename,
                done=self._done,
                total=self.total,
                speed=speed,
                eta_seconds=eta,
                phase=phase,
                attempt=self.attempt,
                message=message,
            )
        )

    def speed(self) -> float:
        """Bytes per second over the window."""
        if len(self._samples) < 2:
            return 0.0
        (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
        return (b1 - b0) / (t1 - t0) if t1 > t0 else 0.0
