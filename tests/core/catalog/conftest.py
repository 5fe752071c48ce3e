from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.catalog.store import Catalog
from tests.core.catalog.helpers import Counting


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    with Catalog(tmp_path / "db" / "catalog.sqlite3") as cat:
        yield cat


@pytest.fixture
def counting() -> Counting:
    return Counting()


@pytest.fixture
def models(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    return folder
