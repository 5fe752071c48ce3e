"""Two threads opening a brand-new catalog at once both end up with one migrated schema."""

from __future__ import annotations

import threading
from pathlib import Path

from app.core.catalog.schema import MIGRATIONS
from app.core.catalog.store import Catalog


def test_simultaneous_first_opens_migrate_once(tmp_path: Path) -> None:
    for attempt in range(5):
        db_path = tmp_path / f"catalog-{attempt}.sqlite3"
        start = threading.Barrier(4)
        errors: list[BaseException] = []

        def open_it(
            path: Path = db_path,
            barrier: threading.Barrier = start,
            errors: list[BaseException] = errors,
        ) -> None:
            barrier.wait()
            try:
                with Catalog(path) as catalog:
                    catalog.entries()
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with Catalog(db_path) as catalog:
            version = catalog.connection.execute("PRAGMA user_version").fetchone()[0]
        assert version == len(MIGRATIONS)
