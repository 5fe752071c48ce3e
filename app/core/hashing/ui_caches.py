"""The "hashes" sections of A1111, Forge, reForge and SD.Next caches, and what each title names.

A1111 <= 1.8 keeps ``<root>/cache.json``; A1111 >= 1.9, Forge and reForge a
diskcache store in ``<root>/cache/hashes/``; SD.Next ``<root>/data/cache.json``.
All hold ``{title: {"mtime", "sha256"}}`` (none records the file's size today;
a ``size`` in bytes, if an entry has one, is read so it can be checked).
Titles are ``<kind>/<name>`` with ``name`` relative to that UI's folder for
the kind, in OS separators (SD.Next may drop the extension). A1111 keeps every
VAE under the bare title "vae".
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from app.core.hashing.diskcache_store import read_store
from app.core.lazy_log import lazy_logger

log = lazy_logger(__name__)

MAX_CACHE_JSON_BYTES = 64 << 20
"""A1111's cache.json also keeps safetensors headers it read (a few MB is normal); past this
parsing it would cost hundreds of MB, for hashes that only ever save hashing a checkpoint."""

EXACT = 1_000
"""Match depth for a title whose default-folder path resolves to the file itself."""

KIND_FOLDERS = {
    "checkpoint": "models/Stable-diffusion",
    "vae": "models/VAE",
    "lora": "models/Lora",
    "hypernet": "models/hypernetworks",
    "textual_inversion": "embeddings",
}


@dataclass(frozen=True)
class CacheEntry:
    """One ``hashes`` entry of a UI cache under ``root``."""

    title: str
    mtime: float
    sha256: str
    source: str
    root: Path
    size: int | None = None

    def name_parts(self) -> list[str]:
        """The title's path after ``<kind>/``, split; [] for kind-only titles like "vae"."""
        kind, sep, name = self.title.partition("/")
        if not sep or not kind:
            return []
        return [part for part in name.replace("\\", "/").split("/") if part]

    def real_path(self) -> str | None:
        """Where the title points in the UI's default folder, links resolved, if it exists."""
        folder = KIND_FOLDERS.get(self.title.partition("/")[0])
        parts = self.name_parts()
        if folder is None or not parts:
            return None
        candidate = self.root.joinpath(folder, *parts)
        return str(candidate.resolve()) if candidate.is_file() else None


def load_ui_cache(root: Path) -> list[CacheEntry]:
    """Every "hashes" entry in the A1111/Forge/reForge/SD.Next caches of the install at ``root``.

    A1111 keeps its cache in its data folder (``modules/cache.py``: ``cache.json``
    up to 1.8, the ``cache/`` diskcache folder from 1.9), which ``--data-dir`` moves
    (``paths_internal.py``); titles are then relative to ``<data dir>/models``.
    """
    entries: list[CacheEntry] = []
    for base in data_dirs(root):
        json_files = ((base / "cache.json", "a1111"), (base / "data" / "cache.json", "sdnext"))
        for json_file, label in json_files:
            entries += _entries(_json_hashes(json_file), f"{label} {json_file}", base)
        store = base / "cache" / "hashes"
        entries += _entries(read_store(store), f"a1111-diskcache {store}", base)
    return entries


def data_dirs(root: Path) -> list[Path]:
    """``root``, and the ``--data-dir`` its launcher script sets when that is elsewhere."""
    from app.core.installs.listing import path_key, resolve_under
    from app.core.installs.webui_args import launch_flags

    try:
        flag = launch_flags(root).get("--data-dir")
    except (OSError, ValueError):
        flag = None
    if flag is None:
        return [root]
    data = resolve_under(root, flag.value)
    return [root] if path_key(data) == path_key(root) else [root, data]


def _json_hashes(json_file: Path) -> dict[str, object]:
    if not json_file.is_file():
        return {}
    try:
        if json_file.stat().st_size > MAX_CACHE_JSON_BYTES:
            log.warning("%s is larger than %d bytes; not read", json_file, MAX_CACHE_JSON_BYTES)
            return {}
        data = json.loads(json_file.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:  # RecursionError: absurd nesting
        log.info("cannot read %s: %s", json_file, exc)
        return {}
    section = data.get("hashes") if isinstance(data, dict) else None
    return section if isinstance(section, dict) else {}


def _entries(section: dict[str, object], source: str, root: Path) -> list[CacheEntry]:
    entries = []
    for title, value in section.items():
        if not isinstance(title, str) or not isinstance(value, dict):
            continue
        mtime, sha = value.get("mtime"), value.get("sha256")
        if isinstance(mtime, int | float) and not isinstance(mtime, bool) and isinstance(sha, str):
            size = value.get("size")
            size = size if isinstance(size, int) and not isinstance(size, bool) else None
            entries.append(CacheEntry(title, float(mtime), sha.lower(), source, root, size))
    return entries


def path_tails(path: Path) -> list[list[str]]:
    """The path's components (normalised for this OS), as given and with links resolved."""
    seen: list[list[str]] = []
    for p in (path.absolute(), path.resolve()):
        parts = [os.path.normcase(part) for part in p.parts]
        if parts not in seen:
            seen.append(parts)
    return seen


def tail_depth(entry: CacheEntry, tails: list[list[str]]) -> int:
    """How many trailing path components the title's name matches (0: not this file)."""
    want = [os.path.normcase(part) for part in entry.name_parts()]
    if not want:
        return 0
    for parts in tails:
        if len(want) > len(parts) or parts[-len(want) : -1] != want[:-1]:
            continue
        if want[-1] in (parts[-1], os.path.splitext(parts[-1])[0]):
            return len(want)
    return 0
