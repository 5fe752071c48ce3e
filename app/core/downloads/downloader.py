"""Download one file: lock, resume, retry, verify, then give it its final name.

This is the single-transfer engine; :mod:`app.core.downloads.queue` runs
several of them, and the CLI calls it directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from app.core.downloads.failures import (
    BodyTooLong,
    RestartNeeded,
    RetryableFailure,
    RetryBudget,
    network_failure,
)
from app.core.downloads.finalize import place, quarantine
from app.core.downloads.hashing import Digests
from app.core.downloads.locks import TargetLock
from app.core.downloads.meter import ProgressMeter
from app.core.downloads.partfile import PartFile, discard_own_parts
from app.core.downloads.records import (
    PHASE_CHECKING_PART,
    PHASE_CONNECTING,
    PHASE_DONE,
    PHASE_VERIFYING,
    PHASE_WAITING_RETRY,
    DownloadProgressCallback,
    DownloadResult,
    DownloadSpec,
    no_download_progress,
)
from app.core.downloads.session import make_session
from app.core.downloads.settings import DownloadSettings, load_download_settings
from app.core.downloads.stream import NetworkError
from app.core.downloads.transfer import Tally, Tuning, ensure_free_space, run_attempt
from app.core.downloads.urls import check_url_allowed, display_url
from app.core.errors import UserError
from app.core.hashing.hasher import hash_file
from app.core.lazy_log import lazy_logger
from app.core.tasks import CancelToken
from app.core.write_roots import check_write_folder

log = lazy_logger(__name__)

CompletionHook = Callable[[DownloadResult], None]


class Downloader:
    """Fetches a :class:`DownloadSpec` into place; safe to share between threads."""

    def __init__(
        self,
        settings: DownloadSettings | None = None,
        tuning: Tuning | None = None,
        *,
        on_complete: CompletionHook | None = None,
    ) -> None:
        self.settings = settings if settings is not None else load_download_settings()
        self.tuning = tuning or Tuning()
        self.on_complete = on_complete

    def download(
        self,
        spec: DownloadSpec,
        progress: DownloadProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> DownloadResult:
        """Fetch ``spec`` (resuming its ``.part``); raises UserError or Cancelled."""
        check_url_allowed(spec.url)
        _check_filename(spec.filename)
        check_write_folder(spec.dest_dir, "a download folder")
        cancel = cancel or CancelToken()
        meter = ProgressMeter(
            spec.filename, progress or no_download_progress, self.tuning.progress_interval
        )
        started = time.monotonic()
        log.info("download %s -> %s", display_url(spec.url), spec.target)
        spec.dest_dir.mkdir(parents=True, exist_ok=True)
        with TargetLock(spec.target):
            result = self._present_result(spec, meter, cancel, started)
            if result is None:
                result = self._fetch(spec, meter, cancel, started)
        meter.emit(PHASE_DONE, result.summary, done=result.size)
        if self.on_complete is not None:
            self.on_complete(result)
        return result

    def _fetch(
        self, spec: DownloadSpec, meter: ProgressMeter, cancel: CancelToken, started: float
    ) -> DownloadResult:
        part = PartFile(spec.target, fsync=self.tuning.fsync)
        if part.path.exists():
            meter.emit(PHASE_CHECKING_PART)
        try:
            resumed_from = part.load_existing(cancel)
            if spec.expected_size is not None:
                ensure_free_space(
                    spec.dest_dir, spec.expected_size - resumed_from, self.tuning.free_space_margin
                )
            tally = Tally()
            self._transfer(spec, part, meter, cancel, tally)
            meter.emit(PHASE_VERIFYING, done=part.size)
            digests = part.hasher.digests()
            part.finish()
        except BaseException as exc:
            part.close()
            if part.size == 0 or isinstance(exc, BodyTooLong):
                part.discard()  # only ever the app's own .part
            raise
        if spec.expected_sha256 and digests.sha256 != spec.expected_sha256.lower():
            raise quarantine(part, spec.target, spec.expected_sha256, digests)
        placed = place(part, spec.target, digests, spec.rename_on_conflict)
        return _result(spec, placed.path, digests, started, tally, placed.already_present)

    def _transfer(
        self,
        spec: DownloadSpec,
        part: PartFile,
        meter: ProgressMeter,
        cancel: CancelToken,
        tally: Tally,
    ) -> None:
        """Attempt after attempt until the ``.part`` is complete, or a final error."""
        tuning = self.tuning
        budget = RetryBudget(
            tuning.max_attempts, tuning.backoff_base, tuning.backoff_cap, tuning.retry_after_cap
        )
        with make_session(self.settings) as session:
            while True:
                before = part.size
                meter.emit(PHASE_CONNECTING, done=before)
                try:
                    run_attempt(
                        session, spec.url, part, spec.expected_size, meter, cancel, tuning, tally
                    )
                    return
                except RestartNeeded as exc:
                    budget.restart(spec.filename, exc)
                    continue
                except NetworkError as exc:
                    failure = network_failure(exc.cause, tuning.stall_timeout)
                except RetryableFailure as exc:
                    failure = exc
                delay = budget.delay_after(spec.filename, failure, progressed=part.size > before)
                log.warning("%s: %s; retrying in %.1f s", spec.filename, failure, delay)
                meter.attempt += 1
                meter.emit(
                    PHASE_WAITING_RETRY, f"{failure}; retrying in {delay:.0f} s", done=part.size
                )
                _sleep(delay, cancel)

    def _present_result(
        self, spec: DownloadSpec, meter: ProgressMeter, cancel: CancelToken, started: float
    ) -> DownloadResult | None:
        """The result for a file already at the target, or None; refuses a different one."""
        target = spec.target
        if not target.exists():
            return None
        if not target.is_file():
            raise UserError(f"{target} exists and is not a file")
        if spec.expected_sha256:
            meter.emit(PHASE_VERIFYING, "checking the file already there")
            found = hash_file(target, cancel=cancel)
            digests = Digests(found.sha256, found.blake3, found.autov1, target.stat().st_size)
            if digests.sha256 != spec.expected_sha256.lower():
                raise UserError(
                    f"{target} already exists with different content (SHA-256 "
                    f"{digests.sha256[:10]}…, the registry expects {spec.expected_sha256[:10]}…); "
                    "move or rename it, then download again"
                )
            discard_own_parts(target)
            return _result(spec, target, digests, started, Tally(), already_present=True)
        size = target.stat().st_size
        if not spec.rename_on_conflict and spec.expected_size not in (None, size):
            raise UserError(
                f"{target} already exists with different content ({size:,} bytes, expected "
                f"{spec.expected_size:,}); move or rename it, then download again"
            )
        return None


def _result(
    spec: DownloadSpec,
    path: Path,
    digests: Digests,
    started: float,
    tally: Tally,
    already_present: bool,
) -> DownloadResult:
    return DownloadResult(
        path=path,
        sha256=digests.sha256,
        blake3=digests.blake3,
        autov1=digests.autov1,
        size=digests.size,
        entry_id=spec.entry_id,
        verified=bool(spec.expected_sha256),
        seconds=time.monotonic() - started,
        bytes_transferred=tally.transferred,
        resumed=tally.resumed,
        url=spec.url,
        already_present=already_present,
    )


def _check_filename(name: str) -> None:
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise UserError(f"invalid file name for a download: {name!r}")


def _sleep(seconds: float, cancel: CancelToken) -> None:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        cancel.raise_if_cancelled()
        time.sleep(min(left, 0.05))
    cancel.raise_if_cancelled()
