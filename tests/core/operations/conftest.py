from __future__ import annotations

from pathlib import Path

import pytest

from app.core.operations.journal import Journal
from tests.core.library.conftest import catalog, library, registry, src  # noqa: F401 (fixtures)
from tests.core.linking.conftest import a1111, comfy, library_file  # noqa: F401 (fixtures)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "state" / "links.sqlite3")
