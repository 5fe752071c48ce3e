"""Which VAE each checkpoint is paired with in its A1111-family install, read and said.

The reading is :func:`app.core.installs.a1111_pairing.pairings_in` (A1111's own
``resolve_vae`` order) on a worker, once per snapshot; this module keeps what the
Checkpoints panel shows: the VAE the install would load with the checkpoint and
how that choice is made (a sidecar ``<name>.vae.safetensors``, the "Preferred VAE"
of its user metadata, Forge 2's preferred modules, or the install's default).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:  # read in workers; the installs package walks disks
    from app.core.installs.a1111_pairing import Pairing
    from app.core.installs.records import Install
    from app.core.tasks import CancelToken, ProgressCallback


@dataclass(frozen=True)
class CheckpointPairing:
    """One checkpoint location's pairing, with what the panel needs to say it."""

    pairing: Pairing
    install_label: str
    forge2: bool

    @property
    def paired(self) -> bool:
        """Whether a per-checkpoint choice exists that Unpair could take away."""
        from app.core.installs.a1111_pairing import AUTOMATIC, VaeSource

        pairing = self.pairing
        if pairing.sidecars or pairing.source == VaeSource.METADATA:
            return True
        # A1111: a "Preferred VAE" of None (or a name now gone) is a choice too; Forge 2's
        # list may hold only text encoders, which Unpair leaves alone.
        return not self.forge2 and pairing.metadata_vae[:1] not in ((), (AUTOMATIC,))


def path_key(path: str | os.PathLike[str]) -> str:
    """How checkpoint locations and pairings are matched (absolute, case as the OS folds)."""
    return os.path.normcase(os.path.abspath(path))


def read_pairings(
    installs: Iterable[Install],
    labels: Mapping[Path, str],
    progress: ProgressCallback,
    cancel: CancelToken,
) -> dict[str, CheckpointPairing]:
    """Worker: every checkpoint of every A1111-family install, keyed by :func:`path_key`.

    An install whose ``config.json`` cannot be read is left out (its pairings
    cannot be told); so is a checkpoint whose metadata file is broken.
    """
    from app.core.errors import UserError
    from app.core.installs.a1111_config import is_forge2, supports_default_vae
    from app.core.installs.a1111_pairing import pairings_in

    found: dict[str, CheckpointPairing] = {}
    for install in installs:
        cancel.raise_if_cancelled()
        if not supports_default_vae(install):
            continue
        try:
            pairings = pairings_in(install)
        except (UserError, OSError):
            continue
        label, forge2 = labels.get(install.root, install.label), is_forge2(install)
        for pairing in pairings:
            view = CheckpointPairing(pairing, label, forge2)
            found[path_key(pairing.checkpoint)] = view
            found.setdefault(path_key(os.path.realpath(pairing.checkpoint)), view)
    return found


def how_text(view: CheckpointPairing) -> str:
    """How the install comes to load the VAE it loads with this checkpoint."""
    from app.core.installs.a1111_pairing import NONE, VaeSource

    pairing = view.pairing
    if pairing.source == VaeSource.METADATA:
        if view.forge2:
            return QCoreApplication.translate(
                "Checkpoints", "Forge's Preferred VAE / Text encoder(s) in {file}"
            ).format(file=pairing.metadata_file.name)
        return QCoreApplication.translate("Checkpoints", '"Preferred VAE" in {file}').format(
            file=pairing.metadata_file.name
        )
    if pairing.source == VaeSource.NEAR:
        if pairing.near in pairing.sidecars:
            return QCoreApplication.translate("Checkpoints", "beside it as {file}").format(
                file=pairing.near.name
            )
        return QCoreApplication.translate("Checkpoints", "a VAE named like it")
    if pairing.source == VaeSource.SETTING:
        return QCoreApplication.translate("Checkpoints", "the install's default VAE (sd_vae)")
    if pairing.metadata_vae[:1] == (NONE,):
        return QCoreApplication.translate("Checkpoints", '"Preferred VAE" is None')
    return QCoreApplication.translate("Checkpoints", "nothing chosen for it")


def pairing_text(view: CheckpointPairing | None) -> str:
    """``vae.safetensors (beside it as x.vae.safetensors)``; or its built-in VAE; or ``–``."""
    if view is None:
        return "–"  # not in an A1111-family install: no per-checkpoint choice to show
    effective = view.pairing.effective
    name = (
        effective.name
        if effective is not None
        else QCoreApplication.translate("Checkpoints", "its built-in VAE")
    )
    return f"{name} ({how_text(view)})"
