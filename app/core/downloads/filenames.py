"""Turn a server-given or URL-derived name into one safe to create on any OS.

A Content-Disposition header is attacker-controlled: without this, a name like
``../../.bashrc`` or ``CON`` would write outside the folder or fail on Windows.
Registry entries never pass through here; they keep their canonical names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from email.message import Message
from email.utils import collapse_rfc2231_value
from pathlib import Path
from urllib.parse import unquote, urlsplit

FALLBACK_NAME = "download"
MAX_NAME_BYTES = 200
_MAX_SUFFIX = 16
_FORBIDDEN = re.compile(r'[<>:"|?*]')
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{kind}{n}" for kind in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)


def sanitize_filename(name: str, fallback: str = FALLBACK_NAME) -> str:
    """A bare file name with no directory parts, control or reserved names."""
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = _FORBIDDEN.sub("_", name)
    name = name.strip().rstrip(". ").lstrip(". ")
    if not name:
        return fallback
    if name.split(".")[0].rstrip(" ").upper() in _RESERVED:
        name = "_" + name
    return _cap_length(name)


def _cap_length(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    suffix = Path(name).suffix
    suffix = suffix if len(suffix) <= _MAX_SUFFIX else ""
    stem = name[: len(name) - len(suffix)]
    room = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    stem = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip(". ")
    return (stem or FALLBACK_NAME) + suffix


def filename_from_content_disposition(header: str | None) -> str | None:
    """The (still unsanitised) name in a Content-Disposition header, if any.

    ``filename*=UTF-8''...`` (RFC 6266/5987) wins over ``filename=``.
    """
    if not header:
        return None
    message = Message()
    message["content-disposition"] = header
    plain, extended = None, None
    for key, value in (message.get_params(header="content-disposition") or [])[1:]:
        if key.lower() != "filename":
            continue
        if isinstance(value, tuple):
            extended = collapse_rfc2231_value(value)
        else:
            plain = value
    name = (extended or plain or "").strip()
    return name or None


def filename_from_url(url: str) -> str | None:
    """The last path segment of a URL, percent-decoded, if it is not empty."""
    segment = urlsplit(url).path.rsplit("/", 1)[-1]
    name = unquote(segment).strip()
    return name or None


def numbered_names(filename: str, limit: int = 1000) -> Iterator[str]:
    """``name (1).ext``, ``name (2).ext``, ...: names for a file beside a namesake."""
    path = Path(filename)
    for number in range(1, limit):
        yield f"{path.stem} ({number}){path.suffix}"
