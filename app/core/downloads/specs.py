"""Build a :class:`DownloadSpec` from a registry entry or a pasted URL.

Entries keep their canonical file names and pinned hash; pasted URLs get a
sanitised server-given name and may land beside an existing file of that name.
Both go through the mirror rewrite, so the spec shows where bytes really come from.
"""

from __future__ import annotations

from pathlib import Path

import requests

from app.core.downloads.filenames import (
    filename_from_content_disposition,
    filename_from_url,
    sanitize_filename,
)
from app.core.downloads.records import DownloadSpec
from app.core.downloads.redirects import send_checked
from app.core.downloads.session import make_session
from app.core.downloads.settings import DownloadSettings, load_download_settings
from app.core.downloads.urls import apply_mirror, check_url_allowed
from app.core.errors import UserError
from app.core.registry import GENERIC_FILENAMES, KnownVae

PROBE_TIMEOUT = (10.0, 10.0)


def default_dest_dir() -> Path:
    """The app's own library folder for VAEs (wherever the user moved the library)."""
    from app.core.library.layout import library_vae_dir

    return library_vae_dir()


def spec_for_entry(
    entry: KnownVae, dest_dir: Path | None = None, settings: DownloadSettings | None = None
) -> DownloadSpec:
    """Spec for a registry entry: canonical name, pinned SHA-256 (if verified) and size.

    Generic diffusers names (``diffusion_pytorch_model.safetensors``) would collide
    between entries, so those go into a subfolder named after the entry id.
    """
    if not entry.url:
        raise UserError(f"{entry.display_name} has no download address in the registry")
    settings = settings if settings is not None else load_download_settings()
    folder = dest_dir if dest_dir is not None else default_dest_dir()
    if entry.filename.lower() in GENERIC_FILENAMES:
        folder = folder / entry.id
    url = apply_mirror(
        check_url_allowed(entry.url, what=f"address of {entry.id}"), settings.endpoint
    )
    return DownloadSpec(
        url=url,
        dest_dir=folder,
        filename=entry.filename,
        expected_sha256=entry.sha256 if entry.verified else None,
        expected_size=entry.size_bytes,
        entry_id=entry.id,
    )


def spec_for_url(
    url: str,
    dest_dir: Path | None = None,
    settings: DownloadSettings | None = None,
    *,
    probe: bool = True,
) -> DownloadSpec:
    """Spec for a pasted URL (https only, except loopback).

    With ``probe`` a HEAD request asks the server for its file name
    (Content-Disposition); otherwise, or if it gives none, the URL's last path
    segment is used. Either way the name is sanitised.
    """
    settings = settings if settings is not None else load_download_settings()
    url = apply_mirror(check_url_allowed(url), settings.endpoint)
    name = _probe_name(url, settings) if probe else None
    return DownloadSpec(
        url=url,
        dest_dir=dest_dir if dest_dir is not None else default_dest_dir(),
        filename=sanitize_filename(name or filename_from_url(url) or ""),
        rename_on_conflict=True,
    )


def _probe_name(url: str, settings: DownloadSettings) -> str | None:
    try:
        with make_session(settings) as session:
            response = send_checked(
                session, "HEAD", url, headers={}, timeout=PROBE_TIMEOUT, stream=False
            )
    except (requests.RequestException, UserError):
        return None  # the download itself will report the problem
    if not response.ok:
        return None
    return filename_from_content_disposition(response.headers.get("Content-Disposition"))
