"""The library table: a model over snapshot rows and a proxy that sorts and filters them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from app.gui.core_messages import problem_text, verdict_text
from app.gui.formatting import family_name, human_size
from app.gui.snapshot import LibraryRow

if TYPE_CHECKING:
    from app.core.catalog.records import CatalogEntry

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
BADGE_ROLE = Qt.ItemDataRole.UserRole + 3
CHIPS_ROLE = Qt.ItemDataRole.UserRole + 4
REASON_ROLE = Qt.ItemDataRole.UserRole + 5

# The verdict comes last and stretches: its pill is followed by the reason (the problems).
COL_NAME, COL_FAMILY, COL_SIZE, COL_AUTOV2, COL_LINKED, COL_VERDICT = range(6)
_Index = QModelIndex | QPersistentModelIndex


class LibraryModel(QAbstractTableModel):
    """One row per catalog entry; replaced wholesale when a new snapshot arrives."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[LibraryRow] = []

    def headers(self) -> list[str]:
        return [
            self.tr("Name"),
            self.tr("Family"),
            self.tr("Size"),
            self.tr("AutoV2"),
            self.tr("Linked in"),
            self.tr("Verdict"),
        ]

    def set_rows(self, rows: list[LibraryRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> LibraryRow:
        return self._rows[row]

    def rows(self) -> list[LibraryRow]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else COL_VERDICT + 1

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = 0
    ) -> str | None:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # a role's value
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == ROW_ROLE:
            return row
        if role == BADGE_ROLE:
            return row.badge
        if role == CHIPS_ROLE:
            return row.chips
        if role == REASON_ROLE:
            return row.reason
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column == COL_AUTOV2:
            from PySide6.QtGui import QFontDatabase

            return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        return None

    def _display(self, row: LibraryRow, column: int) -> str:
        entry = row.entry
        if column == COL_NAME:
            return (
                row.name if entry.locations else self.tr("{name} (missing)").format(name=row.name)
            )
        if column == COL_FAMILY:
            return family_name(entry.family)
        if column == COL_SIZE:
            return human_size(entry.size)
        if column == COL_AUTOV2:
            return entry.autov2 or "…"
        if column == COL_VERDICT:
            reason = row.reason or (hash_source_text(entry) if _foreign(entry) else "")
            return f"{row.badge.label}: {reason}" if reason else row.badge.label
        return ", ".join(c.label for c in row.chips)

    def _sort_key(self, row: LibraryRow, column: int) -> int | str:
        if column == COL_SIZE:
            return row.entry.size
        if column == COL_VERDICT:
            return row.badge.order
        if column == COL_LINKED:
            return len(row.chips)
        return self._display(row, column).lower()

    def _tooltip(self, row: LibraryRow, column: int) -> str | None:
        entry = row.entry
        if column == COL_NAME:
            lines = list(entry.locations) + [
                self.tr("{path} (missing)").format(path=p) for p in entry.missing_locations
            ]
            return "\n".join(lines)
        if column == COL_VERDICT:
            lines = [verdict_text(entry.validation_message)]
            lines += [problem_text(p) for p in entry.problems]
            lines.append(hash_source_text(entry))
            return "\n".join(dict.fromkeys(line for line in lines if line)) or None
        if column == COL_AUTOV2:
            return "\n".join(t for t in (entry.sha256, hash_source_text(entry)) if t) or None
        if column == COL_LINKED and row.chips:
            return "\n".join(
                self.tr("{label}: linked by VAE Manager").format(label=c.label)
                if c.by_app
                else self.tr("{label}: a file of its own there").format(label=c.label)
                for c in row.chips
            )
        return None


def hash_source_text(entry: CatalogEntry) -> str:
    """Where a row's hash came from, in plain words; "" before it is hashed.

    Only a hash VAE Manager computed can make a file official or a mismatch
    (``app.core.hashing.provenance``); the others are shown for what they are.
    """
    kind = entry.hash_source_kind
    if kind is None:
        return ""
    if kind == "computed":
        return QCoreApplication.translate("HashSource", "hash computed by VAE Manager")
    where = {
        "a1111": QCoreApplication.translate("HashSource", "A1111's cache.json"),
        "sdnext": QCoreApplication.translate("HashSource", "SD.Next's cache.json"),
        "a1111-diskcache": QCoreApplication.translate("HashSource", "the A1111/Forge hash cache"),
        "stability-matrix": QCoreApplication.translate(
            "HashSource", "Stability Matrix's .cm-info.json"
        ),
    }.get(kind, kind)
    return QCoreApplication.translate(
        "HashSource", "hash read from {where}, not checked by VAE Manager"
    ).format(where=where)


def _foreign(entry: CatalogEntry) -> bool:
    return entry.sha256 is not None and not entry.self_hashed


class LibraryFilter(QSortFilterProxyModel):
    """Sorts by real values (bytes, not '1.2 GB') and filters by text, verdict and presence."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._text = ""
        self._badge: str | None = None
        self._show_missing = False

    def set_text(self, text: str) -> None:
        self._change_filter("_text", text.strip().lower())

    def set_badge(self, key: str | None) -> None:
        self._change_filter("_badge", key)

    def set_show_missing(self, show: bool) -> None:
        self._change_filter("_show_missing", show)

    def _change_filter(self, name: str, value: object) -> None:
        """Qt 6.10 replaced invalidateFilter() by begin/endFilterChange()."""
        if hasattr(self, "endFilterChange"):
            self.beginFilterChange()
            setattr(self, name, value)
            self.endFilterChange()
        else:
            setattr(self, name, value)
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, LibraryModel):  # no source set yet: nothing to filter
            return True
        row = model.row_at(source_row)
        if not self._show_missing and not row.entry.locations:
            return False
        if self._badge and row.badge.key != self._badge:
            return False
        if not self._text:
            return True
        return self._text in _haystack(row)


def _haystack(row: LibraryRow) -> str:
    entry = row.entry
    parts = [
        row.name,
        entry.sha256 or "",
        entry.family or "",
        family_name(entry.family),
        row.badge.label,
        row.official.display_name if row.official else "",
        *entry.locations,
        *(c.label for c in row.chips),
    ]
    return "\n".join(parts).lower()
