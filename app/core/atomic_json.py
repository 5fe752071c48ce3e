"""Write a JSON file so a crash leaves either the old or the new version.

The queue state and the settings file are rewritten often; a torn write would
lose the user's queue or their settings.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path


def write_json_atomic(path: Path, data: object, *, private: bool = False) -> None:
    """Write ``data`` to a unique temp file beside ``path``, fsync, then ``os.replace``.

    ``private`` makes the file readable by its owner only (it may hold a token).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
