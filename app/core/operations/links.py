"""What the app linked where: every live link with its install and the operation that made it.

The ``links`` command and the window's list read this one function. The install
of a link is found by recognising the folders above it (the UI folder layouts put
the VAE folder at most a few levels below the install root), once per folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserError
from app.core.operations.journal import Journal

_ANCESTORS = 6  # <root>/models/VAE/<sub>/<sub>/file


@dataclass(frozen=True)
class LinkRow:
    """One live link the app made."""

    dest: Path
    source: Path
    mode: str
    install: str | None  # the install's label, when one is recognised above the link
    operation_id: str
    operation: str  # that operation's summary
    created_at: float

    def to_json(self) -> dict[str, object]:
        """Plain JSON for ``links --json``."""
        return {
            "dest": str(self.dest),
            "source": str(self.source),
            "mode": self.mode,
            "install": self.install,
            "operation_id": self.operation_id,
            "operation": self.operation,
            "created_at": self.created_at,
        }


class _Installs:
    """Install labels by folder, each folder recognised at most once."""

    def __init__(self) -> None:
        self._by_folder: dict[Path, str | None] = {}

    def label_for(self, dest: Path) -> str | None:
        for parent in list(Path(os.path.abspath(dest)).parents)[:_ANCESTORS]:
            if parent not in self._by_folder:
                self._by_folder[parent] = self._recognise(parent)
            if self._by_folder[parent] is not None:
                return self._by_folder[parent]
        return None

    @staticmethod
    def _recognise(folder: Path) -> str | None:
        from app.core.installs import recognize

        try:
            found = recognize(folder)
        except (OSError, UserError):
            return None
        return found[0].label if found else None


def list_links(*, journal: Journal | None = None) -> list[LinkRow]:
    """Every live link the app made, oldest first."""
    journal = journal or Journal()
    summaries: dict[str, str] = {}
    installs = _Installs()
    rows = []
    for record in journal.links.active_links():
        if record.operation_id not in summaries:
            op = journal.get(record.operation_id)
            summaries[record.operation_id] = op.summary if op else ""
        rows.append(
            LinkRow(
                record.dest,
                record.source,
                record.mode,
                installs.label_for(record.dest),
                record.operation_id,
                summaries[record.operation_id],
                record.created_at,
            )
        )
    return rows
