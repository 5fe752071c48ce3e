"""Which VAE an A1111-family install uses with one checkpoint, and where that choice lives.

Two per-checkpoint choices exist (AUTOMATIC1111 ``modules/sd_vae.py`` at
45b8a499 = v1.8.0, ``resolve_vae``):

* the checkpoint's user metadata, ``<checkpoint without extension>.json`` beside it
  (``extra_networks.get_user_metadata``: ``os.path.splitext(filename)[0] + '.json'``),
  key ``"vae"``: a name from the VAE list, ``"None"`` or ``"Automatic"``
  (``ui_extra_networks_checkpoints_user_metadata.py``, "Preferred VAE"). Forge 2
  writes ``"vae_te"`` instead, a list of names from its VAE / text-encoder list, and
  still reads an old ``"vae"`` string (Forge main ``modules/ui_extra_networks.py``
  ``read_user_metadata``);
* a VAE "near the checkpoint" (``find_vae_near_checkpoint``): the first file in the
  VAE list whose basename starts with the checkpoint's basename minus its last
  extension, which ``<stem>.vae.safetensors`` (``.vae.pt``, ``.vae.ckpt``) beside the
  checkpoint always is, since the checkpoint folders are listed first.

The ``sd_vae`` setting overrides both when it is not Automatic and
``sd_vae_overrides_per_model_preferences`` is on (the default). :func:`pairings_of`
answers all of it for the Checkpoints panel.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from app.core.errors import UserError
from app.core.installs.a1111_config import SD_VAE_KEY, config_path, is_forge2, read_config
from app.core.installs.a1111_vaes import (
    SIDECAR_SUFFIXES,
    VAE_SUFFIXES,
    forge2_module_list,
    vae_list,
)
from app.core.installs.records import KIND_FORGE, Install

VAE_KEY = "vae"
FORGE2_KEY = "vae_te"
AUTOMATIC = "Automatic"
NONE = "None"


class PairHow(StrEnum):
    """Where a pairing is written."""

    SIDECAR = "sidecar"  # <checkpoint stem>.vae.<ext> link beside the checkpoint
    METADATA = "metadata"  # "Preferred VAE" in <checkpoint>.json
    BOTH = "both"


class VaeSource(StrEnum):
    """Why A1111 picks the VAE it picks for a checkpoint (``VaeResolution.source``)."""

    SETTING = "specified in settings"
    METADATA = "from user metadata"
    NEAR = "found near the checkpoint"
    BUILT_IN = "built in"  # no VAE file: the checkpoint's own weights


@dataclass(frozen=True)
class Pairing:
    """A checkpoint's VAE choices as the install sees them, for the Checkpoints panel."""

    checkpoint: Path
    install: Install
    metadata_file: Path
    metadata_vae: tuple[str, ...]
    """The names in user metadata ("vae", Forge 2 "vae_te"); empty when none is set."""
    sidecars: tuple[Path, ...]
    """``<stem>.vae.*`` files beside the checkpoint."""
    near: Path | None
    """The file A1111's prefix rule finds (a sidecar, or a VAE named like the checkpoint)."""
    effective: Path | None
    """The VAE A1111 would load with this checkpoint (None: built in)."""
    source: VaeSource

    def to_json(self) -> dict[str, object]:
        """Plain JSON for ``pair --json`` and the panel."""
        return {
            "checkpoint": str(self.checkpoint),
            "install": str(self.install.root),
            "metadata_file": str(self.metadata_file),
            "metadata_vae": list(self.metadata_vae),
            "sidecars": [str(p) for p in self.sidecars],
            "near": str(self.near) if self.near else None,
            "effective": str(self.effective) if self.effective else None,
            "source": str(self.source),
        }


def checkpoint_stem(checkpoint: Path) -> str:
    """The basename minus its last extension (``rsplit('.', 1)[0]``, as A1111 takes it)."""
    return Path(checkpoint).name.rsplit(".", 1)[0]


def sidecar_path(checkpoint: Path, vae: Path) -> Path:
    """``<stem>.vae.<ext>`` beside the checkpoint, ``<ext>`` the VAE's own format."""
    suffix = Path(vae).suffix.lower()
    if suffix not in VAE_SUFFIXES:
        raise UserError(
            f"A1111 lists only {', '.join(SIDECAR_SUFFIXES)} files beside a checkpoint; "
            f"{Path(vae).name} is none of those formats."
        )
    return Path(checkpoint).with_name(f"{checkpoint_stem(checkpoint)}.vae{suffix}")


def metadata_path(checkpoint: Path) -> Path:
    """``os.path.splitext(checkpoint)[0] + '.json'`` (``extra_networks.get_user_metadata``)."""
    return Path(os.path.splitext(checkpoint)[0] + ".json")


def metadata_key(install: Install) -> str:
    """``vae_te`` in Forge 2, ``vae`` elsewhere."""
    return FORGE2_KEY if is_forge2(install) else VAE_KEY


def read_metadata(checkpoint: Path) -> dict[str, object]:
    """The checkpoint's user metadata ({} when there is none); UserError when it is unusable."""
    path = metadata_path(checkpoint)
    data, _ = read_config(path)  # same limits and refusals as config.json
    return data


