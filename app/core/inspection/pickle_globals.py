"""Which pickle globals a torch state dict may import.

Mirrors the allow-list of ``torch.load(weights_only=True)`` (torch/_weights_only_unpickler.py),
written as plain strings so the scanner never imports torch. Anything else, including
PyTorch Lightning callbacks found in some training checkpoints, is reported as unsafe:
weights_only loading refuses it too.
"""

from __future__ import annotations

from app.core.inspection.dtypes import STORAGE_DTYPES, TORCH_DTYPE_NAMES

TENSOR_REBUILDERS = (
    "_rebuild_parameter",
    "_rebuild_parameter_with_state",
    "_rebuild_qtensor",
    "_rebuild_tensor",
    "_rebuild_tensor_v2",
    "_rebuild_tensor_v3",
    "_rebuild_sparse_tensor",
    "_rebuild_meta_tensor_no_storage",
    "_rebuild_nested_tensor",
    "_rebuild_wrapper_subclass",
    "_rebuild_device_tensor_from_numpy",
    "_rebuild_device_tensor_from_cpu_tensor",
)
_TENSOR_CLASSES = (
    "Double",
    "Float",
    "Half",
    "BFloat16",
    "Long",
    "Int",
    "Short",
    "Char",
    "Byte",
    "Bool",
)
_QSCHEMES = (
    "per_tensor_affine",
    "per_tensor_symmetric",
    "per_channel_affine",
    "per_channel_symmetric",
    "per_channel_affine_float_qparams",
)

SAFE_GLOBALS: frozenset[str] = frozenset(
    {
        "collections.OrderedDict",
        "collections.Counter",
        "torch.nn.parameter.Parameter",
        "torch.serialization._get_layout",
        "torch.Size",
        "torch.Tensor",
        "torch.device",
        "_codecs.encode",
        "builtins.bytearray",
        "builtins.set",
        "builtins.complex",
        "torch._tensor._rebuild_from_type_v2",
        "torch.storage.UntypedStorage",
        "torch.storage.TypedStorage",
        *(f"torch.{name}" for name in TORCH_DTYPE_NAMES),
        *(f"torch._utils.{name}" for name in TENSOR_REBUILDERS),
        *(f"torch.{name}" for name in _QSCHEMES),
        *(f"{mod}.{name}" for mod in ("torch", "torch.cuda") for name in STORAGE_DTYPES),
        *(f"{mod}.{c}Tensor" for mod in ("torch", "torch.cuda") for c in _TENSOR_CLASSES),
    }
)

# numpy arrays/scalars are common in older checkpoints (e.g. a global_step scalar).
# Reconstructing them runs no code from the file, but torch.load(weights_only=True) needs
# them allow-listed explicitly; safe_load does that for exactly these names.
NUMPY_GLOBALS: frozenset[str] = frozenset(
    {
        f"{core}.{name}"
        for core in ("numpy.core.multiarray", "numpy._core.multiarray")
        for name in ("_reconstruct", "scalar")
    }
    | {"numpy.ndarray", "numpy.dtype"}
)


def is_allowed(name: str) -> bool:
    """Whether a ``module.name`` global may appear in a file we are willing to load."""
    return name in SAFE_GLOBALS or name in NUMPY_GLOBALS


def describe_unsafe(names: list[str]) -> str:
    """A sentence naming the offending imports, with a hint for known-benign cases."""
    listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    message = f"pickle imports {listed}; loading it could run code, so it is refused"
    if all(n.startswith(("pytorch_lightning.", "lightning.")) for n in names):
        message += (
            " (these are PyTorch Lightning training objects, usually harmless, but "
            "weights-only loading cannot read them: prefer a .safetensors copy)"
        )
    return message
