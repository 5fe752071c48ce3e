"""Inert stand-ins for the torch globals a state-dict pickle uses.

:class:`MetadataUnpickler` resolves only allow-listed globals, and each resolves to a
function defined here that records dtype and shape instead of building a tensor. Nothing
the file names is imported or run, so replaying the pickle reads metadata only.
"""

from __future__ import annotations

import codecs
import pickle
from collections import Counter, OrderedDict
from dataclasses import dataclass

from app.core.inspection.dtypes import STORAGE_DTYPES, TORCH_DTYPE_NAMES
from app.core.inspection.pickle_globals import is_allowed
from app.core.inspection.pickle_scan import normalize_global


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
    """What a tensor would have been: dtype and shape."""

    dtype: str
    shape: tuple[int, ...]


class Opaque:
    """Placeholder for allowed objects we do not need to describe (numpy arrays, ...)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __setstate__(self, state: object) -> None:
        pass


def _tensor_v1(storage: Storage, offset: int, size: tuple, *args: object) -> TensorStub:
    return TensorStub(storage.dtype, tuple(int(d) for d in size))


def _tensor_v3(storage, offset, size, stride, grad, hooks, dtype, *args) -> TensorStub:
    name = dtype.name if isinstance(dtype, DtypeStub) else storage.dtype
    return TensorStub(name, tuple(int(d) for d in size))


def _meta_tensor(dtype: DtypeStub, size: tuple, *args: object) -> TensorStub:
    return TensorStub(dtype.name, tuple(int(d) for d in size))


def _parameter(data: object, *args: object) -> object:
    return data


def _from_type_v2(func, new_type, args, state) -> object:  # noqa: ANN001
    return func(*args)


_STUBS: dict[str, object] = {
    "torch._utils._rebuild_tensor": _tensor_v1,
    "torch._utils._rebuild_tensor_v2": _tensor_v1,
    "torch._utils._rebuild_tensor_v3": _tensor_v3,
    "torch._utils._rebuild_meta_tensor_no_storage": _meta_tensor,
    "torch._utils._rebuild_parameter": _parameter,
    "torch._utils._rebuild_parameter_with_state": _parameter,
    "torch._tensor._rebuild_from_type_v2": _from_type_v2,
    "torch.serialization._get_layout": str,
    "torch.Size": tuple,
    "torch.device": str,
    "collections.OrderedDict": OrderedDict,
    "collections.Counter": Counter,
    "builtins.set": set,
    "builtins.bytearray": bytearray,
    "builtins.complex": complex,
    "_codecs.encode": codecs.encode,
}


class MetadataUnpickler(pickle.Unpickler):
    """Replays a scanned torch pickle with stubs; records every storage it references."""

    def __init__(self, file) -> None:  # noqa: ANN001
        super().__init__(file)
        self.storages: dict[str, Storage] = {}

    def find_class(self, module: str, name: str) -> object:  # noqa: D102
        full = normalize_global(module, name)
        if not is_allowed(full):
            raise pickle.UnpicklingError(f"global {full} is not allowed")
        if full in _STUBS:
            return _STUBS[full]
        if name in STORAGE_DTYPES:
            return DtypeStub(STORAGE_DTYPES[name])
        if module == "torch" and name in TORCH_DTYPE_NAMES:
            return DtypeStub(name)
        return Opaque

    def persistent_load(self, pid: object) -> Storage:  # noqa: D102
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        storage_type, key, numel = pid[1], str(pid[2]), int(pid[4])
        dtype = storage_type.name if isinstance(storage_type, DtypeStub) else "uint8"
        storage = Storage(dtype=dtype, key=key, numel=numel)
        self.storages[key] = storage
        return storage
