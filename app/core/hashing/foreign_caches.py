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

None of this is proof: a sidecar or cache entry is a file anyone can write. An
entry is ignored (and kept in :attr:`ForeignHashIndex.ignored`, and logged)
when the size it records disagrees with the file, or when it claims the hash
of a registry file whose size the registry knows and the file has another
size (a 167 MB file claiming to be the 334 MB SDXL VAE). What the hashes may
be used for at all is :mod:`app.core.hashing.provenance`'s rule.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.hashing.provenance import IgnoredHash
from app.core.hashing.ui_caches import EXACT, CacheEntry, load_ui_cache, path_tails, tail_depth
from app.core.lazy_log import lazy_logger

log = lazy_logger(__name__)

_HEX64 = re.compile(r"[0-9a-f]{64}")
SIDECAR_SUFFIX = ".cm-info.json"
MAX_SIDECAR_BYTES = 1 << 20
"""Real sidecars are a few KB (a description and a list of tags); more is not one."""


@dataclass(frozen=True)
class CachedHashes:
    """Hashes found in another tool's cache; ``source`` says which file vouched for them."""

    sha256: str
    blake3: str | None
    source: str


ExpectedSize = Callable[[str], "int | None"]
"""The registry's size in bytes for a SHA-256 (``Registry.expected_size``)."""


@dataclass(frozen=True)
class Sidecar:
    """What a Stability Matrix ``.cm-info.json`` says about its model."""

    sha256: str | None
    blake3: str | None
    source: str
    size: tuple[float, float] | None = None  # (bytes, tolerance) when it records one


def find_cached_hashes(
    path: Path, ui_roots: Sequence[Path] = (), *, expected_size: ExpectedSize | None = None
) -> CachedHashes | None:
    """Hashes of ``path`` from a sidecar or the caches under ``ui_roots``, if still valid."""
    return ForeignHashIndex(ui_roots, expected_size=expected_size).lookup(path)


class ForeignHashIndex:
    """The UI caches under some roots, loaded once, for looking up many files.

    ``ignored`` collects the entries that matched a file but were not believed.
    """

    def __init__(
        self, ui_roots: Sequence[Path] = (), *, expected_size: ExpectedSize | None = None
    ) -> None:
        self.entries = [entry for root in ui_roots for entry in load_ui_cache(Path(root))]
        self.ignored: list[IgnoredHash] = []
        self._expected_size = expected_size
        self._by_real_path: dict[str, list[CacheEntry]] = {}
        for entry in self.entries:
            real = entry.real_path()
            if real is not None:
                self._by_real_path.setdefault(real, []).append(entry)

    def lookup(self, path: Path) -> CachedHashes | None:
        """Valid cached hashes for ``path``; None when nothing trustworthy is known."""
        path = Path(path)
        try:
            st = path.stat()
        except OSError:
            return None
        mtime, size = st.st_mtime, st.st_size
        side = read_sidecar(path, mtime)
        if side is not None and self._refused(path, size, side.sha256, side.size, side.source):
            side = None
        ui = self._from_ui_caches(path, mtime, size)
        if side is None:
            return ui
        sha, b3, source = side.sha256, side.blake3, side.source
        if sha is not None and ui is not None and ui.sha256 != sha:
            log.warning("%s: %s and %s disagree; ignoring both", path, source, ui.source)
            return None
        if sha is not None:
            return CachedHashes(sha, b3, source)
        return CachedHashes(ui.sha256, b3, f"{ui.source} + {source}") if ui else None

    def _from_ui_caches(self, path: Path, mtime: float, size: int) -> CachedHashes | None:
        """The deepest-matching valid entry; None if none, or if equally deep ones disagree."""
        tails = path_tails(path)
        exact = self._by_real_path.get(str(path.resolve()), [])
        scored = [(EXACT, e) for e in exact] + [(tail_depth(e, tails), e) for e in self.entries]
        found: dict[int, list[CacheEntry]] = {}
        believed: dict[int, bool] = {}  # an entry can match twice: by real path and by tail
        for depth, entry in scored:
            if not depth or mtime > entry.mtime or not _plausible(entry.sha256, path, entry.title):
                continue
            if id(entry) not in believed:
                recorded = None if entry.size is None else (float(entry.size), 0.0)
                refused = self._refused(path, size, entry.sha256, recorded, entry.source)
                believed[id(entry)] = not refused
            if believed[id(entry)]:
                found.setdefault(depth, []).append(entry)
        if not found:
            return None
        best = found[max(found)]
        if len({entry.sha256 for entry in best}) > 1:
            log.warning("%s: cached hashes disagree; ignoring them", path)
            return None
        return CachedHashes(best[0].sha256, None, best[0].source)

    def _refused(
        self,
        path: Path,
        size: int,
        sha: str | None,
        recorded: tuple[float, float] | None,
        source: str,
    ) -> bool:
        """Whether an entry's claim contradicts the file's size; if so it is noted and logged."""
        reason = None
        if recorded is not None and abs(recorded[0] - size) > recorded[1]:
            reason = f"it records {round(recorded[0]):,} bytes but the file has {size:,}"
        elif sha is not None and self._expected_size is not None:
            expected = self._expected_size(sha)
            if expected is not None and expected != size:
                reason = (
                    f"it claims the hash of a registry file of {expected:,} bytes "
                    f"but the file has {size:,}"
                )
        if reason is None:
            return False
        log.warning("%s: not believing %s: %s", path, source, reason)
        self.ignored.append(IgnoredHash(str(path), source, reason))
        return True


