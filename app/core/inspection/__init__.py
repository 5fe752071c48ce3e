"""Safe inspection of model files: what a file is, without executing anything from it.

``inspect_path`` reads headers and pickle opcodes only; ``load_state_dict`` is the one way
the app turns a file into torch tensors.

The names below load on first use (:mod:`app.core.lazy_names`): the catalog and the
window import ``records`` alone and never pay for the inspector.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.lazy_names import lazy_names

if TYPE_CHECKING:
    from app.core.inspection.inspector import inspect_path
    from app.core.inspection.records import Inspection, Problem, TensorInfo
    from app.core.inspection.safe_load import load_state_dict

__all__ = ["Inspection", "Problem", "TensorInfo", "inspect_path", "load_state_dict"]

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "inspect_path": "inspector",
        "Inspection": "records",
        "Problem": "records",
        "TensorInfo": "records",
        "load_state_dict": "safe_load",
    },
    globals(),
)
