"""What a download row says and offers, for each state a download can be in.

The queue reports a job's state and, when it failed, the error text the core
wrote. Here that becomes one of seven looks (queued, running, paused, failed,
refused, finished, cancelled), each with its own sentence and buttons: no
busy bar on a job that is not moving, no Resume where nothing can resume, and
no raw exception text (``HTTPSConnectionPool … NameResolutionError``). A
*refused* download is one the server or the checks said no to (not found, a
token needed, not the official bytes, a forbidden address): trying the same
again cannot help. A *failed* one met weather (no network, a busy server, a
full disk): trying again can, and continues where it stopped.

Phases and any core sentence not sorted here (a URL refusal, a redirect loop)
go through :mod:`app.gui.core_messages`, like every other core text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication

from app.gui.core_messages import error_text, phase_text

if TYPE_CHECKING:
    from app.core.downloads.queue import JobView
    from app.core.downloads.records import DownloadProgress

NONE, QUEUED, RUNNING, PAUSED, FAILED, REFUSED, FINISHED, CANCELLED = (
    "none", "queued", "running", "paused", "failed", "refused", "finished", "cancelled",
)  # fmt: skip
# Actions a row can offer (each a button).
DOWNLOAD, PAUSE, RESUME, RETRY, CANCEL, DISCARD, SETTINGS = (
    "download", "pause", "resume", "retry", "cancel", "discard", "settings",
)  # fmt: skip
SHORT_LIMIT = 160


_tr = (
    QCoreApplication.translate
)  # with the context "DownloadMessages" written out: lupdate reads it


@dataclass(frozen=True)
class Cause:
    """Why a download stopped, in plain words, and whether trying again can help."""

    message: str
    refused: bool
    needs_settings: bool = False


@dataclass(frozen=True)
class DownloadLook:
    """How one job is shown: its state, the sentence, the bar and the buttons."""

    state: str
    message: str
    actions: tuple[str, ...]
    show_bar: bool = False
    busy: bool = False  # an animated bar: only while running with an unknown size
    details: str = ""  # the core's own text, for the tooltip


# Patterns in the core's error text (``app.core.downloads``), most specific first.
_DNS = re.compile(
    r"NameResolution|Name or service not known|nodename nor servname|getaddrinfo failed|"
    r"Temporary failure in name resolution|No address associated with hostname|"
    r"Failed to resolve|resolve host",
    re.IGNORECASE,
)
_SERVER_BUSY = re.compile(r"answered (429|5\d\d)")


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def cause_of(error: str, url: str) -> Cause:
    """Sort the core's error text into a plain sentence, refused or failed."""
    host = _host(url)
    text = error or ""
    low = text.lower()
    if "unexpected error" in low:
        return Cause(
            QCoreApplication.translate(
                "DownloadMessages",
                "Something went wrong inside VAE Manager (a bug); the details are in "
                "the log. Try again, or report it.",
            ),
            refused=False,
        )
    if _DNS.search(text):
        return Cause(
            QCoreApplication.translate(
                "DownloadMessages", "Cannot reach {host}: check the connection or set a mirror."
            ).format(host=host),
            refused=False,
        )
    if "needs an access token" in low:
        return Cause(
            QCoreApplication.translate(
                "DownloadMessages",
                "This file needs an access token: add your Hugging Face token in Settings.",
            ),
            refused=True,
            needs_settings=True,
        )
    if "access token was refused" in low:
        return Cause(
            QCoreApplication.translate(
                "DownloadMessages",
                "The access token was refused: check it in Settings and accept the "
                "model's licence on its page.",
            ),
            refused=True,
            needs_settings=True,
        )
    if low.startswith("not found") or "not found (404" in low or "(410" in low:
        return Cause(
            QCoreApplication.translate(
                "DownloadMessages", "Not found on {host}: the file was moved or removed."
            ).format(host=host),
            refused=True,
        )
    if "does not match the registry" in low:
        aside = re.search(r"kept aside as (\S+)", text)
        return Cause(
            QCoreApplication.translate(
                "DownloadMessages",
                "The downloaded file is not the official one (its SHA-256 differs); "
                "it was set aside as {name} and not installed.",
            ).format(name=aside.group(1) if aside else "…"),
            refused=True,
        )
    if busy := _SERVER_BUSY.search(text):
        code = busy.group(1)
        return Cause(
            QCoreApplication.translate(
                "DownloadMessages",
                "The server {host} is busy (error {code}): try again later or set a mirror.",
            ).format(host=host, code=code),
            refused=False,
        )
    if "refused the connection" in low or "did not accept the connection" in low:
        return Cause(
            QCoreApplication.translate(
                "DownloadMessages",
                "Cannot connect to {host}: check the connection or set a mirror.",
            ).format(host=host),
            refused=False,
        )
    if "stalled" in low or "no data for" in low or "timed out" in low:
        return Cause(
            QCoreApplication.translate(
                "DownloadMessages",
                "The server {host} stopped sending data: try again later or set a mirror.",
            ).format(host=host),
            refused=False,
        )
    if "connection dropped" in low or "ended early" in low or "connection problem" in low:
        return Cause(
            QCoreApplication.translate(
                "DownloadMessages",
                "The connection to {host} failed: check the connection and try again; "
                "it continues where it stopped.",
            ).format(host=host),
            refused=False,
        )
    if "certificate" in low or "tls" in low or "ssl" in low:
        return Cause(
            QCoreApplication.translate(
                "DownloadMessages",
                "The secure connection to {host} failed (certificate problem): check "
                "the system clock, a proxy or the mirror setting.",
            ).format(host=host),
            refused=False,
        )
    if "disk is full" in low or "not enough free space" in low or "cannot write" in low:
        return Cause(_sentence(error_text(text)), refused=False)
    # Everything else the core says is a fact about this URL or file: a refusal.
    return Cause(
        _sentence(error_text(text))
        or QCoreApplication.translate("DownloadMessages", "The download was refused."),
        refused=True,
    )


