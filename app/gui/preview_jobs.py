"""The work behind the Preview panel, run in workers.

``instant_picture`` needs only numpy and Pillow (the test card is drawn in numpy,
an image opened by Pillow; a latent file gets the per-family linear latent-to-RGB
guess), so something
appears at once. ``decode`` is the real thing and the only place the GUI
imports ``app.preview.service``, and with it torch: on the GPU lane, when a
preview is asked for, never at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import UserError

if TYPE_CHECKING:  # numpy and torch load in the workers, never at window start
    import numpy as np

    from app.core.tasks import CancelToken, ProgressCallback
    from app.preview.service import PreviewResult

SOURCE_CARD, SOURCE_LATENT, SOURCE_IMAGE = "card", "latent", "image"
_LATENT_KEYS = ("latent_tensor", "samples", "latent", "latents", "z")


@dataclass(frozen=True)
class PreviewSource:
    """What to decode: the test card, a latent file or an image (round trip)."""

    kind: str = SOURCE_CARD
    path: Path | None = None
    scaled: bool = False


@dataclass(frozen=True)
class InstantPicture:
    """A picture to show while the decodes run, and what it is."""

    image: np.ndarray  # (H, W, 3) float32 in [0, 1]
    approximate: bool


def instant_picture(source: PreviewSource, family: str | None) -> InstantPicture | None:
    """The test card, the image, or an 8x-upscaled latent-to-RGB guess (None if impossible)."""
    import numpy as np

    if source.kind == SOURCE_CARD:
        from app.preview.testcard import make_test_card

        return InstantPicture(make_test_card().astype(np.float32) / 255.0, False)
    if source.kind == SOURCE_IMAGE and source.path is not None:
        from app.preview.images import read_image

        return InstantPicture(read_image(source.path).rgb, False)
    if source.path is None or not family:
        return None
    from app.preview.approx import latent_to_rgb

    rgb = latent_to_rgb(_read_latent_numpy(source.path), family, scaled=source.scaled, upscale=8)
    return InstantPicture(rgb, True) if rgb is not None else None


def _read_latent_numpy(path: Path) -> np.ndarray:
    """The first latent of a .npy/.safetensors/.latent file, without torch."""
    import numpy as np

    suffix = path.suffix.lower()
    if suffix == ".npy":
        array = np.load(path, allow_pickle=False)
    elif suffix in (".safetensors", ".latent"):
        from safetensors.numpy import load_file

        tensors = load_file(str(path))
        key = next((k for k in _LATENT_KEYS if k in tensors), None)
        if key is None and len(tensors) == 1:
            key = next(iter(tensors))
        if key is None:
            raise UserError(f"{path.name} holds no tensor named like a latent.")
        array = tensors[key]
    else:
        raise UserError(f"{path.name}: latents are read from .latent, .safetensors or .npy files.")
    array = np.asarray(array, dtype=np.float32)
    return array[0] if array.ndim == 4 else array


def decode(
    vae_path: Path,
    source: PreviewSource,
    device: str,
    dtype: str,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> PreviewResult:
    """Run the real decode through the preview service (imports torch on first use)."""
    from app.core.errors import UserError
    from app.core.torch_support import probe_torch

    torch_status = probe_torch()
    if not torch_status.available:
        raise UserError(f"{torch_status.message} {torch_status.hint}".strip())
    from app.preview.service import PreviewRequest, run_preview

    request = PreviewRequest(
        vae_path=vae_path,
        latent_path=source.path if source.kind == SOURCE_LATENT else None,
        image_path=source.path if source.kind == SOURCE_IMAGE else None,
        scaled=source.scaled and source.kind == SOURCE_LATENT,
        device=device,
        dtype=dtype,
    )
    return run_preview(request, progress=progress, cancel=cancel)
