"""The Preview panel: decode one latent with up to four VAEs and compare them pixel by pixel."""

from __future__ import annotations

import html
import math
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import Cancelled, UserError
from app.core.torch_support import TorchStatus, torch_findable
from app.gui.errors import ErrorPresenter
from app.gui.icons import icon
from app.gui.panels.image_views import ImageTile, SyncGroup, array_to_qimage
from app.gui.preview_jobs import (
    SOURCE_CARD,
    SOURCE_IMAGE,
    SOURCE_LATENT,
    InstantPicture,
    PreviewSource,
    decode,
    instant_picture,
)
from app.gui.settings import KEY_PREVIEW_DEVICE, get_str, set_value
from app.gui.snapshot import LibraryRow, Snapshot
from app.gui.tasks import Lane, Task, TaskRunner
from app.gui.widgets import EmptyState, panel_header

if TYPE_CHECKING:  # torch loads on the GPU lane, never at window start
    from app.preview.service import PreviewResult

MAX_VAES = 4
CAPTION_CHARS = 160  # a tile's caption is a reminder; the presenter shows the whole message
DEVICES = ("auto", "cpu", "cuda", "mps")
DTYPES = ("auto", "fp32", "fp16", "bf16")


class PreviewPanel(QWidget):
    """Controls on the left, one synchronized image view per chosen VAE on the right."""

    decode_finished = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        presenter: ErrorPresenter | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.presenter = presenter or ErrorPresenter(self)
        self.rows: list[LibraryRow] = []
        self.tiles: list[ImageTile] = []
        self.tasks: list[Task] = []
        self.sync = SyncGroup(self)
        self.source_path: Path | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(
            panel_header(
                self.tr("Preview"),
                self.tr("Decode the same latent with several VAEs and compare eyes, faces, text "
                        "and colour at the pixel level. Zoom and pan move all images together."),
            )
        )  # fmt: skip
        body = QHBoxLayout()
        body.addWidget(self._controls())
        right = QVBoxLayout()
        right.addLayout(self._zoom_bar())
        self.stack = QStackedWidget()
        empty = EmptyState(
            "preview",
            self.tr("Nothing decoded yet"),
            self.tr("Pick one to four VAEs on the left and press Decode. The test card holds "
                    "fine text, thin lines, gradients and a face: what VAEs get wrong first."),
        )  # fmt: skip
        self.stack.addWidget(empty)
        grid_holder = QWidget()
        self.grid = QGridLayout(grid_holder)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(10)
        self.stack.addWidget(grid_holder)
        right.addWidget(self.stack, 1)
        body.addLayout(right, 1)
        layout.addLayout(body, 1)
        self.torch_status = torch_findable()
        if not self.torch_status.available:
            self._show_torch_missing(self.torch_status)

    def _show_torch_missing(self, status: TorchStatus) -> None:
        """Without PyTorch (the lite build) the panel says why and how to get the preview."""
        self.unavailable = EmptyState(
            "preview",
            self.tr("GPU preview is not available"),
            f"{status.message} {status.hint}".strip(),
        )
        self.unavailable.setObjectName("torchMissing")
        self.stack.addWidget(self.unavailable)
        self.stack.setCurrentWidget(self.unavailable)
        self.decode_button.setEnabled(False)
        self.status.setText(status.message)

    # -- building -------------------------------------------------------------------------------
    def _controls(self) -> QWidget:
        box = QWidget()
        box.setFixedWidth(320)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 6, 0)
        vaes = QGroupBox(self.tr("VAEs to compare"))
        vae_layout = QVBoxLayout(vaes)
        self.vae_combos: list[QComboBox] = []
        for i in range(MAX_VAES):
            combo = QComboBox()
            combo.setObjectName(f"vaeSlot{i}")
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(20)
            vae_layout.addWidget(combo)
            self.vae_combos.append(combo)
        layout.addWidget(vaes)
        layout.addWidget(self._source_box())
        options = QGroupBox(self.tr("Decode on"))
        form = QFormLayout(options)
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("deviceCombo")
        device_names = {"cpu": "CPU", "cuda": "CUDA (NVIDIA)", "mps": "MPS (Apple)"}
        for key in DEVICES:
            self.device_combo.addItem(device_names.get(key) or self.tr("Automatic"), key)
        remembered = self.device_combo.findData(get_str(KEY_PREVIEW_DEVICE, "auto"))
        self.device_combo.setCurrentIndex(max(0, remembered))
        self.device_combo.currentIndexChanged.connect(
            lambda _: set_value(KEY_PREVIEW_DEVICE, self.device_combo.currentData())
        )
        form.addRow(self.tr("Device:"), self.device_combo)
        self.dtype_combo = QComboBox()
        for key in DTYPES:
            self.dtype_combo.addItem(key if key != "auto" else self.tr("Automatic"), key)
        form.addRow(self.tr("Precision:"), self.dtype_combo)
        layout.addWidget(options)
        buttons = QHBoxLayout()
        self.decode_button = QPushButton(icon("play"), self.tr("Decode"))
        self.decode_button.setObjectName("decodeButton")
        self.decode_button.setDefault(True)
        self.decode_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(icon("cancel"), self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.decode_button, 1)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addStretch()
        return box

    def _source_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Latent"))
        layout = QVBoxLayout(box)
        self.source_group = QButtonGroup(self)
        self.card_radio = QRadioButton(self.tr("Test card (encoded by each VAE)"))
        self.card_radio.setChecked(True)
        self.latent_radio = QRadioButton(self.tr("Latent file (.latent, .safetensors, .npy)"))
        self.image_radio = QRadioButton(self.tr("Your image (PNG, round trip)"))
        for button in (self.card_radio, self.latent_radio, self.image_radio):
            self.source_group.addButton(button)
            layout.addWidget(button)
        row = QHBoxLayout()
        self.source_label = QLabel(self.tr("no file chosen"))
        self.source_label.setWordWrap(True)
        browse = QPushButton(icon("folder"), self.tr("Choose…"))
        browse.clicked.connect(self._on_browse_clicked)
        row.addWidget(self.source_label, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.scaled_check = QCheckBox(self.tr("Latent is scaled (diffusion model space)"))
        layout.addWidget(self.scaled_check)
        return box

    def _zoom_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        for name, tip, action in (
            ("zoom-fit", self.tr("Fit"), self.sync.fit),
            ("zoom-actual", self.tr("100 %"), lambda: self.sync.set_scale(1.0)),
            ("zoom-out", self.tr("Zoom out"), lambda: self.sync.zoom_by(1 / 1.5)),
            ("zoom-in", self.tr("Zoom in"), lambda: self.sync.zoom_by(1.5)),
        ):
            button = QToolButton()
            button.setIcon(icon(name))
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.clicked.connect(action)
            bar.addWidget(button)
        for factor in (2, 4, 8):
            button = QToolButton()
            button.setText(f"{factor}×")
            button.setAutoRaise(True)
            button.clicked.connect(lambda _=False, f=factor: self.sync.set_scale(float(f)))
            bar.addWidget(button)
        self.zoom_label = QLabel("100 %")
        self.sync.scale_changed.connect(lambda s: self.zoom_label.setText(f"{s * 100:.0f} %"))
        bar.addWidget(self.zoom_label)
        bar.addStretch()
        return bar

    # -- data -------------------------------------------------------------------------------
    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Offer every present VAE (and checkpoint: its baked-in VAE decodes too)."""
        self.rows = [r for r in snapshot.rows if r.entry.locations and r.badge.key != "unsafe"]
        for i, combo in enumerate(self.vae_combos):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("— none —") if i else self.tr("— choose a VAE —"), None)
            for row in self.rows:
                combo.addItem(row.name, str(row.path))
            found = combo.findData(chosen)
            combo.setCurrentIndex(max(0, found))
            combo.blockSignals(False)

    def choose(self, rows: list[LibraryRow]) -> None:
        """Put these files into the slots (from the library's Preview action)."""
        for i, combo in enumerate(self.vae_combos):
            path = str(rows[i].path) if i < len(rows) else None
            found = combo.findData(path) if path else 0
            if path and found < 0:
                combo.addItem(rows[i].name, path)
                found = combo.count() - 1
            combo.setCurrentIndex(found)

    def chosen_paths(self) -> list[Path]:
        paths = [c.currentData() for c in self.vae_combos if c.currentData()]
        return [Path(p) for p in dict.fromkeys(paths)]

    def source(self) -> PreviewSource:
        if self.latent_radio.isChecked():
            return PreviewSource(SOURCE_LATENT, self.source_path, self.scaled_check.isChecked())
        if self.image_radio.isChecked():
            return PreviewSource(SOURCE_IMAGE, self.source_path)
        return PreviewSource(SOURCE_CARD)

    # -- running ----------------------------------------------------------------------------
    def start(self) -> None:
        """Show the instant picture in every tile, then queue one decode per VAE (GPU lane)."""
        if not self.torch_status.available:
            return
        paths, source = self.chosen_paths(), self.source()
        if not paths:
            self.status.setText(self.tr("Choose at least one VAE."))
            return
        if source.kind != SOURCE_CARD and source.path is None:
            self.status.setText(self.tr("Choose the file to decode first."))
            return
        self.cancel()
        self._make_tiles(paths)
        family = self._family_of(paths[0])
        self.runner.submit(self.tr("Preparing the preview"),
                           lambda p, c: instant_picture(source, family),
                           on_done=self._on_instant_ready,
                           on_error=self._on_instant_failed,
                           visible=False)  # fmt: skip
        device = self.device_combo.currentData()
        dtype = self.dtype_combo.currentData()
        self.tasks = [
            self.runner.submit(
                self.tr("Decoding with {name}").format(name=path.name),
                partial(decode, path, source, device, dtype),
                lane=Lane.GPU,
                on_done=partial(self._on_decoded, i),
                on_error=partial(self._on_failed, i),
            )
            for i, path in enumerate(paths)
        ]
        for task in self.tasks:
            task.ended.connect(self._on_task_ended)
        self.decode_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText(self.tr("Decoding… the first decode loads the engine (a few seconds)."))

    def cancel(self) -> None:
        for task in self.tasks:
            task.cancel()

    def _make_tiles(self, paths: list[Path]) -> None:
        for tile in self.tiles:
            tile.deleteLater()
        self.tiles = []
        self.sync.views.clear()  # the group outlives the tiles; their views are replaced
        columns = 1 if len(paths) == 1 else 2
        for i, path in enumerate(paths):
            tile = ImageTile()
            tile.title.setText(f"<b>{path.name}</b>")
            tile.caption.setText(self.tr("waiting to decode…"))
            tile.suggested_name = f"{path.stem}-preview.png"
            self.sync.add(tile.view)
            self.grid.addWidget(tile, i // columns, i % columns)
            self.tiles.append(tile)
        self.stack.setCurrentIndex(1)

    def _family_of(self, path: Path) -> str | None:
        row = next((r for r in self.rows if r.path == path), None)
        return row.entry.family if row else None

    def _on_instant_ready(self, picture: InstantPicture | None) -> None:
        if picture is None:
            return
        image = array_to_qimage(picture.image)
        note = (self.tr("approximate preview (no VAE yet)") if picture.approximate
                else self.tr("original, before decoding"))  # fmt: skip
        for tile in self.tiles:
            if tile.image is None:
                tile.set_image(image)
                tile.caption.setText(note + " — " + self.tr("decoding…"))
        self.sync.fit()

    def _on_decoded(self, index: int, result: PreviewResult) -> None:
        if index >= len(self.tiles):
            return
        tile = self.tiles[index]
        tile.set_image(array_to_qimage(result.image), final=True)
        tile.caption.setText(self._numbers(result))
        if all(t.image is not None for t in self.tiles):
            self.sync.fit()

    def _numbers(self, result: PreviewResult) -> str:
        parts = [html.escape(result.family_name)] if getattr(result, "family_name", "") else []
        if result.psnr is not None:
            psnr = "∞" if math.isinf(result.psnr) else f"{result.psnr:.2f} dB"
            parts.append(f"<b>PSNR</b> {psnr} · <b>SSIM</b> {result.ssim:.4f}")
        parts.append(f"{result.device} · {result.dtype} · {result.seconds:.2f} s"
                     + (" · " + self.tr("tiled") if result.tiled else ""))  # fmt: skip
        if result.fell_back and result.fallback_reason:
            parts.append("⚠ " + result.fallback_reason)
        parts += ["ⓘ " + html.escape(note) for note in getattr(result, "notes", ())]
        return "<br>".join(parts)

    def _on_instant_failed(self, exc: BaseException) -> None:
        self.status.setText(self._caption(exc))
        self.presenter.show_error(exc, self.tr("Preparing the preview"))

    def _on_failed(self, index: int, exc: BaseException) -> None:
        """A short caption on the tile; the presenter shows the message (or the bug report)."""
        if index < len(self.tiles):
            self.tiles[index].caption.setText("⚠ " + html.escape(self._caption(exc)))
        trace = self.tasks[index].error_trace if index < len(self.tasks) else ""
        name = self.tasks[index].title if index < len(self.tasks) else self.tr("Preview")
        self.presenter.show_error(exc, name, trace)

    def _caption(self, exc: BaseException) -> str:
        if isinstance(exc, Cancelled):
            return self.tr("cancelled")
        if not isinstance(exc, UserError):
            return self.tr("internal error (a bug): the details were written to the log")
        text = " ".join(str(exc).split())
        return text if len(text) <= CAPTION_CHARS else text[: CAPTION_CHARS - 1] + "…"

    def _on_task_ended(self) -> None:
        if all(not t.active for t in self.tasks):
            self.decode_button.setEnabled(True)
            self.cancel_button.setEnabled(False)
            failed = sum(t.state == "failed" for t in self.tasks)
            cancelled = sum(t.state == "cancelled" for t in self.tasks)
            self.status.setText(
                self.tr("Cancelled.") if cancelled
                else self.tr("{n} decode(s) failed; the reason is under each image.").format(
                    n=failed) if failed
                else self.tr("Done. Wheel to zoom, drag to pan; all images follow.")
            )  # fmt: skip
            self.decode_finished.emit()

    def _on_browse_clicked(self) -> None:
        if self.image_radio.isChecked():
            pattern = self.tr("PNG images (*.png)")
        else:
            self.latent_radio.setChecked(True)
            pattern = self.tr("Latents (*.latent *.safetensors *.npy)")
        dialog = QFileDialog(self, self.tr("Choose the file to decode"), "", pattern)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self._on_source_chosen)
        dialog.open()

    def _on_source_chosen(self, path: str) -> None:
        self.set_source_file(Path(path))

    def set_source_file(self, path: Path) -> None:
        self.source_path = path
        self.source_label.setText(path.name)
        if path.suffix.lower() == ".png":
            self.image_radio.setChecked(True)
        else:
            self.latent_radio.setChecked(True)
