"""Sort what went wrong into "try again later" and "tell the user".

Connection drops, stalls, 5xx and 429 are weather: retried with exponential
backoff (honouring ``Retry-After``). 4xx, TLS failures and bad URLs are facts:
retrying them only delays the message the user needs.
"""

from __future__ import annotations

import email.utils
import time
from http import HTTPStatus

import requests
import urllib3

from app.core.downloads.urls import display_url
from app.core.errors import UserError

MAX_RESTARTS = 3


class RetryableFailure(Exception):
    """A transient failure; ``retry_after`` is the server's requested wait, if any."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BodyTooLong(UserError):
    """The server sent more than it announced or than the file can be: stop, never retry."""


class RestartNeeded(Exception):
    """The ``.part`` cannot be continued (the file changed upstream): start over now."""


def status_failure(status: int, headers: dict[str, str], url: str, token_sent: bool) -> Exception:
    """The exception for a non-success HTTP status."""
    where = display_url(url)
    reason = _reason(status)
    if status == 429 or status >= 500:
        return RetryableFailure(
            f"the server answered {status} {reason}", parse_retry_after(headers.get("Retry-After"))
        )
    if status in (401, 403):
        if token_sent:
            return UserError(
                f"the access token was refused ({status} {reason}) for {where}: check the token "
                "in settings and accept the model's licence on its page"
            )
        return UserError(
            f"this file needs an access token: set it in settings ({status} {reason}: {where})"
        )
    if status in (404, 410):
        return UserError(f"not found ({status} {reason}): {where}")
    return UserError(f"the server refused the download ({status} {reason}): {where}")


def network_failure(exc: BaseException, stall_timeout: float) -> Exception:
    """The exception for a failure raised while connecting or reading."""
    if isinstance(exc, requests.exceptions.SSLError):
        return UserError(f"secure connection failed (certificate or TLS problem): {exc}")
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return UserError("the server redirected too many times")
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return UserError(f"invalid download address: {exc}")
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return RetryableFailure("the server did not accept the connection in time")
    if isinstance(exc, requests.exceptions.ReadTimeout) or "timed out" in str(exc):
        return RetryableFailure(f"no data for {stall_timeout:g} s (stalled transfer)")
    if isinstance(exc, urllib3.exceptions.SSLError):
        return UserError(f"secure connection failed (certificate or TLS problem): {exc}")
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
        return RetryableFailure(f"no data for {stall_timeout:g} s (stalled transfer)")
    if isinstance(exc, requests.exceptions.ChunkedEncodingError | urllib3.exceptions.ProtocolError):
        return RetryableFailure("the connection dropped during the transfer")
    if isinstance(exc, requests.exceptions.ConnectionError) and "refused" in str(exc).lower():
        return RetryableFailure("the server refused the connection")
    if isinstance(
        exc, requests.exceptions.RequestException | urllib3.exceptions.HTTPError | OSError
    ):
        return RetryableFailure(f"connection problem: {_short(exc)}")
    raise exc


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def backoff_delay(
    failures: int, base: float, cap: float, retry_after: float | None, retry_after_cap: float
) -> float:
    """How long to wait before retry number ``failures`` (1-based)."""
    if retry_after is not None:
        return min(retry_after, retry_after_cap)
    return min(cap, base * 2 ** (failures - 1))


class RetryBudget:
    """Counts failures in a row; an attempt that moved bytes forward resets the count.

    So a link that drops every few minutes still finishes a large file, while a
    dead server gives up after ``max_attempts`` tries.
    """

    def __init__(self, max_attempts: int, base: float, cap: float, retry_after_cap: float) -> None:
        self.max_attempts = max_attempts
        self._backoff = (base, cap, retry_after_cap)
        self.failures = 0
        self.restarts = 0

    def delay_after(self, what: str, failure: Exception, *, progressed: bool) -> float:
        """Seconds to wait before the next try; raises when it is time to give up."""
        if not isinstance(failure, RetryableFailure):
            raise failure
        self.failures = 1 if progressed else self.failures + 1
        if self.failures >= self.max_attempts:
            raise UserError(
                f"{what}: download failed after {self.failures} tries ({failure}); "
                "the partial file is kept, resume it later"
            ) from failure
        base, cap, retry_after_cap = self._backoff
        return backoff_delay(self.failures, base, cap, failure.retry_after, retry_after_cap)

    def restart(self, what: str, reason: RestartNeeded) -> None:
        """Allow a few clean restarts (file changed upstream), not an endless loop."""
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            raise UserError(f"{what}: {reason} (gave up after {MAX_RESTARTS} restarts)") from reason


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:157] + "..."