def metadata_names(data: dict[str, object], install: Install) -> tuple[str, ...]:
    """The names the metadata prefers (Forge 2 falls back to an old ``vae`` string)."""
    value = data.get(metadata_key(install))
    if value is None and is_forge2(install):
        value = data.get(VAE_KEY)
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def sidecars_of(checkpoint: Path) -> tuple[Path, ...]:
    """Existing ``<stem>.vae.*`` names beside the checkpoint (links included, even broken)."""
    stem = checkpoint_stem(checkpoint)
    return tuple(
        p
        for suffix in SIDECAR_SUFFIXES
        if os.path.lexists(p := Path(checkpoint).with_name(stem + suffix))
    )


def find_near(checkpoint: Path, vaes: dict[str, Path]) -> Path | None:
    """A1111's ``find_vae_near_checkpoint``: the first listed basename starting with the stem."""
    stem = checkpoint_stem(checkpoint)
    return next((p for name, p in vaes.items() if name.startswith(stem)), None)


def pairings_of(checkpoint: Path, install: Install) -> Pairing:
    """Every per-checkpoint VAE choice and the VAE A1111's ``resolve_vae`` would load.

    ``--vae-path`` (which overrides everything) is not followed here. UserError when
    the checkpoint's metadata or the install's config.json cannot be read.
    """
    return _pairing(checkpoint, install, *_context(install))


def pairings_in(install: Install, checkpoints: Sequence[Path] | None = None) -> list[Pairing]:
    """:func:`pairings_of` for many checkpoints (default: every one the install lists).

    The VAE list and settings are read once; a checkpoint whose metadata cannot be
    read is left out (its :func:`pairings_of` says why).
    """
    context = _context(install)
    found = checkpoints if checkpoints is not None else list_checkpoints(install)
    out = []
    for ckpt in found:
        try:
            out.append(_pairing(ckpt, install, *context))
        except UserError:
            continue
    return out


def list_checkpoints(install: Install) -> list[Path]:
    """The checkpoint files in the install's checkpoint folders, by ``sd_models.py``'s rule.

    ``.ckpt`` and ``.safetensors`` (Forge also ``.gguf``), never ``*.vae.*``.
    """
    suffixes = (".ckpt", ".safetensors") + ((".gguf",) if install.kind == KIND_FORGE else ())
    found: list[Path] = []
    for folder in install.checkpoint_dirs:
        for base, dirs, files in os.walk(folder.path, followlinks=True):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            found += [
                Path(base) / f
                for f in sorted(files)
                if f.lower().endswith(suffixes) and not f.lower().endswith(SIDECAR_SUFFIXES)
            ]
    return found


def _context(install: Install) -> tuple[dict[str, Path], dict[str, object]]:
    vaes = forge2_module_list(install) if is_forge2(install) else vae_list(install)
    settings, _ = read_config(config_path(install))
    return vaes, settings


def _pairing(
    checkpoint: Path, install: Install, vaes: dict[str, Path], settings: dict[str, object]
) -> Pairing:
    checkpoint = Path(os.path.abspath(checkpoint))
    meta = read_metadata(checkpoint)
    names = metadata_names(meta, install)
    near = find_near(checkpoint, vaes)
    effective, source = _resolve(settings, names, near, vaes, install)
    return Pairing(checkpoint, install, metadata_path(checkpoint), names,
                   sidecars_of(checkpoint), near, effective, source)  # fmt: skip


def _resolve(
    settings: dict[str, object],
    names: tuple[str, ...],
    near: Path | None,
    vaes: dict[str, Path],
    install: Install,
) -> tuple[Path | None, VaeSource]:
    """``resolve_vae`` (A1111 1.8.0) over our reading of the files; Forge 2: metadata only."""
    if is_forge2(install):
        chosen = next((vaes[n] for n in names if n in vaes), None)
        return (chosen, VaeSource.METADATA) if chosen else (None, VaeSource.BUILT_IN)
    setting = settings.get(SD_VAE_KEY, AUTOMATIC)
    automatic = setting in (AUTOMATIC, "auto")
    overrides = settings.get("sd_vae_overrides_per_model_preferences", True)
    if overrides and not automatic:
        return _from_setting(setting, vaes)
    wanted = names[0] if names else None
    if wanted is not None and wanted != AUTOMATIC:
        if wanted == NONE:
            return None, VaeSource.BUILT_IN
        if wanted in vaes:
            return vaes[wanted], VaeSource.METADATA
    if near is not None and (not overrides or automatic):
        return near, VaeSource.NEAR
    return _from_setting(setting, vaes)


def _from_setting(setting: object, vaes: dict[str, Path]) -> tuple[Path | None, VaeSource]:
    if isinstance(setting, str) and setting in vaes:
        return vaes[setting], VaeSource.SETTING
    return None, VaeSource.BUILT_IN  # "None", Automatic, or a name that is gone


__all__ = [
    "AUTOMATIC",
    "FORGE2_KEY",
    "NONE",
    "VAE_KEY",
    "PairHow",
    "Pairing",
    "VaeSource",
    "checkpoint_stem",
    "find_near",
    "metadata_key",
    "metadata_names",
    "metadata_path",
    "list_checkpoints",
    "pairings_in",
    "pairings_of",
    "read_metadata",
    "sidecar_path",
    "sidecars_of",
]
