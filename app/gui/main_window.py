"""The main window. A placeholder until the library, installs and preview panels land."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow

from app import APP_NAME, __version__

PLACEHOLDER_TEXT = (
    f"<h2>{APP_NAME} {__version__}</h2>"
    "<p>The library, installs, downloads and preview panels are on their way.</p>"
    "<p>Everything already works from the command line: <code>python main.py --help</code></p>"
)


class MainWindow(QMainWindow):
    """Top-level window of the app."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        label = QLabel(PLACEHOLDER_TEXT)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setTextFormat(Qt.TextFormat.RichText)
        self.setCentralWidget(label)
        self.resize(900, 600)
