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
from app.core.messages import say

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
            say("download.server-answered", status=status, reason=reason),
            parse_retry_after(headers.get("Retry-After")),
        )
    if status in (401, 403):
        if token_sent:
            return UserError(
                say("download.token-refused", status=status, reason=reason, where=where)
            )
        return UserError(say("download.token-needed", status=status, reason=reason, where=where))
    if status in (404, 410):
        return UserError(say("download.not-found", status=status, reason=reason, where=where))
    return UserError(say("download.refused", status=status, reason=reason, where=where))


def network_failure(exc: BaseException, stall_timeout: float) -> Exception:
    """The exception for a failure raised while connecting or reading."""
    stalled = say("download.stalled", seconds=f"{stall_timeout:g}")
    if isinstance(exc, requests.exceptions.SSLError):
        return UserError(say("download.tls", detail=exc))
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return UserError(say("download.too-many-redirects"))
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return UserError(say("download.invalid-address", detail=exc))
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return RetryableFailure(say("download.connect-timeout"))
    if isinstance(exc, requests.exceptions.ReadTimeout) or "timed out" in str(exc):
        return RetryableFailure(stalled)
    if isinstance(exc, urllib3.exceptions.SSLError):
        return UserError(say("download.tls", detail=exc))
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
        return RetryableFailure(stalled)
    if isinstance(exc, requests.exceptions.ChunkedEncodingError | urllib3.exceptions.ProtocolError):
        return RetryableFailure(say("download.dropped"))
    if isinstance(exc, requests.exceptions.ConnectionError) and "refused" in str(exc).lower():
        return RetryableFailure(say("download.connection-refused"))
    if isinstance(
        exc, requests.exceptions.RequestException | urllib3.exceptions.HTTPError | OSError
    ):
        return RetryableFailure(say("download.connection-problem", detail=_short(exc)))
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
    return min(cap, base * 2.0 ** (failures - 1))


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
                say("download.gave-up", what=what, tries=self.failures, failure=failure)
            ) from failure
        base, cap, retry_after_cap = self._backoff
        return backoff_delay(self.failures, base, cap, failure.retry_after, retry_after_cap)

    def restart(self, what: str, reason: RestartNeeded) -> None:
        """Allow a few clean restarts (file changed upstream), not an endless loop."""
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            raise UserError(
                say("download.restarts", what=what, reason=reason, restarts=MAX_RESTARTS)
            ) from reason


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:157] + "..."
