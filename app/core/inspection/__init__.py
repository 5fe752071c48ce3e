"""Safe inspection of model files: what a file is, without executing anything from it.

``inspect_path`` reads headers and pickle opcodes only; ``load_state_dict`` is the one way
the app turns a file into torch tensors.
"""

from app.core.inspection.inspector import inspect_path
from app.core.inspection.records import Inspection, Problem, TensorInfo
from app.core.inspection.safe_load import load_state_dict

__all__ = ["Inspection", "Problem", "TensorInfo", "inspect_path", "load_state_dict"]
