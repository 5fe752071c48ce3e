"""The two ways out of a damaged or locked catalog, for the CLI and the window alike.

``restore`` puts back the newest backup (made before each upgrade); ``rebuild``
sets the catalog aside and starts an empty one, which the caller fills by
running its usual scan. Neither deletes anything: the file in trouble is kept
as ``catalog.sqlite3.broken-<stamp>``. A rebuilt catalog loses the names given
to files (they are still in the set-aside file); hashes are worked out again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.catalog.db import NAME
from app.core.catalog.schema import MIGRATIONS
from app.core.catalog.store import Catalog
from app.core.sqlite_recovery import Restored, backups_of, restore_newest, set_aside

__all__ = ["Rebuilt", "Restored", "backups_of", "rebuild_catalog", "restore_catalog"]


@dataclass(frozen=True)
class Rebuilt:
    """A fresh, empty catalog; the old file's new name (None when there was none)."""

    set_aside: Path | None


def restore_catalog(db_path: Path) -> Restored:
    """Put back the newest sound backup of the catalog (raises UserError if there is none)."""
    return restore_newest(Path(db_path), MIGRATIONS, name=NAME)


def rebuild_catalog(db_path: Path) -> Rebuilt:
    """Set the catalog aside and create an empty one; the caller then rescans."""
    aside = set_aside(Path(db_path))
    Catalog(Path(db_path)).close()
    return Rebuilt(aside)
