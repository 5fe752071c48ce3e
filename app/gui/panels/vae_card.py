"""One official VAE as a card: the advice, and a download with live progress."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.formatting import family_name, human_eta, human_size, human_speed
from app.gui.icons import icon
from app.gui.registry_text import advice as registry_advice


class DownloadControls(QWidget):
    """Progress bar, speed/ETA and the buttons for one download job (or none yet)."""

    download_clicked = Signal()
    pause_clicked = Signal()
    resume_clicked = Signal()
    cancel_clicked = Signal()
    discard_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self.status.setWordWrap(True)
        buttons.addWidget(self.status, 1)
        self.buttons = {}
        for key, text, icon_name, signal in (
            ("download", self.tr("Download"), "download", self.download_clicked),
            ("pause", self.tr("Pause"), "pause", self.pause_clicked),
            ("resume", self.tr("Resume"), "play", self.resume_clicked),
            ("cancel", self.tr("Cancel"), "cancel", self.cancel_clicked),
            ("discard", self.tr("Discard"), "trash", self.discard_clicked),
        ):
            button = QPushButton(icon(icon_name), text)
            button.setObjectName(f"{key}Button")
            button.clicked.connect(signal)
            buttons.addWidget(button)
            self.buttons[key] = button
        layout.addLayout(buttons)
        self.show_job(None)

    def show_job(self, view, *, present: bool = False, downloadable: bool = True) -> None:
        """Show a :class:`JobView` (None: not started); ``present``: already in the library."""
        state = view.state if view is not None else None
        running = state in ("queued", "running")
        stopped = state in ("paused", "interrupted", "cancelled", "failed")
        self.bar.setVisible(running or stopped)
        self.numbers.setVisible(running or stopped)
        self._show_buttons(state, running, stopped, downloadable)
        if view is not None and view.progress is not None:
            p = view.progress
            if p.total:
                self.bar.setRange(0, 1000)
                self.bar.setValue(int(1000 * min(1.0, p.done / p.total)))
            else:
                self.bar.setRange(0, 0)
            size = (
                f"{human_size(p.done)} / {human_size(p.total)}" if p.total else human_size(p.done)
            )
            speed = f" · {human_speed(p.speed)} · {human_eta(p.eta_seconds)}" if running else ""
            self.numbers.setText(size + speed)
        elif running:
            self.bar.setRange(0, 0)
            self.numbers.setText(self.tr("connecting…"))
        self.status.setText(self._status_text(view, present, downloadable))

    def _show_buttons(self, state, running: bool, stopped: bool, downloadable: bool) -> None:
        self.buttons["download"].setVisible(state in (None, "done"))
        self.buttons["download"].setEnabled(downloadable)
        self.buttons["pause"].setVisible(running)
        self.buttons["cancel"].setVisible(running)
        self.buttons["resume"].setVisible(stopped)
        self.buttons["discard"].setVisible(stopped)

    def _status_text(self, view, present: bool, downloadable: bool) -> str:
        if view is not None and view.state == "failed":
            return self.tr("Failed: {error}").format(error=view.error or "")
        if view is not None and view.state in ("paused", "interrupted", "cancelled"):
            return self.tr("Stopped; resume continues where it stopped.")
        if view is not None and view.state == "running" and view.progress is not None:
            return view.progress.phase
        if present or (view is not None and view.state == "done"):
            return "✓ " + self.tr("In your library")
        if not downloadable:
            return self.tr("No download address known")
        return ""


# The pick for each family when in doubt (the guide explains why).
RECOMMENDED = frozenset(
    {"sd-vae-ft-mse-original-safetensors", "sdxl-vae-fp16-fix", "sd35-vae-swarm-mirror", "flux1-ae"}
)


class VaeCard(QFrame):
    """A registry entry's name, family, advice and download controls."""

    guide_requested = Signal()

    def __init__(self, entry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setObjectName("vaeCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        top = QHBoxLayout()
        title = QLabel(f"<b>{entry.display_name}</b>")
        title.setWordWrap(True)
        top.addWidget(title, 1)
        if entry.id in RECOMMENDED:
            pick = QLabel(self.tr("Recommended"))
            pick.setObjectName("recommendedChip")
            top.addWidget(pick, 0, Qt.AlignmentFlag.AlignTop)
        chip = QLabel(family_name(entry.family))
        chip.setObjectName("familyChip")
        top.addWidget(chip, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        advice = QLabel(registry_advice(entry.description))
        advice.setWordWrap(True)
        layout.addWidget(advice)
        kind = (entry.format or "").split("(")[0].strip() or None
        facts = [human_size(entry.size_bytes) if entry.size_bytes else None, kind]
        facts.append(
            self.tr("hash pinned") if entry.verified else self.tr("hash not yet confirmed")
        )
        guide = self.tr("Which VAE should I use?")
        meta = QLabel(" · ".join(f for f in facts if f) + f" · <a href='guide'>{guide}</a>")
        meta.setWordWrap(True)
        meta.linkActivated.connect(lambda _: self.guide_requested.emit())
        layout.addWidget(meta)
        self.controls = DownloadControls()
        layout.addWidget(self.controls)
        layout.addStretch()

    @property
    def downloadable(self) -> bool:
        return bool(self.entry.url)

    def update_job(self, view, present: bool) -> None:
        self.controls.show_job(view, present=present, downloadable=self.downloadable)
