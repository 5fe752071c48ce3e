"""Tooltips with the whole text for table and tree cells that show it cut with "…".

Qt elides a cell's text to the column's width and offers no way to read the
rest; reasons, paths and "why" columns are exactly the cells that get cut. A
cell with its own tooltip keeps it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

_TEXT_MARGIN = 6  # the style's padding on both sides of a cell's text, and a pixel to spare


class CutTextTooltips(QStyledItemDelegate):
    """The standard delegate, plus a tooltip with the full text of a cut cell."""

    def cut_text(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> str | None:
        """The cell's whole text when it does not fit, else None."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        if not opt.text:
            return None
        style = opt.widget.style() if opt.widget else QApplication.style()
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        needed = max(opt.fontMetrics.horizontalAdvance(line) for line in opt.text.splitlines())
        return opt.text if needed + _TEXT_MARGIN > rect.width() else None

    def helpEvent(  # noqa: N802 - Qt API
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if event.type() == QEvent.Type.ToolTip and not index.data(Qt.ItemDataRole.ToolTipRole):
            text = self.cut_text(option, index)
            if text:
                QToolTip.showText(event.globalPos(), text, view)
                return True
        return super().helpEvent(event, view, option, index)


def add_cut_text_tooltips(root: QWidget) -> None:
    """Give every item view under ``root`` that uses the standard delegate the tooltip one."""
    views = root.findChildren(QAbstractItemView)
    if isinstance(root, QAbstractItemView):
        views.append(root)
    for view in views:
        if type(view.itemDelegate()) is QStyledItemDelegate:
            view.setItemDelegate(CutTextTooltips(view))


def cut_text_at(view: QAbstractItemView, index: QModelIndex) -> str | None:
    """What the tooltip of the cell at ``index`` would add (None: the text fits, or no delegate)."""
    delegate = view.itemDelegateForIndex(index)
    if not isinstance(delegate, CutTextTooltips):
        return None
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = view.visualRect(index)
    option.widget = view
    option.font = view.font()
    option.fontMetrics = view.fontMetrics()
    return delegate.cut_text(option, index)
