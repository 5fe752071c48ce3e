"""Keep the library's Verdict column on screen in a narrow window.

The verdict is the column the table exists for, and it comes last. When the
other columns would push it past the right edge (a 1024x640 window leaves the
table about 490 px), only the columns that still fit are shown, most needed
first; the details pane repeats them all, and they come back when there is room.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView

VERDICT_MIN = 150  # the pill and a readable start of its reason


class VerdictStaysVisible(QObject):
    """Shows the ``optional`` columns, most needed first, only as far as the verdict still fits."""

    def __init__(self, table: QTableView, verdict: int, optional: list[int]) -> None:
        super().__init__(table)
        self.table, self.verdict, self.optional = table, verdict, optional
        self._widths: dict[int, int] = {}  # a hidden section reports 0: remember its width
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        header = self.table.horizontalHeader()
        for column in self.optional:
            if not header.isSectionHidden(column):
                self._widths[column] = header.sectionSize(column)
        fixed = sum(
            header.sectionSize(c)
            for c in range(header.count())
            if c != self.verdict and c not in self.optional
        )
        room = self.table.viewport().width() - VERDICT_MIN - fixed
        for column in self.optional:
            width = self._widths.get(column, header.sectionSize(column))
            fits = width <= room
            header.setSectionHidden(column, not fits)
            if fits:
                room -= width

    def full_width(self) -> int:
        """The room every column needs, the verdict at its minimum."""
        header = self.table.horizontalHeader()
        widths = [
            self._widths.get(c, header.sectionSize(c)) if header.isSectionHidden(c)
            else header.sectionSize(c)
            for c in range(header.count())
            if c != self.verdict
        ]  # fmt: skip
        return sum(widths) + VERDICT_MIN + self.table.frameWidth() * 2

    def verdict_visible(self) -> bool:
        """Whether the whole minimum of the verdict column is inside the viewport."""
        header = self.table.horizontalHeader()
        left = header.sectionViewportPosition(self.verdict)
        return left >= 0 and left + VERDICT_MIN <= self.table.viewport().width()
