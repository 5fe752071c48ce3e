"""Which URLs may be fetched, the mirror rewrite, and where the token may go.

Plain http is only accepted for loopback hosts (tests, a local mirror): model
files are code-adjacent, so a network attacker must not be able to swap them.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

from app.core.errors import UserError

HF_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})


def is_loopback_host(host: str | None) -> bool:
    """True for localhost and 127.0.0.0/8 or ::1 literals."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url_allowed(url: str, *, what: str = "URL") -> str:
    """Return ``url`` stripped, or raise :class:`UserError` saying what is wrong with it."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise UserError(f"the {what} {url!r} is not a valid URL: {exc}") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise UserError(f"the {what} must be an https:// address, got {url!r}")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise UserError(
            f"the {what} must use https:// (plain http is only allowed for this computer): {url}"
        )
    return url


def apply_mirror(url: str, endpoint: str | None) -> str:
    """Point a huggingface.co URL at ``endpoint`` (the ``HF_ENDPOINT`` convention).

    Scheme and host are replaced, the path and query kept; a path in the endpoint
    (``https://host/prefix``) is put in front. Other hosts are left alone.
    """
    if not endpoint:
        return url
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in HF_HOSTS:
        return url
    mirror = urlsplit(endpoint.rstrip("/"))
    return urlunsplit((mirror.scheme, mirror.netloc, mirror.path + parts.path, parts.query, ""))


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, lower-case host and explicit-or-default port of a URL."""
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def token_allowed(url: str, endpoint: str | None) -> bool:
    """Whether the access token may be sent to ``url``: Hugging Face or the mirror only."""
    scheme, host, port = origin(url)
    if scheme == "https" and host in HF_HOSTS:
        return True
    return bool(endpoint) and origin(url) == origin(endpoint or "")


def display_url(url: str) -> str:
    """The URL without credentials or query string, for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
