"""Small widgets every panel uses: empty states, headings, banners."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QIcon, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.gui.icons import icon


def heading(text: str, *, size_delta: int = 4, bold: bool = True) -> QLabel:
    """A bold, larger label for titles."""
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() + size_delta)
    font.setBold(bold)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def muted(text: str, *, wrap: bool = True) -> QLabel:
    """Secondary text in the palette's placeholder colour."""
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


class EmptyState(QWidget):
    """A big icon, a title, a sentence of help and optional buttons, centred."""

    def __init__(self, icon_name: str, title: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("emptyState")
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        picture = QLabel()
        picture.setPixmap(icon(icon_name).pixmap(64, 64, QIcon.Mode.Disabled))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(picture)
        self.title = heading(title, size_delta=5)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.title)
        self.text = muted(text)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setMinimumWidth(460)
        self.text.setMaximumWidth(560)
        self.text.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.text)
        row.addStretch()
        outer.addLayout(row)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch()
        self.buttons.addStretch()
        outer.addSpacing(8)
        outer.addLayout(self.buttons)
        outer.addStretch(3)

    def add_button(self, text: str, icon_name: str | None = None) -> QPushButton:
        button = QPushButton(icon(icon_name), text) if icon_name else QPushButton(text)
        self.buttons.insertWidget(self.buttons.count() - 1, button)
        return button


class Banner(QFrame):
    """A one-line notice across the top of a panel (e.g. a feature not available yet)."""

    def __init__(self, icon_name: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        picture = QLabel()
        picture.setPixmap(icon(icon_name).pixmap(18, 18))
        layout.addWidget(picture)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)


def panel_header(title: str, subtitle: str) -> QWidget:
    """Title and one line of explanation at the top of each panel."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 4)
    layout.setSpacing(2)
    layout.addWidget(heading(title, size_delta=6))
    layout.addWidget(muted(subtitle))
    return box
