"""What the CLI's ``download ID|URL [--to DIR] [--json]`` needs, in one call.

The CLI stays a thin shell: it parses arguments, calls
:func:`download_command_result` with a progress printer, and prints
``result.summary`` or ``result.to_json()``.
"""

from __future__ import annotations

from pathlib import Path

from app.core.downloads.downloader import CompletionHook, Downloader
from app.core.downloads.records import DownloadProgress, DownloadProgressCallback, DownloadResult
from app.core.downloads.settings import DownloadSettings, load_download_settings
from app.core.downloads.specs import spec_for_entry, spec_for_url
from app.core.errors import UserError
from app.core.registry import Registry, app_registry
from app.core.tasks import CancelToken


def download_command_result(
    target: str,
    dest_dir: Path | None = None,
    *,
    registry: Registry | None = None,
    settings: DownloadSettings | None = None,
    progress: DownloadProgressCallback | None = None,
    cancel: CancelToken | None = None,
    on_complete: CompletionHook | None = None,
) -> DownloadResult:
    """Download a registry entry (by id) or a pasted URL into ``dest_dir`` (default: library).

    Raises :class:`UserError` with a printable message, or ``Cancelled`` (Ctrl+C
    handled by the caller cancelling ``cancel``); the ``.part`` then stays for a rerun.
    """
    registry = registry if registry is not None else app_registry()
    settings = settings if settings is not None else load_download_settings()
    entry = registry.get(target)
    if entry is not None:
        spec = spec_for_entry(entry, dest_dir, settings)
    elif "://" in target:
        spec = spec_for_url(target, dest_dir, settings)
    else:
        raise UserError(
            f"{target!r} is neither a registry id nor a URL; see the known ids with: known"
        )
    return Downloader(settings, on_complete=on_complete).download(spec, progress, cancel)


def format_progress(progress: DownloadProgress) -> str:
    """One status line, e.g. ``vae.safetensors  45.2%  151.3/334.6 MB  12.3 MB/s  ETA 0:15``."""
    parts = [progress.filename]
    if progress.fraction is not None:
        parts.append(f"{progress.fraction * 100:5.1f}%")
    done = progress.done / 1e6
    parts.append(
        f"{done:.1f}/{progress.total / 1e6:.1f} MB" if progress.total else f"{done:.1f} MB"
    )
    if progress.speed > 0:
        parts.append(f"{progress.speed / 1e6:.1f} MB/s")
    if progress.eta_seconds is not None:
        minutes, seconds = divmod(int(progress.eta_seconds), 60)
        parts.append(f"ETA {minutes}:{seconds:02d}")
    if progress.phase != "downloading":
        parts.append(f"({progress.phase}{': ' + progress.message if progress.message else ''})")
    return "  ".join(parts)
