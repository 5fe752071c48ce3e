"""Painted cells: the verdict as a coloured pill, the installs as chips with their badge."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.gui.icons import kind_icon
from app.gui.library_model import BADGE_ROLE, CHIPS_ROLE, REASON_ROLE

PILL_PAD_X, PILL_PAD_Y, CHIP_GAP, ICON = 8, 3, 4, 14
MIN_REASON = "named like…"  # less room than this for a reason: the tooltip has it, not "n…"

# What Qt hands a delegate: the overrides below accept both, as their base classes do.
ModelIndex = QModelIndex | QPersistentModelIndex


def _background(painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
    """The normal cell background (selection, hover, alternating rows) without its text."""
    opt = QStyleOptionViewItem(option)
    opt.text = ""
    style = option.widget.style() if option.widget else QApplication.style()
    style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)


class BadgeDelegate(QStyledItemDelegate):
    """Verdict pill: white text on the verdict's colour."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        badge = index.data(BADGE_ROLE)
        _background(painter, option, index)
        if badge is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(option.font)
        width = metrics.horizontalAdvance(badge.label) + 2 * PILL_PAD_X
        height = metrics.height() + 2 * PILL_PAD_Y
        rect = QRectF(
            option.rect.left() + 6, option.rect.center().y() - height / 2 + 0.5, width, height
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(badge.colour))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, badge.label)
        reason = index.data(REASON_ROLE)
        if reason:
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            colour = QColor(option.palette.color(role))
            colour.setAlphaF(0.75)
            painter.setPen(colour)
            start = rect.right() - option.rect.left() + 8
            text_rect = QRectF(option.rect).adjusted(start, 0, -4, 0)
            if text_rect.width() >= metrics.horizontalAdvance(MIN_REASON):  # never just "n…"
                width = int(text_rect.width())
                elided = metrics.elidedText(reason, Qt.TextElideMode.ElideRight, width)
                painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, elided)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        badge = index.data(BADGE_ROLE)
        metrics = QFontMetrics(option.font)
        text = badge.label if badge else ""
        return QSize(metrics.horizontalAdvance(text) + 2 * PILL_PAD_X + 14, metrics.height() + 12)


class ChipsDelegate(QStyledItemDelegate):
    """One chip per install: its badge icon and short name; a dashed edge for files not ours."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        chips = index.data(CHIPS_ROLE) or ()
        _background(painter, option, index)
        if not chips:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setClipRect(option.rect)
        metrics = QFontMetrics(option.font)
        height = metrics.height() + 2 * PILL_PAD_Y
        x = option.rect.left() + 6
        top = option.rect.center().y() - height / 2 + 0.5
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_colour = option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        edge = QColor(text_colour)
        edge.setAlpha(90)
        for chip in chips:
            width = ICON + 6 + metrics.horizontalAdvance(chip.label) + 2 * PILL_PAD_X - 2
            rect = QRectF(x, top, width, height)
            pen = painter.pen()
            pen.setColor(edge)
            pen.setStyle(Qt.PenStyle.SolidLine if chip.by_app else Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, height / 2, height / 2)
            icon_rect = QRect(int(x + 5), int(top + (height - ICON) / 2), ICON, ICON)
            kind_icon(chip.kind).paint(painter, icon_rect)
            painter.setPen(text_colour)
            text_rect = rect.adjusted(ICON + 8, 0, -PILL_PAD_X + 2, 0)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, chip.label)
            x += width + CHIP_GAP
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        chips = index.data(CHIPS_ROLE) or ()
        metrics = QFontMetrics(option.font)
        width = sum(
            ICON + 6 + metrics.horizontalAdvance(c.label) + 2 * PILL_PAD_X + CHIP_GAP for c in chips
        )
        return QSize(width + 12, metrics.height() + 12)
