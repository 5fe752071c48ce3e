"""A user's latent file made ready for one engine, or refused with both families named.

Convention (unchanged for every family): a latent file holds the raw VAE latent,
what the family's own VAE decoder takes, unless ``scaled`` says it is in the
diffusion model's space. Image VAEs take (C, h, w) or (N, C, h, w); video VAEs
also take (N, C, T, h, w), of which the first latent frame is decoded (in the
causal video VAEs it depends on no other frame). Where a family has a second
form that its channel count gives away (FLUX.2's 128-channel packed latents),
the engine itself accepts it (:meth:`PreviewEngine.native_latent`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from app.core.errors import UserError
from app.core.inspection.vae_families import all_families
from app.core.inspection.vae_families.facts import MODALITY_IMAGE, MODALITY_VIDEO


@dataclass(frozen=True)
class ChannelStats:
    """Per-channel latent statistics: model space is ``(z - mean) * scale / std``."""

    mean: tuple[float, ...]
    std: tuple[float, ...]
    scale: float = 1.0

    def to_raw(self, latent: torch.Tensor) -> torch.Tensor:
        """The diffusion model's latent back to the raw VAE latent."""
        shape = (1, len(self.mean)) + (1,) * (latent.dim() - 2)
        mean = torch.tensor(self.mean, dtype=latent.dtype).view(shape)
        std = torch.tensor(self.std, dtype=latent.dtype).view(shape)
        return latent * std / self.scale + mean


# Latent forms the family table does not list by channel count: FLUX.2's packed latent
# (what ComfyUI saves), and one name for Stable Cascade's three stage C files.
_PACKED_FORMS = {128: ("FLUX.2 (packed)",)}
_LATENT_NAMES = {"stable-cascade-previewer": "Stable Cascade stage C"}
_SAME_LATENT = ("stable-cascade-effnet", "stable-cascade-stage-c-coder")


def families_with_channels(
    channels: int, modalities: tuple[str, ...] = (MODALITY_IMAGE, MODALITY_VIDEO)
) -> str:
    """Which image and video families (or only ``modalities``) use this many channels."""
    names = [
        _LATENT_NAMES.get(f.id, f.name)
        for f in all_families()
        if f.latent_channels == channels
        and f.modality in modalities
        and "-or-" not in f.id  # the shape-level pairs (sd1-or-sdxl, ...) name no new family
        and not f.preview_decoder
        and f.id not in _SAME_LATENT
    ]
    if MODALITY_IMAGE in modalities:
        names = [*_PACKED_FORMS.get(channels, ()), *names]
    if not names:
        return "no family the app knows"
    shown = ", ".join(names[:6])
    return shown + (", ..." if len(names) > 6 else "")


def refuse_channels(found: int, name: str, family_name: str, accepted: Sequence[int]) -> UserError:
    """The error for a latent of another family, naming both sides."""
    takes = " or ".join(f"{c}-channel" for c in accepted)
    theirs = "; ".join(f"{c}: {families_with_channels(c)}" for c in accepted)
    return UserError(
        f"{name} is a {found}-channel latent ({families_with_channels(found)}), but this "
        f"{family_name} VAE decodes {takes} latents ({theirs}). Use a VAE of the latent's family."
    )


def as_image_latent(latent: torch.Tensor, name: str, family_name: str) -> torch.Tensor:
    """(1, C, h, w): a 5-D latent with one frame is squeezed, a longer video refused."""
    if latent.dim() == 5:
        if latent.shape[2] != 1:
            raise UserError(
                f"{name} is a video latent ({latent.shape[2]} latent frames, "
                f"{families_with_channels(latent.shape[1], (MODALITY_VIDEO,))}); this "
                f"{family_name} VAE "
                "decodes single images."
            )
        latent = latent[:, :, 0]
    return latent


def as_video_latent(latent: torch.Tensor) -> torch.Tensor:
    """(1, C, 1, h, w): one latent frame, the first one of a video latent."""
    if latent.dim() == 4:
        return latent.unsqueeze(2)
    return latent[:, :, :1].contiguous()


def unpack_2x2(latent: torch.Tensor) -> torch.Tensor:
    """(N, 4C, h, w) to (N, C, 2h, 2w): FLUX.2's patchify undone (channel = c*4 + 2*py + px)."""
    n, c4, h, w = latent.shape
    c = c4 // 4
    return latent.reshape(n, c, 2, 2, h, w).permute(0, 1, 4, 2, 5, 3).reshape(n, c, 2 * h, 2 * w)


def pack_2x2(latent: torch.Tensor) -> torch.Tensor:
    """(N, C, 2h, 2w) to (N, 4C, h, w), the inverse of :func:`unpack_2x2`."""
    n, c, h2, w2 = latent.shape
    h, w = h2 // 2, w2 // 2
    return latent.reshape(n, c, h, 2, w, 2).permute(0, 1, 3, 5, 2, 4).reshape(n, c * 4, h, w)
