"""Inert stand-ins for the torch globals a state-dict pickle uses.

:class:`MetadataUnpickler` resolves only allow-listed globals, and each resolves to a
function defined here that records dtype, shape and the storage view instead of building a
tensor. Nothing the file names is imported or run, and nothing is allocated from a number
in the file (``bytearray(n)`` becomes a placeholder), so replaying the pickle reads
metadata only. Every tensor built is recorded, so its view can be checked against its
storage even when it is not reachable from the state dict.
"""

from __future__ import annotations

import pickle
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from app.core.inspection.dtypes import STORAGE_DTYPES, TORCH_DTYPE_NAMES
from app.core.inspection.pickle_globals import TENSOR_REBUILDERS, is_allowed
from app.core.inspection.pickle_scan import normalize_global

INT64_MAX = (1 << 63) - 1


@dataclass(frozen=True)
class DtypeStub:
    """Stands in for ``torch.<dtype>``."""

    name: str


@dataclass(frozen=True)
class Storage:
    """A storage named by a persistent id: its dtype, key and element count."""

    dtype: str
    key: str
    numel: int


@dataclass(frozen=True)
class TensorStub:
    """What a tensor would have been: dtype, shape, and the part of its storage it views."""

    dtype: str
    shape: tuple[int, ...]
    storage: Storage | None = None  # None for meta tensors (no data)
    offset: int = 0
    stride: tuple[int, ...] = ()

    @property
    def extent(self) -> int:
        """Elements of the storage the view reaches: offset + last index + 1 (0 if empty)."""
        if any(d == 0 for d in self.shape):
            return 0
        return (
            self.offset + 1 + sum((d - 1) * s for d, s in zip(self.shape, self.stride, strict=True))
        )


class Opaque:
    """Placeholder for allowed objects we do not need to describe (numpy arrays, ...)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __setstate__(self, state: object) -> None:
        pass


class UnsupportedTensor(Opaque):
    """A sparse, nested or wrapper-subclass tensor: no plain data a UI could load."""


class BadTensor(pickle.UnpicklingError):
    """A tensor record torch itself would refuse (impossible size, missing storage)."""


def _dims(values: object, what: str) -> tuple[int, ...]:
    if not isinstance(values, (tuple, list)) or len(values) > 64:
        raise BadTensor(f"a tensor {what} that is not a short list of numbers")
    dims = tuple(values)
    if not all(type(d) is int and 0 <= d <= INT64_MAX for d in dims):
        raise BadTensor(f"a tensor {what} with a negative or impossible number")
    return dims


def _view(
    storage: object, offset: object, size: object, stride: object, dtype: str | None
) -> TensorStub:
    if not isinstance(storage, Storage):
        raise BadTensor("a tensor without a storage")
    shape, strides = _dims(size, "shape"), _dims(stride, "stride")
    if len(strides) != len(shape) or type(offset) is not int or not 0 <= offset <= INT64_MAX:
        raise BadTensor("a tensor whose strides or offset do not match its shape")
    return TensorStub(dtype or storage.dtype, shape, storage, offset, strides)


def _tensor_v1(
    storage: object, offset: object, size: object, stride: object = None, *args: object
) -> TensorStub:
    return _view(storage, offset, size, _contiguous(size) if stride is None else stride, None)


def _tensor_v3(
    storage: object,
    offset: object,
    size: object,
    stride: object,
    grad: object,
    hooks: object,
    dtype: object,
    *args: object,
) -> TensorStub:
    name = dtype.name if isinstance(dtype, DtypeStub) else None
    return _view(storage, offset, size, stride, name)


def _qtensor(
    storage: object, offset: object, size: object, stride: object, *args: object
) -> TensorStub:
    return _view(storage, offset, size, stride, None)  # torch allocates `size` first


def _meta_tensor(dtype: object, size: object, *args: object) -> TensorStub:
    if not isinstance(dtype, DtypeStub):
        raise BadTensor("a meta tensor without a dtype")
    return TensorStub(dtype.name, _dims(size, "shape"))


def _contiguous(size: object) -> tuple[int, ...]:
    shape = _dims(size, "shape")
    strides: list[int] = []
    step = 1
    for dim in reversed(shape):
        strides.append(step)
        step *= max(dim, 1)
    return tuple(reversed(strides))


def _parameter(data: object, *args: object) -> object:
    return data


_TENSOR_STUBS: dict[str, Callable[..., TensorStub]] = {
    "torch._utils._rebuild_tensor": _tensor_v1,
    "torch._utils._rebuild_tensor_v2": _tensor_v1,
    "torch._utils._rebuild_tensor_v3": _tensor_v3,
    "torch._utils._rebuild_qtensor": _qtensor,
    "torch._utils._rebuild_meta_tensor_no_storage": _meta_tensor,
}
_STUBS: dict[str, object] = {
    "torch._utils._rebuild_parameter": _parameter,
    "torch._utils._rebuild_parameter_with_state": _parameter,
    "torch.serialization._get_layout": str,
    "torch.Size": tuple,
    "torch.device": str,
    "collections.OrderedDict": OrderedDict,
    "collections.Counter": Counter,
    # bytearray, _codecs.encode, set, complex and the rest: Opaque, so nothing is sized
    # or computed from the file's numbers here.
}
_REBUILDERS = frozenset(f"torch._utils.{name}" for name in TENSOR_REBUILDERS)


class MetadataUnpickler(pickle.Unpickler):
    """Replays a scanned torch pickle with stubs; records every storage and tensor."""

    def __init__(self, file: IO[bytes]) -> None:
        super().__init__(file)
        self.storages: dict[str, Storage] = {}
        self.tensors: list[TensorStub] = []
        self._builders = {name: self._recording(stub) for name, stub in _TENSOR_STUBS.items()}
        self._callable = (*self._builders.values(), _parameter)

    def find_class(self, module: str, name: str) -> object:  # noqa: D102
        full = normalize_global(module, name)
        if not is_allowed(full):
            raise pickle.UnpicklingError(f"global {full} is not allowed")
        if full in self._builders:
            return self._builders[full]
        if full == "torch._tensor._rebuild_from_type_v2":
            return self._from_type_v2
        if full in _STUBS:
            return _STUBS[full]
        if full in _REBUILDERS:
            return UnsupportedTensor  # sparse, nested, wrapper-subclass: not described
        if name in STORAGE_DTYPES:
            return DtypeStub(STORAGE_DTYPES[name])
        if module == "torch" and name in TORCH_DTYPE_NAMES:
            return DtypeStub(name)
        return Opaque

    def _recording(self, stub: Callable[..., TensorStub]) -> Callable[..., TensorStub]:
        def build(*args: object) -> TensorStub:
            tensor = stub(*args)
            self.tensors.append(tensor)
            return tensor

        return build

    def _from_type_v2(self, func: object, new_type: object, args: object, state: object) -> object:
        # torch calls func(*args); only our own stand-ins may be called here.
        if callable(func) and any(func is f for f in self._callable) and isinstance(args, tuple):
            return func(*args)
        return Opaque()

    def persistent_load(self, pid: object) -> Storage:  # noqa: D102
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError("unexpected persistent id")
        storage_type, key, numel = pid[1], str(pid[2]), pid[4]
        if type(numel) is not int or not 0 <= numel <= INT64_MAX:
            raise BadTensor("a storage with a negative or impossible size")
        dtype = storage_type.name if isinstance(storage_type, DtypeStub) else "uint8"
        # torch keeps the first storage loaded under a key (serialization.py, _load).
        return self.storages.setdefault(key, Storage(dtype=dtype, key=key, numel=numel))
