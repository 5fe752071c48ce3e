"""Downloads of official VAEs and pasted URLs: resumable, verified, queued.

Entry points: :class:`Downloader` for one transfer, :class:`DownloadQueue` for
the GUI's queue, :func:`download_command_result` for the CLI.
The names below load on first use (:mod:`app.core.lazy_names`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.lazy_names import lazy_names

if TYPE_CHECKING:
    from app.core.downloads.command import download_command_result, format_progress
    from app.core.downloads.downloader import Downloader
    from app.core.downloads.finalize import ChecksumMismatch
    from app.core.downloads.locks import TargetBusy
    from app.core.downloads.queue import DownloadQueue, JobView
    from app.core.downloads.records import DownloadProgress, DownloadResult, DownloadSpec
    from app.core.downloads.settings import (
        DownloadSettings,
        load_download_settings,
        save_download_settings,
    )
    from app.core.downloads.specs import spec_for_entry, spec_for_url
    from app.core.downloads.transfer import Tuning

__all__ = [
    "ChecksumMismatch",
    "DownloadProgress",
    "DownloadQueue",
    "DownloadResult",
    "DownloadSettings",
    "DownloadSpec",
    "Downloader",
    "JobView",
    "TargetBusy",
    "Tuning",
    "download_command_result",
    "format_progress",
    "load_download_settings",
    "save_download_settings",
    "spec_for_entry",
    "spec_for_url",
]

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "download_command_result": "command",
        "format_progress": "command",
        "Downloader": "downloader",
        "ChecksumMismatch": "finalize",
        "TargetBusy": "locks",
        "DownloadQueue": "queue",
        "JobView": "queue",
        "DownloadProgress": "records",
        "DownloadResult": "records",
        "DownloadSpec": "records",
        "DownloadSettings": "settings",
        "load_download_settings": "settings",
        "save_download_settings": "settings",
        "spec_for_entry": "specs",
        "spec_for_url": "specs",
        "Tuning": "transfer",
    },
    globals(),
)
