"""Reuse hashes other UIs already computed, while the file is unchanged since.

* Stability Matrix ``<stem>.cm-info.json`` next to the model (``Hashes.SHA256``,
  ``Hashes.BLAKE3``, keys in any case). SM never revalidates it, so it is
  trusted only when the sidecar is at least as new as the model.
* A1111/Forge/reForge/SD.Next caches (:mod:`ui_caches`), with their own rule: an
  entry is valid iff ``getmtime(file) <= entry mtime``.

An entry belongs to a file when its title, placed in the UI's default folder,
resolves to the file (links followed both ways), or else when its name is a tail
of the file's path (custom model folders). The deepest match wins; equally deep
matches that disagree, or a sidecar that disagrees with a UI cache, give None.
Forge 2.0 stored ``sha256(basename)`` for a while; such values and anything that
is not 64 hex are dropped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.hashing.ui_caches import EXACT, CacheEntry, load_ui_cache, path_tails, tail_depth

log = logging.getLogger(__name__)

_HEX64 = re.compile(r"[0-9a-f]{64}")
SIDECAR_SUFFIX = ".cm-info.json"


@dataclass(frozen=True)
class CachedHashes:
    """Hashes found in another tool's cache; ``source`` says which file vouched for them."""

    sha256: str
    blake3: str | None
    source: str


def find_cached_hashes(path: Path, ui_roots: Sequence[Path] = ()) -> CachedHashes | None:
    """Hashes of ``path`` from a sidecar or the caches under ``ui_roots``, if still valid."""
    return ForeignHashIndex(ui_roots).lookup(path)


class ForeignHashIndex:
    """The UI caches under some roots, loaded once, for looking up many files."""

    def __init__(self, ui_roots: Sequence[Path] = ()) -> None:
        self.entries = [entry for root in ui_roots for entry in load_ui_cache(Path(root))]
        self._by_real_path: dict[str, list[CacheEntry]] = {}
        for entry in self.entries:
            real = entry.real_path()
            if real is not None:
                self._by_real_path.setdefault(real, []).append(entry)

    def lookup(self, path: Path) -> CachedHashes | None:
        """Valid cached hashes for ``path``; None when nothing trustworthy is known."""
        path = Path(path)
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return None
        side = read_sidecar(path, mtime)
        ui = self._from_ui_caches(path, mtime)
        if side is None:
            return ui
        sha, b3, source = side
        if sha is not None and ui is not None and ui.sha256 != sha:
            log.warning("%s: %s and %s disagree; ignoring both", path, source, ui.source)
            return None
        if sha is not None:
            return CachedHashes(sha, b3, source)
        return CachedHashes(ui.sha256, b3, f"{ui.source} + {source}") if ui else None

    def _from_ui_caches(self, path: Path, mtime: float) -> CachedHashes | None:
        """The deepest-matching valid entry; None if none, or if equally deep ones disagree."""
        tails = path_tails(path)
        exact = self._by_real_path.get(str(path.resolve()), [])
        scored = [(EXACT, e) for e in exact] + [(tail_depth(e, tails), e) for e in self.entries]
        found: dict[int, list[CacheEntry]] = {}
        for depth, entry in scored:
            if depth and mtime <= entry.mtime and _plausible(entry.sha256, path, entry.title):
                found.setdefault(depth, []).append(entry)
        if not found:
            return None
        best = found[max(found)]
        if len({entry.sha256 for entry in best}) > 1:
            log.warning("%s: cached hashes disagree; ignoring them", path)
            return None
        return CachedHashes(best[0].sha256, None, best[0].source)


def read_sidecar(path: Path, model_mtime: float) -> tuple[str | None, str | None, str] | None:
    """(sha256, blake3, source) from a Stability Matrix sidecar not older than the model."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    try:
        if sidecar.stat().st_mtime < model_mtime:
            return None
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    hashes = _get_ci(data, "hashes")
    sha, b3 = _hex_or_none(_get_ci(hashes, "sha256")), _hex_or_none(_get_ci(hashes, "blake3"))
    if sha is not None and not _plausible(sha, path, ""):
        sha = None
    if sha is None and b3 is None:
        return None
    return sha, b3, f"stability-matrix {sidecar}"


def _get_ci(mapping: object, key: str) -> object:
    if not isinstance(mapping, dict):
        return None
    for k, v in mapping.items():
        if isinstance(k, str) and k.lower() == key:
            return v
    return None


def _hex_or_none(value: object) -> str | None:
    if isinstance(value, str) and _HEX64.fullmatch(value.lower()):
        return value.lower()
    return None


def _plausible(sha: str, path: Path, title: str) -> bool:
    """64 hex, and not Forge 2.0's fake ``sha256(basename)``."""
    if not _HEX64.fullmatch(sha):
        return False
    names = {path.name, title.replace("\\", "/").rsplit("/", 1)[-1]}
    return all(sha != hashlib.sha256(n.encode("utf-8")).hexdigest() for n in names if n)
