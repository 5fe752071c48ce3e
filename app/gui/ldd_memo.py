"""Remember a display-plugin check that found every library, so the next start skips ``ldd``.

``ldd`` is a process on every start (6-7 ms of CPU, competing with the window's
own start on a busy machine) for an answer that only changes when libraries
are installed or removed. After a check that found nothing missing, its output
is kept with what the answer depends on: the plugin file (size, mtime), the
loader's cache ``/etc/ld.so.cache`` (size, mtime: ``ldconfig`` rewrites it
whenever a package adds or removes a library) and ``LD_LIBRARY_PATH``. A later
start uses the kept output only while all of them are unchanged and every
library it names still exists; otherwise ``ldd`` runs again. A check that found
libraries missing is never kept: the user is about to install them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

FILE_NAME = "display-plugin-ldd.txt"
LOADER_CACHE = Path("/etc/ld.so.cache")
_RESOLVED = re.compile(r"=>\s*(/\S+)")


def _stat_key(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return "-"
    return f"{info.st_size}:{info.st_mtime_ns}"


def memo_key(binary: Path, environ: Mapping[str, str] | None = None) -> str:
    """What a kept answer for ``binary`` depends on, as one line."""
    env = os.environ if environ is None else environ
    parts = (str(binary), _stat_key(binary), _stat_key(LOADER_CACHE),
             env.get("LD_LIBRARY_PATH", ""))  # fmt: skip
    return "\t".join(parts).replace("\n", " ")


def memo_file() -> Path:
    """Where the kept answer lives (the app's cache folder: ``$VAE_MANAGER_HOME`` moves it)."""
    from app.core.paths import app_paths

    return app_paths().cache_dir / FILE_NAME


def recall(binary: Path, file: Path | None = None) -> str | None:
    """The kept ``ldd`` output for ``binary`` while it still holds, else None."""
    try:
        text = (file or memo_file()).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    key, _, output = text.partition("\n")
    if key != memo_key(binary) or "not found" in output:
        return None
    libraries = _RESOLVED.findall(output)
    if not libraries or not all(os.path.exists(lib) for lib in libraries):
        return None
    return output


def remember(binary: Path, output: str, file: Path | None = None) -> bool:
    """Keep ``output`` of a check that found every library; False when not kept.

    Written to an exclusive temporary name and renamed over the previous
    answer (the app's own cache file), so a reader never sees half of one.
    """
    if "not found" in output or not _RESOLVED.search(output):
        return False
    target = file or memo_file()
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(memo_key(binary) + "\n" + output)
        os.replace(temp, target)
    except OSError:
        temp.unlink(missing_ok=True)
        return False
    return True
