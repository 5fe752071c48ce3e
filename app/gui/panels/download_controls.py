"""One download as a row of controls: a bar, its numbers, a plain sentence and the buttons.

Which of them show is decided by :func:`app.gui.download_messages.look_for`,
one look per state, so a failed download never keeps a busy bar or a Resume
button it cannot honour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app.gui.download_messages import (
    CANCEL,
    DISCARD,
    DOWNLOAD,
    PAUSE,
    RESUME,
    RETRY,
    RUNNING,
    SETTINGS,
    DownloadLook,
    look_for,
)
from app.gui.formatting import human_eta, human_size, human_speed
from app.gui.icons import icon

if TYPE_CHECKING:
    from app.core.downloads.queue import JobView
    from app.core.downloads.records import DownloadProgress


class DownloadControls(QWidget):
    """Progress bar, speed/ETA, a status sentence and the buttons for one job (or none yet)."""

    download_clicked = Signal()
    pause_clicked = Signal()
    resume_clicked = Signal()  # Resume and Try again both continue the job
    cancel_clicked = Signal()
    discard_clicked = Signal()
    settings_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.look: DownloadLook = look_for(None)  # the look of no job, as show_job(None) sets
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        row = QHBoxLayout()
        self.bar = QProgressBar()
        self.bar.setObjectName("downloadProgress")
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        row.addWidget(self.bar, 1)
        self.numbers = QLabel()
        self.numbers.setObjectName("downloadNumbers")
        row.addWidget(self.numbers)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("downloadStatus")
        self.status.setWordWrap(True)
        buttons.addWidget(self.status, 1)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, icon_name, signal in (
            (DOWNLOAD, self.tr("Download"), "download", self.download_clicked),
            (PAUSE, self.tr("Pause"), "pause", self.pause_clicked),
            (RESUME, self.tr("Resume"), "play", self.resume_clicked),
            (RETRY, self.tr("Try again"), "refresh", self.resume_clicked),
            (SETTINGS, self.tr("Settings…"), "settings", self.settings_clicked),
            (CANCEL, self.tr("Cancel"), "cancel", self.cancel_clicked),
            (DISCARD, self.tr("Discard"), "trash", self.discard_clicked),
        ):
            button = QPushButton(icon(icon_name), text)
            button.setObjectName(f"{key}Button")
            button.clicked.connect(signal)
            buttons.addWidget(button)
            self.buttons[key] = button
        self.buttons[DISCARD].setToolTip(
            self.tr("Forget this download and delete its partial file")
        )
        layout.addLayout(buttons)
        self.show_job(None)

    def show_job(
        self, view: JobView | None, *, present: bool = False, downloadable: bool = True
    ) -> None:
        """Show a :class:`JobView` (None: not started); ``present``: already in the library."""
        look = look_for(view, present=present, downloadable=downloadable)
        self.look = look
        for key, button in self.buttons.items():
            button.setVisible(key in look.actions)
        self.bar.setVisible(look.show_bar)
        self.numbers.setVisible(look.show_bar)
        progress = view.progress if view is not None else None
        if look.busy:
            self.bar.setRange(0, 0)  # moving, size not known yet
        else:
            self.bar.setRange(0, 1000)
            if progress is not None and progress.total:
                self.bar.setValue(int(1000 * min(1.0, progress.done / progress.total)))
        self.numbers.setText(self._numbers(progress, look))
        self.status.setText(look.message)
        self.status.setToolTip(look.details)

    def _numbers(self, progress: DownloadProgress | None, look: DownloadLook) -> str:
        if progress is None:
            return ""
        p = progress
        size = f"{human_size(p.done)} / {human_size(p.total)}" if p.total else human_size(p.done)
        if look.state == RUNNING and p.phase == "downloading":
            return f"{size} · {human_speed(p.speed)} · {human_eta(p.eta_seconds)}"
        return size
