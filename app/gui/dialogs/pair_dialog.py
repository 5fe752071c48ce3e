"""Pair with VAE…: choose the VAE one checkpoint should load, and where that choice is kept.

The dialog only chooses; the Checkpoints panel runs the core pair operation (the
one ``pair VAE --with CHECKPOINT`` runs) on the user lane. A1111 reads two
per-checkpoint choices: a ``<checkpoint>.vae.safetensors`` beside the checkpoint
(a link the app makes, ``sidecar``) and the "Preferred VAE" in the checkpoint's
``<checkpoint>.json`` (``metadata``). Forge 2 loads no sidecars, so it is offered
only its "Preferred VAE / Text encoder(s)".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)

HOW_SIDECAR, HOW_METADATA, HOW_BOTH = "sidecar", "metadata", "both"  # app.core...PairHow values


@dataclass(frozen=True)
class PairChoice:
    """What the user chose: the VAE file and where the pairing is written."""

    vae: Path
    how: str


class PairDialog(QDialog):
    """A VAE from the library and a place for the choice; OK announces ``chosen``."""

    chosen = Signal(object)  # PairChoice

    def __init__(
        self,
        checkpoint: str,
        install_label: str,
        vaes: list[tuple[str, Path]],
        *,
        forge2: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pairDialog")
        self.setWindowTitle(self.tr("Pair with VAE"))
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        intro = QLabel(
            self.tr("Make {install} load a VAE whenever {checkpoint} is selected.").format(
                install=install_label, checkpoint=checkpoint
            )
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.vae_combo = QComboBox()
        self.vae_combo.setObjectName("pairVae")
        for name, path in vaes:
            self.vae_combo.addItem(name, str(path))
            index = self.vae_combo.count() - 1
            self.vae_combo.setItemData(index, str(path), Qt.ItemDataRole.ToolTipRole)
        form.addRow(self.tr("VAE:"), self.vae_combo)
        self.how_combo = QComboBox()
        self.how_combo.setObjectName("pairHow")
        choices = [(HOW_METADATA, self.tr("Preferred VAE / Text encoder(s) (Forge)"))]
        if not forge2:
            choices = [
                (HOW_SIDECAR, self.tr("A VAE file beside the checkpoint (<name>.vae.safetensors)")),
                (HOW_METADATA, self.tr('"Preferred VAE" in the checkpoint\'s user metadata')),
                (HOW_BOTH, self.tr("Both")),
            ]
        for how, text in choices:
            self.how_combo.addItem(text, how)
        form.addRow(self.tr("How:"), self.how_combo)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Pair"))
        self.ok_button.setEnabled(bool(vaes))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> PairChoice:
        """The VAE and the place chosen now."""
        vae = Path(str(self.vae_combo.currentData()))
        return PairChoice(vae, str(self.how_combo.currentData()))

    def accept(self) -> None:
        if self.vae_combo.count():
            self.chosen.emit(self.choice())
        super().accept()
