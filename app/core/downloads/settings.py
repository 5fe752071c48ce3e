"""Mirror endpoint, access token and parallelism for downloads.

They live under the ``"downloads"`` key of the app's settings JSON; the
``HF_ENDPOINT`` / ``HF_TOKEN`` environment variables (the Hugging Face
convention) fill in what the file leaves unset. The token never appears in a
repr, a log line or an error message: only :attr:`DownloadSettings.masked_token`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.core.downloads.urls import check_url_allowed
from app.core.errors import UserError
from app.core.settings import read_settings, update_setting

SETTINGS_KEY = "downloads"
ENDPOINT_ENV = "HF_ENDPOINT"
TOKEN_ENV = "HF_TOKEN"
DEFAULT_MAX_PARALLEL = 2


@dataclass(frozen=True)
class DownloadSettings:
    """Where Hugging Face files come from and how to authenticate there."""

    endpoint: str | None = None
    token: str | None = field(default=None, repr=False)
    max_parallel: int = DEFAULT_MAX_PARALLEL

    def __post_init__(self) -> None:
        if self.endpoint:
            check_url_allowed(self.endpoint, what="mirror endpoint")
        if self.token and any(ch.isspace() for ch in self.token):
            raise UserError("the access token must not contain spaces or line breaks")
        if self.max_parallel < 1:
            raise UserError("at least one download must be allowed at a time")

    @property
    def masked_token(self) -> str:
        """The token as it may be shown: set or not, never its value."""
        if not self.token:
            return "(none)"
        return "****" + self.token[-4:] if len(self.token) >= 12 else "****"

    def __repr__(self) -> str:
        return (
            f"DownloadSettings(endpoint={self.endpoint!r}, token={self.masked_token}, "
            f"max_parallel={self.max_parallel})"
        )

    def to_json(self) -> dict[str, object]:
        """The stored form (the token included: the file is private)."""
        return {"endpoint": self.endpoint, "token": self.token, "max_parallel": self.max_parallel}


def stored_download_settings(settings_file: Path | None = None) -> DownloadSettings:
    """Only what the settings file holds (for a settings form), no environment."""
    raw = read_settings(settings_file).get(SETTINGS_KEY)
    raw = raw if isinstance(raw, dict) else {}
    return DownloadSettings(
        endpoint=_clean(raw.get("endpoint")),
        token=_clean(raw.get("token")),
        max_parallel=_positive_int(raw.get("max_parallel"), DEFAULT_MAX_PARALLEL),
    )


def load_download_settings(
    settings_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> DownloadSettings:
    """The effective settings: the file's values, else ``HF_ENDPOINT`` / ``HF_TOKEN``."""
    env = os.environ if environ is None else environ
    stored = stored_download_settings(settings_file)
    return DownloadSettings(
        endpoint=stored.endpoint or _clean(env.get(ENDPOINT_ENV)),
        token=stored.token or _clean(env.get(TOKEN_ENV)),
        max_parallel=stored.max_parallel,
    )


def save_download_settings(settings: DownloadSettings, settings_file: Path | None = None) -> None:
    """Store these values under ``"downloads"``, keeping every other key of the file."""
    update_setting(SETTINGS_KEY, settings.to_json(), settings_file)


def _clean(value: object) -> str | None:
    text = str(value).strip() if value else ""
    return text or None


def _positive_int(value: object, default: int) -> int:
    return value if isinstance(value, int) and value >= 1 else default