def _sentence(text: str) -> str:
    """The core's message as a sentence: capitalised, cut to a readable length."""
    text = " ".join(text.split())
    if len(text) > SHORT_LIMIT:
        text = text[: SHORT_LIMIT - 1].rstrip() + "…"
    return text[:1].upper() + text[1:]


def _size(done: int, total: int | None) -> str:
    from app.gui.formatting import human_size

    return f"{human_size(done)} / {human_size(total)}" if total else human_size(done)


def _phase_text(progress: DownloadProgress) -> str:
    return phase_text(progress.phase)


def look_for(
    view: JobView | None, *, present: bool = False, downloadable: bool = True
) -> DownloadLook:
    """The look of a :class:`~app.core.downloads.queue.JobView` (None: never started)."""
    if view is None or view.state == "done":
        if present:
            return DownloadLook(
                FINISHED,
                "✓ " + QCoreApplication.translate("DownloadMessages", "In your library"),
                (),
            )
        if not downloadable:
            return DownloadLook(
                NONE,
                QCoreApplication.translate("DownloadMessages", "No download address known"),
                (),
            )
        if view is not None:  # done, but the file has gone since (or is being cataloged)
            return DownloadLook(
                FINISHED,
                "✓ " + QCoreApplication.translate("DownloadMessages", "Downloaded"),
                (DOWNLOAD,),
            )
        return DownloadLook(NONE, "", (DOWNLOAD,))
    progress = view.progress
    done = progress.done if progress is not None else 0
    total = progress.total if progress is not None else view.spec.expected_size
    if view.state == "queued":
        return DownloadLook(
            QUEUED,
            QCoreApplication.translate("DownloadMessages", "Waiting for a free download slot…"),
            (PAUSE, CANCEL),
            show_bar=done > 0,
        )
    if view.state == "running":
        return _running(view, progress)
    if view.state in ("paused", "interrupted"):
        if view.state == "interrupted":
            why = QCoreApplication.translate("DownloadMessages", "Stopped when VAE Manager closed.")
        elif progress is None:
            why = QCoreApplication.translate("DownloadMessages", "Paused.")
        else:
            why = QCoreApplication.translate("DownloadMessages", "Paused at {size}.").format(
                size=_size(done, total)
            )
        text = (
            why
            + " "
            + QCoreApplication.translate("DownloadMessages", "Resume continues where it stopped.")
        )
        return DownloadLook(PAUSED, text, (RESUME, DISCARD), show_bar=progress is not None)
    if view.state == "cancelled":
        if done > 0:
            text = QCoreApplication.translate(
                "DownloadMessages",
                "Cancelled; the {size} downloaded so far are kept until you discard them.",
            ).format(size=_size(done, None))
            return DownloadLook(CANCELLED, text, (RESUME, DISCARD))
        return DownloadLook(
            CANCELLED,
            QCoreApplication.translate("DownloadMessages", "Cancelled."),
            (RETRY, DISCARD),
        )
    cause = cause_of(view.error or "", view.spec.url)
    if cause.refused:
        actions = (SETTINGS, DISCARD) if cause.needs_settings else (DISCARD,)
        return DownloadLook(REFUSED, cause.message, actions, details=view.error or "")
    kept = " " + QCoreApplication.translate(
        "DownloadMessages", "The {size} downloaded so far are kept."
    ).format(size=_size(done, None))
    return DownloadLook(
        FAILED,
        cause.message + (kept if done > 0 else ""),
        (RETRY, DISCARD),
        details=view.error or "",
    )


def _running(view: JobView, progress: DownloadProgress | None) -> DownloadLook:
    if progress is None:
        return DownloadLook(
            RUNNING,
            phase_text("connecting"),
            (PAUSE, CANCEL),
            show_bar=True,
            busy=True,
        )
    if progress.phase == "waiting to retry":
        failure = progress.message.split("; retrying in")[0]
        wait = re.search(r"retrying in (\d+) s", progress.message)
        cause = cause_of(failure, view.spec.url).message
        text = (
            cause
            + " "
            + QCoreApplication.translate("DownloadMessages", "Trying again in {n} s.").format(
                n=wait.group(1) if wait else "…"
            )
        )
        return DownloadLook(RUNNING, text, (PAUSE, CANCEL), show_bar=True, details=progress.message)
    return DownloadLook(
        RUNNING, _phase_text(progress), (PAUSE, CANCEL), show_bar=True, busy=not progress.total
    )


def short_state(look: DownloadLook) -> str:
    """One or two words for the task list."""
    words = {
        QUEUED: QCoreApplication.translate("DownloadMessages", "waiting"),
        RUNNING: QCoreApplication.translate("DownloadMessages", "downloading"),
        PAUSED: QCoreApplication.translate("DownloadMessages", "paused"),
        FAILED: QCoreApplication.translate("DownloadMessages", "failed"),
        REFUSED: QCoreApplication.translate("DownloadMessages", "refused"),
        FINISHED: QCoreApplication.translate("DownloadMessages", "finished"),
        CANCELLED: QCoreApplication.translate("DownloadMessages", "cancelled"),
    }
    return words.get(look.state, look.state)
