"""Background hashing of what a ``hash_now=False`` scan left: per-inode jobs, cancel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.catalog.store import Catalog
from app.core.errors import Cancelled
from app.core.tasks import CancelToken
from tests.core.catalog.helpers import Counting, tiny_vae


def test_hardlinks_pending_together_are_read_once(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    first = tiny_vae(models / "a.safetensors")
    os.link(first, models / "b.safetensors")
    tiny_vae(models / "c.safetensors", seed=3)
    scanner = counting.scanner(catalog)
    scanner.scan([models], hash_now=False)

    report = scanner.hash_pending()

    assert counting.calls["hash"] == 2 and report.hashed == 2
    assert catalog.pending_hashes() == []
    [linked] = [e for e in catalog.entries() if len(e.locations) == 2]
    assert {Path(p).name for p in linked.locations} == {"a.safetensors", "b.safetensors"}


def test_cancel_stops_background_hashing_and_keeps_the_rest_pending(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    for seed in range(4):
        tiny_vae(models / f"v{seed}.safetensors", seed=seed)
    scanner = counting.scanner(catalog)
    scanner.scan([models], hash_now=False)
    cancel = CancelToken()

    def cancel_after_first(done: int, total: int | None) -> None:
        if done >= 1:
            cancel.cancel()

    with pytest.raises(Cancelled):
        scanner.hash_pending(progress=cancel_after_first, cancel=cancel)
    left = len(catalog.pending_hashes())
    assert 0 < left < 4
    scanner.hash_pending()
    assert catalog.pending_hashes() == []
