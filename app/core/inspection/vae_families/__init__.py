"""Every VAE family the UIs load, identified from tensor names and shapes alone (no torch).

:func:`identify` names the family of a VAE state dict; :func:`facts_for` says what that
family is (display name, modality, latent shape, which UIs load it and where it belongs).
One detector module per family group (:mod:`.kl`, :mod:`.conv3d`, :mod:`.ltx`,
:mod:`.video`, :mod:`.tiny`, :mod:`.cascade`, :mod:`.audio`, :mod:`.other`), run in
ComfyUI's order by :mod:`.detect`; the facts live in one table (:mod:`.table`).
"""

from app.core.inspection.vae_families.detect import (
    CHECKPOINT_PREFIXES,
    VaePart,
    identify,
    unknown_vae,
    vae_part,
)
from app.core.inspection.vae_families.facts import (
    FamilyFacts,
    all_families,
    ambiguous_families,
    display_name,
    facts_for,
)
from app.core.inspection.vae_families.hints import Hints
from app.core.inspection.vae_families.match import VaeMatch

__all__ = [
    "CHECKPOINT_PREFIXES",
    "FamilyFacts",
    "Hints",
    "VaeMatch",
    "VaePart",
    "all_families",
    "ambiguous_families",
    "display_name",
    "facts_for",
    "identify",
    "unknown_vae",
    "vae_part",
]
