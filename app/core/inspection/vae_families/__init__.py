"""Every VAE family the UIs load, identified from tensor names and shapes alone (no torch).

:func:`identify` names the family of a VAE state dict; :func:`facts_for` says what that
family is (display name, modality, latent shape, which UIs load it and where it belongs).
One detector module per family group (:mod:`.kl`, :mod:`.conv3d`, :mod:`.ltx`,
:mod:`.video`, :mod:`.tiny`, :mod:`.cascade`, :mod:`.audio`, :mod:`.other`), run in
ComfyUI's order by :mod:`.detect`; the facts live in one table (:mod:`.table`).
The names below load on first use (:mod:`app.core.lazy_names`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.lazy_names import lazy_names

if TYPE_CHECKING:
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

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        **dict.fromkeys(
            ("CHECKPOINT_PREFIXES", "VaePart", "identify", "unknown_vae", "vae_part"), "detect"
        ),
        **dict.fromkeys(
            ("FamilyFacts", "all_families", "ambiguous_families", "display_name", "facts_for"),
            "facts",
        ),
        "Hints": "hints",
        "VaeMatch": "match",
    },
    globals(),
)
