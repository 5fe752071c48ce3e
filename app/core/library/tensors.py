"""Read some or all tensors of a model file safely, and write them as verified safetensors.

Reading goes through the inspection package's guards: a safetensors header is
validated first and then only the wanted tensors are read (a 7 GB checkpoint's
VAE is a few hundred MB); torch files go through ``load_state_dict``, the one safe
loader. Writing clones tensors that share storage (safetensors refuses them),
makes them contiguous, and reads the result back tensor by tensor before anyone
may give it a final name.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import UserError
from app.core.identify import hashed_file_of
from app.core.inspection import formats
from app.core.inspection.failure import BadFile
from app.core.inspection.safetensors_header import read_header
from app.core.inspection.tensor_layout import first_unsupported
from app.core.safe_open import utf8_path
from app.core.tasks import CancelToken

if TYPE_CHECKING:
    import torch


@contextlib.contextmanager
def open_tensors(path: Path) -> Iterator[TensorSource]:
    """A :class:`TensorSource` over a model file or diffusers folder (raises UserError)."""
    from app.core.torch_support import probe_torch

    torch_status = probe_torch()
    if not torch_status.available:  # the lite build: import still works, minus tensors
        raise UserError(f"{torch_status.message} {torch_status.hint}".strip())
    weights = hashed_file_of(Path(path))
    with contextlib.ExitStack() as stack:
        if _sniff(weights) == formats.FORMAT_SAFETENSORS:
            try:
                read_header(weights)
            except BadFile as bad:
                raise UserError(f"cannot load {weights.name}: {bad.code}: {bad.message}") from None
            from safetensors import safe_open

            name = stack.enter_context(utf8_path(weights))  # a non-UTF-8 name: via its fd
            handle = stack.enter_context(safe_open(name, framework="pt", device="cpu"))
            yield TensorSource(list(handle.keys()), handle.get_tensor)
        else:
            from app.core.inspection.safe_load import load_state_dict  # pickle scanners: ~8 ms

            loaded = load_state_dict(weights)
            reason = first_unsupported(loaded)  # meta/sparse: torch fails deep inside later
            if reason is not None:
                raise UserError(f"cannot read the weights of {weights.name}: {reason}")
            yield TensorSource(list(loaded), loaded.__getitem__)


def _sniff(path: Path) -> str:
    try:
        return formats.sniff(path)
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None


class TensorSource:
    """Names of a file's tensors and a way to read one at a time."""

    def __init__(self, keys: list[str], get: Callable[[str], torch.Tensor]) -> None:
        self.keys = keys
        self._get = get

    def get(self, key: str) -> torch.Tensor:
        """One tensor by its name in the file."""
        return self._get(key)

    def read(
        self, keys: Iterable[str], cancel: CancelToken | None = None
    ) -> dict[str, torch.Tensor]:
        """The named tensors, checking for cancellation between them."""
        out = {}
        for key in keys:
            if cancel is not None:
                cancel.raise_if_cancelled()
            out[key] = self._get(key)
        return out


def prepare_for_safetensors(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Contiguous tensors, none sharing storage with another (shared ones are cloned).

    Raises UserError for a meta, sparse or nested tensor: it has no plain data to write.
    """
    reason = first_unsupported(tensors)
    if reason is not None:
        raise UserError(f"cannot write safetensors: {reason}")
    seen: set[tuple[int, int]] = set()
    out = {}
    for key in sorted(tensors):
        tensor = tensors[key].detach()
        storage = tensor.untyped_storage()
        identity = (storage.data_ptr(), storage.nbytes())
        if identity in seen or not tensor.is_contiguous() or _is_view(tensor):
            tensor = tensor.clone(memory_format=_contiguous())
        seen.add((tensor.untyped_storage().data_ptr(), tensor.untyped_storage().nbytes()))
        out[key] = tensor.contiguous()
    return out


def _is_view(tensor: torch.Tensor) -> bool:
    """A slice of a bigger storage: safetensors would refuse or save the whole storage."""
    return tensor.storage_offset() != 0 or tensor.untyped_storage().nbytes() != (
        tensor.numel() * tensor.element_size()
    )


def _contiguous() -> torch.memory_format:
    import torch

    return torch.contiguous_format


def verify_round_trip(
    path: Path, expected: dict[str, torch.Tensor], cancel: CancelToken | None = None
) -> None:
    """Raise UserError unless ``path`` holds exactly ``expected`` (names, dtypes, shapes, bytes)."""
    with open_tensors(path) as written:
        if sorted(written.keys) != sorted(expected):
            raise UserError(f"{path.name}: the written file lists other tensors")
        for key, want in expected.items():
            if cancel is not None:
                cancel.raise_if_cancelled()
            got = written.get(key)
            if got.dtype != want.dtype or tuple(got.shape) != tuple(want.shape):
                raise UserError(f"{path.name}: tensor {key} changed dtype or shape")
            if not _same_bytes(got, want):
                raise UserError(f"{path.name}: tensor {key} reads back different values")


def _same_bytes(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Bitwise equality (NaN equals NaN here, unlike ``torch.equal``)."""
    import torch

    if a.numel() == 0:
        return True
    flat_a = a.contiguous().reshape(-1).view(torch.uint8)
    flat_b = b.contiguous().reshape(-1).view(torch.uint8)
    return torch.equal(flat_a, flat_b)
