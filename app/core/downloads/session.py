"""The HTTP session downloads use: identity encoding and a host-bound token.

The token is attached only when the request goes to Hugging Face or the
configured mirror. requests strips ``Authorization`` on a redirect to another
host and never calls this auth again, so a CDN or a foreign host never sees it.
"""

from __future__ import annotations

import requests
from requests.auth import AuthBase

from app.core.downloads.settings import DownloadSettings
from app.core.downloads.urls import token_allowed

USER_AGENT = "vae-manager/0.1"


class HostBoundToken(AuthBase):
    """``Authorization: Bearer`` for allowed hosts only; masked in its repr."""

    def __init__(self, token: str, endpoint: str | None) -> None:
        self._token = token
        self._endpoint = endpoint

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Attach the header if the request's origin may see the token."""
        if request.url and token_allowed(request.url, self._endpoint):
            request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "HostBoundToken(****)"


def make_session(settings: DownloadSettings) -> requests.Session:
    """A fresh session: one per transfer, since sessions are not thread-safe."""
    session = requests.Session()
    # Range offsets count encoded bytes: a compressed body would break resume.
    session.headers.update({"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
    if settings.token:
        session.auth = HostBoundToken(settings.token, settings.endpoint)
    return session


def token_sent(response: requests.Response) -> bool:
    """Whether the request that produced ``response`` carried the token."""
    return "Authorization" in response.request.headers
