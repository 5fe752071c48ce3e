"""Get official VAEs: the registry as cards with advice, a paste-a-URL box, and settings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.gui.downloads_service import DownloadService
from app.gui.formatting import family_name
from app.gui.icons import icon
from app.gui.panels.download_controls import DownloadControls
from app.gui.panels.vae_card import RECOMMENDED, VaeCard
from app.gui.snapshot import Snapshot
from app.gui.widgets import Banner, heading, muted, panel_header

if TYPE_CHECKING:
    from app.core.downloads.queue import JobView
    from app.core.registry import KnownVae

# Image families first (most users), then video; the rest follow alphabetically.
FAMILY_ORDER = ("sdxl", "sd1", "sd3", "flux1", "flux2", "qwen-image", "hunyuan-image-2.1",
                "taesd", "taesdxl", "taesd3", "taef1", "taef2", "wan2.1", "wan2.2")  # fmt: skip
COLUMNS = 2


class GetVaesPanel(QWidget):
    """Cards grouped by model family; downloads go to the library's VAE folder."""

    guide_requested = Signal()
    settings_requested = Signal()
    library_requested = Signal(str)  # file name to select in the Library

    def __init__(self, downloads: DownloadService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.downloads = downloads
        self.cards: dict[str, VaeCard] = {}
        self.url_rows: dict[str, DownloadControls] = {}
        self._snapshot = Snapshot()
        layout = QVBoxLayout(self)
        header_row = QHBoxLayout()
        header_row.addWidget(
            panel_header(
                self.tr("Get official VAEs"),
                self.tr("The VAEs the model makers published, checked against their known hashes "
                        "after download. Not sure which one? Read the guide."),
            ),
            1,
        )  # fmt: skip
        guide = QPushButton(icon("help"), self.tr("Which VAE should I use?"))
        guide.clicked.connect(self.guide_requested)
        settings = QPushButton(icon("settings"), self.tr("Settings…"))
        settings.setObjectName("downloadSettingsButton")
        settings.clicked.connect(self.settings_requested)
        header_row.addWidget(guide, 0, Qt.AlignmentFlag.AlignTop)
        header_row.addWidget(settings, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header_row)
        layout.addLayout(self._url_box())
        layout.addWidget(self._notice_box())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 8, 0)
        self.url_section = QVBoxLayout()
        self.body_layout.addLayout(self.url_section)
        self.loading = muted(self.tr("Loading the registry…"))
        self.body_layout.addWidget(self.loading)
        self.body_layout.addStretch()
        scroll.setWidget(self.body)
        layout.addWidget(scroll, 1)
        downloads.jobs_changed.connect(self._on_downloads_jobs_changed)
        downloads.url_accepted.connect(self._on_downloads_url_accepted)
        downloads.job_finished.connect(self._on_downloads_job_finished)

    def _url_box(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("urlEdit")
        self.url_edit.setPlaceholderText(
            self.tr("Paste a download link (https://…/file.safetensors) to fetch any other VAE")
        )
        self.url_edit.addAction(icon("globe"), QLineEdit.ActionPosition.LeadingPosition)
        self.url_edit.returnPressed.connect(self._on_url_button_clicked)
        self.url_button = QPushButton(icon("download"), self.tr("Download"))
        self.url_button.setObjectName("urlDownload")
        self.url_button.clicked.connect(self._on_url_button_clicked)
        row.addWidget(self.url_edit, 1)
        row.addWidget(self.url_button)
        return row

    def _notice_box(self) -> Banner:
        """Says a download finished, until the next one or until dismissed."""
        self.notice = Banner("verify", "")
        self.notice_show = QPushButton(icon("library"), self.tr("Show in library"))
        self.notice_show.clicked.connect(
            lambda: self.library_requested.emit(self.notice.property("filename") or "")
        )
        close = QPushButton(icon("cancel"), "")
        close.setToolTip(self.tr("Dismiss"))
        close.setFlat(True)
        close.clicked.connect(self.notice.hide)
        self.notice.row.addWidget(self.notice_show)
        self.notice.row.addWidget(close)
        self.notice.hide()
        return self.notice

    # -- data -------------------------------------------------------------------------------
    def set_snapshot(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        if snapshot.registry is not None and not self.cards:
            self._build_cards(snapshot.registry.entries)
        self._refresh_cards()

    def _build_cards(self, entries: Iterable[KnownVae]) -> None:
        self.loading.hide()
        groups: dict[str, list[KnownVae]] = {}
        for entry in sorted(entries, key=lambda e: e.id not in RECOMMENDED):
            groups.setdefault(entry.family, []).append(entry)
        order = [f for f in FAMILY_ORDER if f in groups] + sorted(set(groups) - set(FAMILY_ORDER))
        for family in order:
            self.body_layout.insertWidget(self.body_layout.count() - 1,
                                          heading(family_name(family), size_delta=2))  # fmt: skip
            grid = QGridLayout()
            grid.setSpacing(10)
            for i, entry in enumerate(groups[family]):
                card = VaeCard(entry)
                card.guide_requested.connect(self.guide_requested)
                card.controls.download_clicked.connect(
                    lambda e=entry: self.downloads.download_entry(e)
                )
                self._wire(card.controls, partial(self.downloads.job_for_entry, entry.id))
                self.cards[entry.id] = card
                grid.addWidget(card, i // COLUMNS, i % COLUMNS)
            for column in range(COLUMNS):
                grid.setColumnStretch(column, 1)
            holder = QWidget()
            holder.setLayout(grid)
            self.body_layout.insertWidget(self.body_layout.count() - 1, holder)

    def _wire(self, controls: DownloadControls, job: Callable[[], JobView | None]) -> None:
        """Connect a card's buttons to whichever job it shows at click time."""

        def act(method: Callable[[str], object]) -> None:
            view = job()
            if view is not None:
                method(view.id)

        controls.settings_clicked.connect(self.settings_requested)
        controls.pause_clicked.connect(lambda: act(self.downloads.pause))
        controls.resume_clicked.connect(lambda: act(self.downloads.resume))
        controls.cancel_clicked.connect(lambda: act(self.downloads.cancel))
        controls.discard_clicked.connect(lambda: act(self.downloads.discard))

    def _present_ids(self) -> set[str]:
        return {
            row.entry.official_id
            for row in self._snapshot.rows
            if row.entry.official_id and row.entry.locations
        }

    def _refresh_cards(self) -> None:
        present = self._present_ids()
        for entry_id, card in self.cards.items():
            card.update_job(self.downloads.job_for_entry(entry_id), entry_id in present)

    def _on_downloads_jobs_changed(self, views: dict[str, JobView]) -> None:
        self._refresh_cards()
        for job_id, view in views.items():
            if view.spec.entry_id is None and view.state != "done":
                self._url_row(job_id, view).show_job(view)
        for job_id in list(self.url_rows):
            shown = views.get(job_id)
            if shown is None or shown.state == "done":
                box = self.url_rows.pop(job_id).parentWidget()
                if box is not None:  # the row's box (see _url_row)
                    box.deleteLater()

    def _url_row(self, job_id: str, view: JobView) -> DownloadControls:
        if job_id not in self.url_rows:
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 8)
            box_layout.addWidget(QLabel(f"<b>{view.spec.filename}</b> — {view.spec.url}"))
            controls = DownloadControls()
            self._wire(controls, lambda: self.downloads.jobs.get(job_id))
            box_layout.addWidget(controls)
            self.url_section.addWidget(box)
            self.url_rows[job_id] = controls
        return self.url_rows[job_id]

    def _on_url_button_clicked(self) -> None:
        url = self.url_edit.text().strip()
        if url:  # the box is cleared once the URL is queued, never after an error
            self.downloads.download_url(url)

    def _on_downloads_url_accepted(self, url: str) -> None:
        if self.url_edit.text().strip() == url.strip():
            self.url_edit.clear()

    def _on_downloads_job_finished(self, view: JobView) -> None:
        result = view.result or {}
        name = view.spec.filename
        text = (
            self.tr("{name} was downloaded and its SHA-256 matches the registry: it is in your "
                    "library.")
            if result.get("verified")
            else self.tr("{name} was downloaded into your library.")
        ).format(name=name)  # fmt: skip
        self.notice.label.setText(text)
        self.notice.setProperty("filename", Path(str(result.get("path") or name)).name)
        self.notice.show()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        self.downloads.start()
        super().showEvent(event)
