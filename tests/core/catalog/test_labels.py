"""A user's name for a file (schema 3) and the first-cataloged path rows are named after."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.core.catalog.schema import MIGRATIONS
from app.core.catalog.store import MAX_LABEL, Catalog
from app.core.errors import UserError
from tests.core.catalog.helpers import Counting, tiny_vae


def test_first_location_stays_when_an_earlier_sorting_copy_appears(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    original = tiny_vae(models / "zz-first.safetensors", seed=1)
    counting.scanner(catalog).scan([models])
    [entry] = catalog.entries()
    assert entry.first_location == str(original)
    shutil.copyfile(original, models / "aa-later-copy.safetensors")
    counting.scanner(catalog).scan([models])
    [entry] = catalog.entries()
    assert len(entry.locations) == 2
    assert entry.locations[0].endswith("aa-later-copy.safetensors")  # sorted by path
    assert entry.first_location == str(original)  # but named after the first seen


def test_a_label_persists_across_opens_and_can_be_cleared(tmp_path: Path, models: Path) -> None:
    path = tmp_path / "db" / "catalog.sqlite3"
    tiny_vae(models / "a.safetensors", seed=1)
    with Catalog(path) as catalog:
        Counting().scanner(catalog).scan([models])
        sha = catalog.entries()[0].sha256
        catalog.set_label(sha, "  my favourite VAE  ")
    with Catalog(path) as catalog:
        assert catalog.entries()[0].label == "my favourite VAE"
        catalog.set_label(sha, "")
        assert catalog.entries()[0].label is None
        with pytest.raises(UserError, match="not in the catalog"):
            catalog.set_label("0" * 64, "x")
        with pytest.raises(UserError, match="characters"):
            catalog.set_label(sha, "x" * (MAX_LABEL + 1))


def test_schema_2_catalog_gains_the_label_column_with_a_backup(
    tmp_path: Path, models: Path
) -> None:
    path = tmp_path / "db" / "catalog.sqlite3"
    tiny_vae(models / "a.safetensors", seed=1)
    with Catalog(path, migrations=MIGRATIONS[:2]) as old:  # what the previous app wrote
        Counting().scanner(old).scan([models])
    with Catalog(path) as catalog:
        assert catalog.backup_path is not None and catalog.backup_path.exists()
        [entry] = catalog.entries()
        assert entry.label is None and entry.sha256
        catalog.set_label(entry.sha256, "renamed")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        assert conn.execute("SELECT label FROM files").fetchone()[0] == "renamed"
