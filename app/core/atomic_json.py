"""Write a JSON file so a crash leaves either the old or the new version.

The queue state and the settings file are rewritten often; a torn write would
lose the user's queue or their settings.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from pathlib import Path


def write_json_atomic(path: Path, data: object, *, private: bool = False) -> None:
    """Write ``data`` to a new temp file beside ``path``, fsync, then ``os.replace``.

    ``private`` makes the file readable by its owner only (it may hold a token).
    The temp name is created exclusively, so a file or link planted under it is
    never written through nor removed; only the temp this call made is cleaned up.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json_text(data)
    tag = f"{os.getpid()}.{threading.get_ident()}.{secrets.token_hex(4)}"
    tmp = path.with_name(f".{path.name}.{tag}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o600 if private else 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def json_text(data: object) -> str:
    r"""Readable JSON (UTF-8 as is), or all-ASCII escapes when text holds lone surrogates.

    A file name that is not valid UTF-8 reaches Python as surrogate escapes; written
    as JSON ``\u`` escapes it reads back as the very same string, so nothing is lost.
    """
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, indent=2, ensure_ascii=True) + "\n"
    return text
