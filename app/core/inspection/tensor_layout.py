"""Which loaded tensors hold plain data that can be read value by value.

``torch.load(weights_only=True)`` accepts more than dense tensors: a meta tensor
(``torch._utils._rebuild_meta_tensor_no_storage``) has a shape and no data at all,
sparse and nested tensors keep their values in another layout, and any of them
makes a NaN scan or a safetensors conversion fail deep inside torch. Naming them
here turns that into one plain sentence before anything touches their data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


def unsupported_reason(name: str, tensor: torch.Tensor) -> str | None:
    """Why ``tensor`` has no dense data to read, or None when it has."""
    import torch

    if tensor.is_meta:
        return f"tensor {name!r} is a meta tensor: it has a shape but no data"
    if tensor.is_nested:
        return f"tensor {name!r} is a nested tensor (a list of tensors), not plain weights"
    if tensor.layout != torch.strided:
        layout = str(tensor.layout).removeprefix("torch.")
        return f"tensor {name!r} is a sparse tensor ({layout}), not plain weights"
    return None


def first_unsupported(tensors: Mapping[str, torch.Tensor]) -> str | None:
    """The reason for the first tensor without plain data, or None when all have it."""
    for name, tensor in tensors.items():
        reason = unsupported_reason(name, tensor)
        if reason is not None:
            return reason
    return None