class LazyForeignIndex:
    """A :class:`ForeignHashIndex` loaded on the first lookup (most scans never need one)."""

    def __init__(
        self, ui_roots: Sequence[Path] = (), *, expected_size: ExpectedSize | None = None
    ) -> None:
        self._ui_roots = tuple(ui_roots)
        self._expected_size = expected_size
        self._index: ForeignHashIndex | None = None

    def __call__(self, path: Path) -> CachedHashes | None:
        """Same as :meth:`ForeignHashIndex.lookup`."""
        if self._index is None:
            self._index = ForeignHashIndex(self._ui_roots, expected_size=self._expected_size)
        return self._index.lookup(path)

    def drain_ignored(self) -> list[IgnoredHash]:
        """The entries not believed since the last call."""
        if self._index is None:
            return []
        ignored, self._index.ignored = self._index.ignored, []
        return ignored


def read_sidecar(path: Path, model_mtime: float) -> Sidecar | None:
    """What a Stability Matrix sidecar not older than the model says about it."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    try:
        st = sidecar.stat()
        if st.st_mtime < model_mtime or not stat.S_ISREG(st.st_mode):
            return None
        if st.st_size > MAX_SIDECAR_BYTES:
            log.warning("%s: %d bytes, more than a sidecar holds; ignored", sidecar, st.st_size)
            return None
        with open(sidecar, "rb") as f:
            data = json.loads(f.read(MAX_SIDECAR_BYTES + 1).decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        return None
    hashes = _get_ci(data, "hashes")
    sha, b3 = _hex_or_none(_get_ci(hashes, "sha256")), _hex_or_none(_get_ci(hashes, "blake3"))
    if sha is not None and not _plausible(sha, path, ""):
        sha = None
    if sha is None and b3 is None:
        return None
    return Sidecar(sha, b3, f"stability-matrix {sidecar}", _recorded_size(data))


def _recorded_size(data: object) -> tuple[float, float] | None:
    """(bytes, tolerance) if the sidecar records the file's size.

    Stability Matrix's ``ConnectedModelInfo`` keeps no byte size (its
    ``FileMetadata.Size`` is Civitai's "pruned"/"full"); a Civitai-style
    ``SizeKB`` (KiB, as a float) or an integer ``SizeBytes`` is read where
    another writer added one (LykosAI/StabilityMatrix
    ``StabilityMatrix.Core/Models/ConnectedModelInfo.cs``, ``Api/CivitFile.cs``).
    """
    for holder in (data, _get_ci(data, "filemetadata")):
        kb = _get_ci(holder, "sizekb")
        if isinstance(kb, int | float) and not isinstance(kb, bool) and kb >= 0:
            return float(kb) * 1024, 1024.0
        exact = _get_ci(holder, "sizebytes")
        if isinstance(exact, int) and not isinstance(exact, bool) and exact >= 0:
            return float(exact), 0.0
    return None


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
