"""Write tensors as a ``.safetensors`` temp file, verified, before it may get a real name.

Used by VAE extraction and by conversion: the tensors are prepared (contiguous,
no shared storage), streamed to the locked temp beside the destination in a
deterministic layout (the same tensors always give the same bytes), read back
tensor by tensor, and hashed. The caller then publishes the file, or drops it
(a duplicate) simply by leaving the ``with`` block.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.hashing.hasher import hash_file
from app.core.hashing.records import FileHashes
from app.core.library.safetensors_writer import write_tensors
from app.core.library.tensors import prepare_for_safetensors, verify_round_trip
from app.core.publish import ExclusiveTemp, check_free_space, exclusive_temp
from app.core.tasks import CancelToken, ProgressCallback, no_progress

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class Staged:
    """A verified temp file waiting for :meth:`publish`."""

    temp: ExclusiveTemp
    hashes: FileHashes
    size: int

    def publish(self, final: Path | None = None) -> Path:
        """Give it its final name (never replacing a file); return that path."""
        return self.temp.publish(final)


@contextlib.contextmanager
def staged_safetensors(
    tensors: dict[str, torch.Tensor],
    final: Path,
    metadata: dict[str, str],
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Iterator[Staged]:
    """Yield the verified temp file for ``final``; it is removed unless published inside."""
    prepared = prepare_for_safetensors(tensors)
    size = sum(t.numel() * t.element_size() for t in prepared.values())
    check_free_space(final.parent, size)
    with exclusive_temp(final) as temp:
        assert temp.fd is not None
        write_tensors(
            temp.fd,
            prepared,
            metadata,
            progress=lambda done, _total: progress(done, 3 * size),
            cancel=cancel,
        )
        os.fsync(temp.fd)
        verify_round_trip(temp.path, prepared, cancel)
        progress(2 * size, 3 * size)
        hashes = hash_file(temp.path, cancel=cancel)
        progress(3 * size, 3 * size)
        yield Staged(temp, hashes, temp.path.stat().st_size)
