"""The details pane: everything known about the selected file, as selectable rich text."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.gui.core_messages import problem_text
from app.gui.formatting import family_name, human_size
from app.gui.library_model import hash_source_text
from app.gui.registry_text import advice
from app.gui.snapshot import LibraryRow
from app.gui.theme import secondary_text_colour

REVEAL_SCHEME = "reveal"
GUIDE_URL = "guide:which-vae"


def _esc(value: object) -> str:
    return html.escape(str(value)) if value not in (None, "") else "—"


def _when(stamp: float) -> str:
    return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M")


class DetailsView(QTextBrowser):
    """Renders one :class:`LibraryRow`; location links reveal files, the guide link opens help."""

    reveal_requested = Signal(Path)
    guide_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setObjectName("detailsView")
        self.anchorClicked.connect(self._on_self_anchor_clicked)
        self._row: LibraryRow | None = None
        self.show_row(None)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.PaletteChange:  # colours are fixed when HTML is parsed
            self.show_row(self._row)
        super().changeEvent(event)

    def show_row(self, row: LibraryRow | None) -> None:
        self._row = row
        if row is None:
            self.setHtml(
                f"<p style='color:{secondary_text_colour()}'>"
                + html.escape(
                    self.tr("Select a file to see its hashes, where it is and what it is.")
                )
                + "</p>"
            )
            return
        self.setHtml(self._html(row))

    def _html(self, row: LibraryRow) -> str:
        entry = row.entry
        parts = []
        guide = self.tr("Which VAE should I use?")
        if row.official is not None:
            parts.append(f"<p><b>{_esc(row.official.display_name)}</b></p>")
            if row.official.description:
                parts.append(f"<p>{_esc(advice(row.official.description))}</p>")
            parts.append(f"<p><a href='{GUIDE_URL}'>{_esc(guide)}</a></p>")
        parts.append(self._section(self.tr("Hashes"), self._hashes(row)))
        parts.append(self._section(self.tr("Locations"), self._locations(row)))
        parts.append(self._section(self.tr("File"), self._file_facts(row)))
        if entry.problems:
            items = "".join(f"<li>{_esc(problem_text(p))}</li>" for p in entry.problems)
            parts.append(self._section(self.tr("Problems"), f"<ul>{items}</ul>"))
        return "".join(parts)

    def _section(self, title: str, body: str) -> str:
        return f"<h4 style='margin-top:12px;margin-bottom:4px'>{_esc(title)}</h4>{body}"

    def _table(self, rows: list[tuple[str, str]], *, mono: bool = False) -> str:
        style = "font-family:monospace;" if mono else ""
        muted = secondary_text_colour()
        cells = "".join(
            f"<tr><td style='padding-right:10px;color:{muted};white-space:nowrap'>{_esc(k)}</td>"
            f"<td style='{style}'>{v}</td></tr>"
            for k, v in rows
        )
        return f"<table cellspacing='0' cellpadding='1'>{cells}</table>"

    def _hashes(self, row: LibraryRow) -> str:
        entry = row.entry
        if entry.sha256 is None:
            waiting = self.tr("Not hashed yet: hashing runs in the background.")
            return f"<p>{_esc(waiting)}</p>"
        rows = [
            ("SHA-256", _esc(entry.sha256)),
            ("AutoV2", _esc(entry.autov2)),
            ("BLAKE3", _esc(entry.blake3)),
            ("AutoV1", _esc(entry.autov1)),
            ("AddNet", _esc(entry.addnet)),
        ]
        source = f"<span style='font-family:sans-serif'>{_esc(hash_source_text(entry))}</span>"
        rows.append((self.tr("Hash from"), source))
        return self._table(rows, mono=True)

    def _locations(self, row: LibraryRow) -> str:
        items = []
        missing, ours, own = (
            self.tr("missing"),
            self.tr("linked by VAE Manager"),
            self.tr("own copy"),
        )
        for path in row.entry.locations:
            url = QUrl.fromLocalFile(path).toString().replace("file:", REVEAL_SCHEME + ":", 1)
            items.append(f"<li><a href='{html.escape(url)}'>{_esc(path)}</a></li>")
        for path in row.entry.missing_locations:
            items.append(f"<li><s>{_esc(path)}</s> ({_esc(missing)})</li>")
        chips = "".join(
            f"<li>{_esc(c.label)} — {_esc(c.root)} ({_esc(ours if c.by_app else own)})</li>"
            for c in row.chips
        )
        text = f"<ul style='margin-left:-20px'>{''.join(items)}</ul>"
        if chips:
            heading = self.tr("In these installs:")
            text += f"<p>{_esc(heading)}</p><ul>{chips}</ul>"
        return text

    def _file_facts(self, row: LibraryRow) -> str:
        entry = row.entry
        yes, no = self.tr("yes"), self.tr("no")
        rows = [
            (self.tr("Size"), _esc(f"{human_size(entry.size)} ({entry.size:,} bytes)")),
            (self.tr("Format"), _esc(entry.format)),
            (self.tr("Kind"), _esc(entry.kind)),
            (self.tr("Family"), _esc(family_name(entry.family))),
            (self.tr("Key layout"), _esc(entry.layout)),
            (self.tr("Precision"), _esc(entry.dtype)),
            (
                self.tr("Has encoder"),
                _esc(None if entry.has_encoder is None else (yes if entry.has_encoder else no)),
            ),
            (self.tr("First seen"), _esc(_when(entry.first_seen))),
            (self.tr("Last seen"), _esc(_when(entry.last_seen))),
        ]
        return self._table(rows)

    def _on_self_anchor_clicked(self, url: QUrl) -> None:
        if url.toString() == GUIDE_URL:
            self.guide_requested.emit()
        elif url.scheme() == REVEAL_SCHEME:
            self.reveal_requested.emit(Path(QUrl("file:" + url.path()).toLocalFile()))
