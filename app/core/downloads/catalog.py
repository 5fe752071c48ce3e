"""Catalog a finished download with the hashes it was streamed with.

The one way both fronts record a download: the command line after
``download`` and the window when a queued job ends. The bytes were hashed
while they arrived, so the file is cataloged from those digests and never read
again (a second read of a 300 MB VAE only to catalog it doubles the wait).
"""

from __future__ import annotations

from app.core.catalog.ingest import catalog_known_file
from app.core.catalog.records import ScanReport
from app.core.catalog.store import Catalog
from app.core.downloads.records import DownloadResult
from app.core.registry import Registry


def catalog_download(
    result: DownloadResult, catalog: Catalog, registry: Registry | None = None
) -> ScanReport:
    """Add the downloaded file to ``catalog``, judged by ``registry``, from its streamed hashes."""
    return catalog_known_file(catalog, result.path, result.hashes, registry=registry)
