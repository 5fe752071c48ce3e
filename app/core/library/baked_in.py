"""Which VAE a checkpoint carries: its decoder fingerprint against the cataloged VAEs'.

Fingerprints are computed lazily and kept by file SHA-256: a VAE's when it is
imported or first compared against, a checkpoint's when it is imported or asked
about. Most users never learn that their checkpoint already holds, say, the
official ft-MSE VAE; this answers it without loading either model.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.core.catalog.store import Catalog
from app.core.errors import UserError
from app.core.inspection.records import KIND_CHECKPOINT
from app.core.lazy_log import lazy_logger
from app.core.library.catalog_sync import cataloged_vaes
from app.core.library.fingerprint import CHECKPOINT_PREFIX, decoder_fingerprint
from app.core.library.fingerprint_store import FingerprintStore
from app.core.library.records import BAKED_IN_UNKNOWN, BakedInVae
from app.core.registry import GENERIC_FILENAMES, KnownVae, Registry
from app.core.tasks import CancelToken

log = lazy_logger(__name__)


def fingerprint_for(
    path: Path,
    sha256: str,
    kind: str,
    store: FingerprintStore,
    cancel: CancelToken | None = None,
) -> str | None:
    """The decoder fingerprint of a file (a VAE, or a checkpoint's VAE), computed once."""
    stored = store.get(sha256)
    if stored is not None:
        return stored.fingerprint
    prefix = CHECKPOINT_PREFIX if kind == KIND_CHECKPOINT else ""
    value = decoder_fingerprint(path, prefix=prefix, cancel=cancel)
    store.put(sha256, value)
    return value


def match_fingerprint(
    fingerprint: str | None,
    *,
    catalog: Catalog,
    registry: Registry,
    store: FingerprintStore,
    prefer_under: Path | None = None,
    cancel: CancelToken | None = None,
) -> BakedInVae:
    """The cataloged VAE with this decoder (official ones first), or ``unknown``."""
    if fingerprint is None:
        return BakedInVae(BAKED_IN_UNKNOWN, None)
    vaes = cataloged_vaes(catalog)
    _fill_missing(vaes, store, cancel)
    matches = [sha for sha in store.with_fingerprint(fingerprint) if sha in vaes]
    if not matches:
        return BakedInVae(BAKED_IN_UNKNOWN, fingerprint)
    official = [sha for sha in matches if registry.by_sha256(sha)]
    sha = (official or matches)[0]
    path = _preferred(vaes[sha], prefer_under)
    entry = registry.by_sha256(sha)
    if entry is not None:
        return BakedInVae(f"{official_name(entry)} (official)", fingerprint, sha, entry.id, path)
    return BakedInVae(path.name, fingerprint, sha, None, path)


def official_name(entry: KnownVae) -> str:
    """A short name for a registry entry: its file name without extension, or its id."""
    if entry.filename.lower() in GENERIC_FILENAMES:
        return entry.id
    return Path(entry.filename).stem


def _fill_missing(
    vaes: dict[str, list[Path]], store: FingerprintStore, cancel: CancelToken | None
) -> None:
    """Compute the fingerprints of cataloged VAEs that have none yet."""
    for sha in store.missing(list(vaes)):
        for path in vaes[sha]:
            try:
                store.put(sha, decoder_fingerprint(path, cancel=cancel))
                break
            except UserError as exc:  # unreadable or unsafe: try another copy, next time again
                log.info("no fingerprint for %s: %s", path, exc)


def _preferred(paths: list[Path], under: Path | None) -> Path:
    if under is not None:
        inside = [
            p for p in paths if os.path.abspath(p).startswith(os.path.abspath(under) + os.sep)
        ]
        if inside:
            return inside[0]
    return paths[0]


def baked_in_vae(
    checkpoint: Path,
    *,
    sha256: str,
    catalog: Catalog,
    registry: Registry,
    store: FingerprintStore | None = None,
    cancel: CancelToken | None = None,
) -> BakedInVae:
    """Which cataloged VAE the checkpoint at ``checkpoint`` (with this SHA-256) carries."""
    store = store or FingerprintStore.beside(catalog.path)
    value = fingerprint_for(checkpoint, sha256, KIND_CHECKPOINT, store, cancel)
    return match_fingerprint(value, catalog=catalog, registry=registry, store=store, cancel=cancel)
