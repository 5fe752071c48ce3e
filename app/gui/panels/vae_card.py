"""One official VAE as a card: the advice, and a download with live progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.gui.formatting import family_name, human_size
from app.gui.panels.download_controls import DownloadControls
from app.gui.registry_text import advice as registry_advice

if TYPE_CHECKING:
    from app.core.downloads.queue import JobView
    from app.core.registry import KnownVae

# The pick for each family when in doubt (the guide explains why).
RECOMMENDED = frozenset(
    {"sd-vae-ft-mse-original-safetensors", "sdxl-vae-fp16-fix", "sd35-vae-swarm-mirror", "flux1-ae"}
)


class VaeCard(QFrame):
    """A registry entry's name, family, advice and download controls."""

    guide_requested = Signal()

    def __init__(self, entry: KnownVae, parent: QWidget | None = None) -> None:
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

    def update_job(self, view: JobView | None, present: bool) -> None:
        self.controls.show_job(view, present=present, downloadable=self.downloadable)
