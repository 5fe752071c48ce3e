"""One HTTP attempt: ask for the missing bytes, check what came back, append them.

A 206 is only appended when its Content-Range starts exactly at the ``.part``'s
size and names the same total; a 200 (Range ignored, or ``If-Range`` saw a
changed file) restarts the ``.part`` from byte 0 with the same response.

The body may never grow the ``.part`` past the size the server announced
(Content-Length or Content-Range), nor past the registry's size for the file,
nor, when neither is known, past a hard cap and the free space: a server that
sends more is refused at once, it is not a network problem to retry.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import requests

from app.core.downloads.failures import (
    BodyTooLong,
    RestartNeeded,
    RetryableFailure,
    status_failure,
)
from app.core.downloads.meter import ProgressMeter
from app.core.downloads.partfile import PartFile, Validator
from app.core.downloads.session import token_sent
from app.core.downloads.stream import BodyReader
from app.core.downloads.urls import check_url_allowed, display_url
from app.core.errors import UserError
from app.core.tasks import CancelToken

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)
_UNSATISFIED_RANGE = re.compile(r"^\s*bytes\s+\*/(\d+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Tuning:
    """Timeouts, retries and buffer sizes (tests shrink the waits)."""

    connect_timeout: float = 15.0
    stall_timeout: float = 30.0  # no byte for this long: drop the connection and retry
    max_attempts: int = 6  # failures in a row without progress before giving up
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    retry_after_cap: float = 300.0
    chunk_size: int = 1 << 20
    progress_interval: float = 0.25
    fsync: bool = True
    free_space_margin: int = 16 << 20
    # A body of unknown size stops here: above the largest single-file checkpoints (~24 GB).
    max_unknown_size: int = 32 << 30


@dataclass
class Tally:
    """What this session of a download did, for the result."""

    transferred: int = 0
    resumed: bool = False


def run_attempt(
    session: requests.Session,
    url: str,
    part: PartFile,
    expected_size: int | None,
    meter: ProgressMeter,
    cancel: CancelToken,
    tuning: Tuning,
    tally: Tally,
) -> None:
    """Bring ``part`` to the full file in one connection, or raise."""
    headers = _range_headers(part)
    timeout = (tuning.connect_timeout, tuning.stall_timeout)
    reader = BodyReader(session, url, headers, timeout, tuning.chunk_size).start()
    try:
        response = reader.wait_response(cancel)
        total = _accept(response, part, bool(headers), tally)
        meter.total = total
        if total is not None and part.size == total and response.status_code == 416:
            return
        _check_size(total, expected_size, url)
        ensure_free_space(part.path.parent, (total or 0) - part.size, tuning.free_space_margin)
        limit = body_limit(part, total, expected_size, tuning)
        meter.reset_window(part.size)
        for chunk in reader.chunks(cancel):
            if part.size + len(chunk) > limit.size:
                raise BodyTooLong(limit.refusal(url))
            part.write(chunk)
            tally.transferred += len(chunk)
            meter.update(part.size)
        if total is not None and part.size != total:
            raise RetryableFailure(f"the connection ended early ({part.size:,} of {total:,} bytes)")
    finally:
        reader.abort()


@dataclass(frozen=True)
class BodyLimit:
    """The most bytes the ``.part`` may hold for this response, and where that comes from."""

    size: int
    source: str  # "announced", "expected" or "cap"

    def refusal(self, url: str) -> str:
        """The message for a body that went past the limit."""
        where = display_url(url)
        if self.source == "announced":
            said = f"more than the {self.size:,} bytes it announced"
        elif self.source == "expected":
            said = f"more than the {self.size:,} bytes the registry lists for this file"
        else:
            said = f"more than {_size(self.size)} without announcing a size"
        return f"the server sent {said} ({where}): refused, the partial file was removed"


def body_limit(
    part: PartFile, total: int | None, expected: int | None, tuning: Tuning
) -> BodyLimit:
    """The tightest of the announced size, the registry's size, or the cap and free space."""
    if total is not None:
        return BodyLimit(total, "announced")
    if expected is not None:
        return BodyLimit(expected, "expected")
    room = shutil.disk_usage(part.path.parent).free - tuning.free_space_margin
    return BodyLimit(max(0, min(tuning.max_unknown_size, part.size + room)), "cap")


def _range_headers(part: PartFile) -> dict[str, str]:
    if part.size == 0 or part.validator is None:
        return {}
    headers = {"Range": f"bytes={part.size}-"}
    if part.validator.if_range:
        headers["If-Range"] = part.validator.if_range
    return headers


def _accept(response: requests.Response, part: PartFile, ranged: bool, tally: Tally) -> int | None:
    """Check the status and headers; returns the full file's size if known."""
    check_url_allowed(response.url, what="redirect target")
    status = response.status_code
    encoding = response.headers.get("Content-Encoding", "identity").lower()
    if 200 <= status < 300 and encoding not in ("", "identity"):
        raise UserError(
            f"the server sent the file compressed ({encoding}); cannot resume or verify it"
        )
    if status == 206 and ranged:
        return _accept_partial(response, part, tally)
    if status == 200:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        part.restart(Validator(etag=etag, last_modified=modified, total=total))
        return total
    if status == 416 and ranged:
        match = _UNSATISFIED_RANGE.match(response.headers.get("Content-Range", ""))
        known = part.validator.total if part.validator else None
        if match and known == part.size == int(match.group(1)):
            return part.size
        part.discard()
        raise RestartNeeded("the server has a different file now; starting over")
    if 200 < status < 300:
        raise UserError(f"unexpected answer ({status}) from {display_url(response.url)}")
    raise status_failure(status, dict(response.headers), response.url, token_sent(response))


def _accept_partial(response: requests.Response, part: PartFile, tally: Tally) -> int:
    match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
    known = part.validator.total if part.validator else None
    if not match or match.group(3) == "*":
        part.discard()
        raise RestartNeeded("the server's byte range cannot be checked; starting over")
    start, end, total = int(match.group(1)), int(match.group(2)), int(match.group(3))
    if start != part.size or end != total - 1 or (known is not None and total != known):
        part.discard()
        raise RestartNeeded("the server sent another part of the file; starting over")
    tally.resumed = True
    return total


def _check_size(total: int | None, expected: int | None, url: str) -> None:
    if total is not None and expected is not None and total != expected:
        raise UserError(
            f"the server offers {total:,} bytes but {expected:,} are expected: a different or "
            f"changed file at {display_url(url)}; not downloading it"
        )


def ensure_free_space(folder: Path, needed: int, margin: int) -> None:
    """Refuse early instead of filling the disk halfway through."""
    if needed <= 0:
        return
    free = shutil.disk_usage(folder).free
    if needed + margin > free:
        raise UserError(
            f"not enough free space in {folder}: the download needs {_size(needed)}, "
            f"{_size(free)} is free"
        )


def _size(count: int) -> str:
    value = float(count)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:,.0f} {unit}" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{count} bytes"
