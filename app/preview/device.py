"""Which device and precision to decode with, and how much memory is free there.

Defaults follow ComfyUI: on a GPU, bf16 where the device supports it, fp16
otherwise; on CPU, fp32 (half precision there is slow and gains nothing).
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

from app.core.errors import UserError

DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}
DTYPE_NAMES = {v: k for k, v in DTYPES.items()}
_FALLBACK_FREE_BYTES = 4 * 1024**3  # when nothing tells us: assume a modest machine


def resolve_device(name: str) -> torch.device:
    """'auto' picks CUDA, then Apple MPS, then CPU; a named device must exist."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise UserError("CUDA was requested, but this torch build sees no CUDA GPU.")
    if name == "mps" and not _mps_available():
        raise UserError("Apple MPS was requested, but it is not available on this machine.")
    if name not in ("cpu", "cuda", "mps"):
        raise UserError(f"Unknown device '{name}': use auto, cpu, cuda or mps.")
    return torch.device(name)


def resolve_dtype(name: str, device: torch.device) -> torch.dtype:
    """'auto' is fp32 on CPU, else bf16 where supported, else fp16."""
    if name != "auto":
        if name not in DTYPES:
            raise UserError(f"Unknown precision '{name}': use auto, fp32, fp16 or bf16.")
        return DTYPES[name]
    if device.type == "cpu":
        return torch.float32
    return torch.bfloat16 if bf16_supported(device) else torch.float16


def fallback_dtype(dtype: torch.dtype, device: torch.device) -> torch.dtype | None:
    """Where to retry after NaN/Inf: fp16 -> bf16 on GPUs that have it, else fp32; fp32: none."""
    if dtype == torch.float32:
        return None
    if dtype == torch.float16 and device.type != "cpu" and bf16_supported(device):
        return torch.bfloat16
    return torch.float32


def bf16_supported(device: torch.device) -> bool:
    """Whether bf16 math runs natively on this device."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type == "mps":
        try:
            torch.ones(1, dtype=torch.bfloat16, device=device).sum().item()
        except (RuntimeError, TypeError):
            return False
        return True
    return True


def free_bytes(device: torch.device) -> int:
    """Memory a decode may use now: CUDA free + torch's reusable cache, else available RAM."""
    if device.type == "cuda":
        free, _total = torch.cuda.mem_get_info(device)
        cached = torch.cuda.memory_reserved(device) - torch.cuda.memory_allocated(device)
        return int(free + cached)
    if device.type == "mps" and hasattr(torch.mps, "recommended_max_memory"):
        return int(torch.mps.recommended_max_memory() - torch.mps.driver_allocated_memory())
    return available_ram()


def available_ram(meminfo: Path = Path("/proc/meminfo")) -> int:
    """MemAvailable on Linux; psutil if installed; else free pages; else a modest guess."""
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        import psutil  # optional, never required (pyproject: no stubs needed)

        return int(psutil.virtual_memory().available)
    except ImportError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return _FALLBACK_FREE_BYTES


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())
