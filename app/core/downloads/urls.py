"""Which URLs may be fetched, the mirror rewrite, and where the token may go.

Plain http is only accepted for loopback hosts (tests, a local mirror): model
files are code-adjacent, so a network attacker must not be able to swap them.
Private and loopback addresses stay allowed (a mirror on the LAN, the tests'
own server), but never an address that is not one host: the unspecified
``0.0.0.0`` / ``::`` (which reaches this computer's own services), broadcast and
multicast. Every address is checked before it is connected to, also after a redirect.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit

from app.core.errors import UserError

HF_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_BROADCAST = ipaddress.ip_address("255.255.255.255")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedAddress(UserError):
    """An address the app will not connect to; a fact about the URL, never retried."""


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
    try:
        reason = address_refusal(host, parts.port or 443, resolve=False)
    except ValueError as exc:
        raise UserError(f"the {what} {url!r} is not a valid URL: {exc}") from exc
    if reason:
        raise RefusedAddress(f"the {what} {display_url(url)} is {reason}: refused")
    return url


def check_hop(url: str, *, redirected: bool) -> str:
    """Refuse ``url`` before connecting to it: scheme, plain-http rule and address class.

    ``redirected`` words the message as the server's doing ("the server redirected
    to file:///etc/passwd, which is not an http(s) address: refused").
    """
    shown = _shown(url)
    lead = f"the server redirected to {shown}" if redirected else f"the address {shown}"
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise RefusedAddress(f"{lead}, which is not a valid URL ({exc}): refused") from exc
    if parts.scheme not in ("http", "https"):
        raise RefusedAddress(f"{lead}, which is not an http(s) address: refused")
    if not host:
        raise RefusedAddress(f"{lead}, which names no host: refused")
    plain = parts.scheme == "http" and not is_loopback_host(host)
    port = port or (443 if parts.scheme == "https" else 80)
    reason = address_refusal(host, port, resolve=not plain)
    if reason:
        raise RefusedAddress(f"{lead}, which is {reason}: refused")
    if plain:
        raise RefusedAddress(
            f"{lead}, plain http to another computer (only https is allowed there): refused"
        )
    return url


def address_refusal(host: str, port: int, *, resolve: bool = True) -> str | None:
    """Why ``host`` is not one host to connect to (None: it is).

    IP literals in every spelling the resolver accepts (``0``, ``0x0``,
    ``[::ffff:0.0.0.0]``) are read without a lookup; a name is resolved and
    refused if any of its addresses is refused (unless ``resolve`` is False). A
    name that does not resolve is left to the request, which reports it.
    """
    for address in _addresses(host, port, resolve):
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address.is_unspecified or address in _THIS_NETWORK:
            return f"the unspecified address {address} (it reaches this computer's own services)"
        if address == _BROADCAST:
            return f"the broadcast address {address}"
        if address.is_multicast:
            return f"the multicast address {address}"
    return None


def _addresses(host: str, port: int, resolve: bool) -> list[IPAddress]:
    literal = _literal(host)
    if literal is not None:
        return [literal]
    if not resolve or host.lower() == "localhost":
        return []
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return []
    found = []
    for info in infos:
        literal = _literal(str(info[4][0]))
        if literal is not None:
            found.append(literal)
    return found


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    try:  # the short and numeric IPv4 forms: "0", "0x7f.1", "4294967295"
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError, UnicodeError):
        return None


def _shown(url: str) -> str:
    try:
        return display_url(url)
    except ValueError:
        return url if len(url) <= 200 else url[:197] + "..."


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
    host = f"[{host}]" if ":" in host else host
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
