"""The one safe way the app loads weights into torch.

safetensors files are validated first and then loaded with safetensors; torch files are
loaded only after the opcode scan found nothing outside the weights-only allow-list, and
then still with ``torch.load(weights_only=True)``, so two independent guards must both fail
before anything from a file could run. The scan reads records the way torch's own zip
reader does and refuses archives where readers could disagree, so torch opens the bytes
that were scanned; the file's identity is compared before and after the load.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import UserError
from app.core.inspection import formats
from app.core.inspection.failure import BadFile
from app.core.inspection.pickle_globals import describe_unsafe
from app.core.inspection.safetensors_header import read_header
from app.core.inspection.torch_file import MAX_ENTRIES, read_torch_contents
from app.core.inspection.torch_scan import FORMAT_TAR, TorchScan, file_identity, scan_torch_file

if TYPE_CHECKING:
    import torch

_SafeGlobal = Callable[..., object] | tuple[Callable[..., object], str]
"""An entry of ``torch.serialization.safe_globals``: a global, or one with its pickled name."""


def load_state_dict(path: str | Path, *, device: str = "cpu") -> dict[str, torch.Tensor]:
    """Load the tensors of a model file or diffusers folder; raise UserError if unsafe or bad.

    A top-level ``state_dict`` entry is unwrapped, nested dicts are flattened to dotted
    names, and non-tensor values are dropped. Torch zip files are memory-mapped.
    """
    path = _weights_path(Path(path))
    try:
        fmt = formats.sniff(path)
        if fmt == formats.FORMAT_SAFETENSORS:
            read_header(path)
            return _load_safetensors(path, device)
        if fmt in (formats.FORMAT_TORCH_ZIP, formats.FORMAT_TORCH_PICKLE):
            return _load_torch(path, device)
    except BadFile as bad:
        raise UserError(f"cannot load {path.name}: {bad.code}: {bad.message}") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    raise UserError(f"cannot load {path.name}: unknown-format: not safetensors or a torch file")


def _weights_path(path: Path) -> Path:
    if path.is_dir():
        folder = formats.find_diffusers_folder(path)
        if folder is None:
            raise UserError(f"{path} holds no diffusion_pytorch_model weights")
        return folder.weights
    if not path.exists():
        raise UserError(f"{path} does not exist")
    return path


def _load_safetensors(path: Path, device: str) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    try:
        return load_file(str(path), device=device)
    except Exception as exc:  # safetensors raises its own types; the message is what matters
        raise UserError(f"cannot load {path.name}: {exc}") from None


def _load_torch(path: Path, device: str) -> dict[str, torch.Tensor]:
    scan = checked_scan(path)
    read_torch_contents(path, scan)  # names truncation/corruption before torch does
    obj = _torch_load(path, scan, device)
    if isinstance(obj, dict) and isinstance(obj.get("state_dict"), dict):
        obj = obj["state_dict"]
    tensors = _flatten_tensors(obj)
    if not tensors:
        raise UserError(f"cannot load {path.name}: it holds no tensors")
    return tensors


def checked_scan(path: Path) -> TorchScan:
    """Scan a torch file and raise BadFile unless it is a torch.save file with safe globals."""
    from app.core.inspection.records import PROBLEM_UNKNOWN_FORMAT, PROBLEM_UNSAFE_PICKLE

    scan = scan_torch_file(path)
    if scan.unsafe:
        raise BadFile(PROBLEM_UNSAFE_PICKLE, describe_unsafe(scan.unsafe))
    if scan.format == FORMAT_TAR:
        raise BadFile.of(PROBLEM_UNKNOWN_FORMAT, "format.legacy-tar")
    if not scan.is_torch_save:
        raise BadFile.of(PROBLEM_UNKNOWN_FORMAT, "format.plain-pickle")
    return scan


def _torch_load(path: Path, scan: TorchScan, device: str) -> object:
    import torch

    allowed = _numpy_globals() if scan.uses_numpy else []
    # mmap only for zips whose members are stored: torch mmaps a deflated member's
    # compressed bytes as if they were tensor data. Legacy pickles cannot be mmapped.
    mmap = scan.format == formats.FORMAT_TORCH_ZIP and scan.uncompressed
    _same_file(path, scan)
    try:
        with torch.serialization.safe_globals(allowed):
            obj = torch.load(path, map_location=device, weights_only=True, mmap=mmap)
    except Exception as exc:  # torch raises many types for damaged files
        raise UserError(f"cannot load {path.name}: {exc}") from None
    _same_file(path, scan)
    return obj


def _same_file(path: Path, scan: TorchScan) -> None:
    """Torch must read the file that was scanned, not one swapped in since."""
    try:
        same = file_identity(path.stat()) == scan.identity
    except OSError:
        same = False
    if not same:
        raise UserError(f"cannot load {path.name}: the file changed while it was being loaded")


def _numpy_globals() -> list[_SafeGlobal]:
    """The numpy reconstructors under the names numpy 1.x and 2.x pickle them as."""
    import numpy as np

    # numpy 1.x has only np.core, which numpy 2's stubs no longer declare.
    multiarray = np._core.multiarray if hasattr(np, "_core") else np.core.multiarray  # type: ignore[attr-defined]
    found: list[_SafeGlobal] = [np.ndarray, np.dtype]
    for core in ("numpy.core.multiarray", "numpy._core.multiarray"):
        found.append((multiarray._reconstruct, f"{core}._reconstruct"))
        found.append((multiarray.scalar, f"{core}.scalar"))
    found.extend(type(np.dtype(code)) for code in "?bhilqBHILQefdgFDG")
    return found


def _flatten_tensors(obj: object) -> dict[str, torch.Tensor]:
    """Tensors by dotted name; the scan's metadata pass already bounded how many there are."""
    import torch

    out: dict[str, torch.Tensor] = {}
    pending: list[tuple[object, str, int]] = [(obj, "", 0)]
    visits = 0
    while pending:
        item, prefix, depth = pending.pop()
        visits += 1
        if visits > MAX_ENTRIES:
            raise UserError(f"the file names more than {MAX_ENTRIES:,} entries")
        if isinstance(item, torch.Tensor):
            out[prefix] = item
        elif isinstance(item, dict) and depth < 8:
            for key, value in reversed(list(item.items())):
                pending.append((value, f"{prefix}.{key}" if prefix else str(key), depth + 1))
    return out
