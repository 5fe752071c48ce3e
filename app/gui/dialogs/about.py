"""The About dialog: what this is, which version, where its files are."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app import APP_NAME, __version__
from app.core.paths import app_paths
from app.gui.icons import app_icon
from app.gui.theme import secondary_text_colour


class AboutDialog(QDialog):
    """Name, version, what the app does and where it keeps its files."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About {app}").format(app=APP_NAME))
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        picture = QLabel()
        picture.setPixmap(app_icon().pixmap(72, 72))
        top.addWidget(picture, 0, Qt.AlignmentFlag.AlignTop)
        paths = app_paths()
        text = QLabel(
            f"<h2>{APP_NAME} {__version__}</h2>"
            + "<p>"
            + self.tr("Find, verify, download, preview and link the VAE files of your "
                      "Stable Diffusion UIs.")
            + "</p><p>"
            + self.tr("Data: {data}<br>Settings: {config}<br>Logs: {logs}").format(
                data=paths.data_dir, config=paths.config_dir, logs=paths.log_dir)
            + f"</p><p style='color:{secondary_text_colour()}'>"
            + f"Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version}"
            + "<br>" + self.tr("Licensed under the MIT licence.") + "</p>"
        )  # fmt: skip
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setWordWrap(True)
        top.addWidget(text, 1)
        layout.addLayout(top)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
