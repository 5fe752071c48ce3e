"""Whether PyTorch can be used here, and if not, why and what to do about it.

Only the preview needs torch, and it is by far the largest and most fragile
dependency (a lite build leaves it out; a CUDA wheel can fail to load its
DLLs). So the window never imports it at start-up: :func:`torch_findable`
answers cheaply from the import system's metadata, and :func:`probe_torch`
does the real import, meant for a worker when a preview is first asked for.
Neither raises: the answer is a :class:`TorchStatus` the Preview panel shows.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import threading
from dataclasses import dataclass
from enum import StrEnum

DISABLE_ENV = "VAE_MANAGER_NO_TORCH"
PYTORCH_URL = "https://pytorch.org/get-started/locally/"
FULL_BUILD_NAME = "the full build (with GPU preview)"


class TorchReason(StrEnum):
    """Why PyTorch is or is not usable."""

    OK = "ok"
    DISABLED = "disabled"
    NOT_BUNDLED = "not-bundled"
    NOT_INSTALLED = "not-installed"
    IMPORT_FAILED = "import-failed"


# The old names (StrEnum members equal their strings).
REASON_OK = TorchReason.OK
REASON_DISABLED = TorchReason.DISABLED
REASON_NOT_BUNDLED = TorchReason.NOT_BUNDLED
REASON_NOT_INSTALLED = TorchReason.NOT_INSTALLED
REASON_IMPORT_FAILED = TorchReason.IMPORT_FAILED


@dataclass(frozen=True)
class TorchStatus:
    """What is known about PyTorch; ``imported`` tells a real import from a cheap look."""

    available: bool
    reason: TorchReason
    message: str  # one sentence for the user; "" when available
    hint: str  # how to enable the GPU preview; "" when available
    version: str | None = None
    imported: bool = False
    error: str = ""  # the exception text of a failed import


_probe_lock = threading.Lock()
_probed: TorchStatus | None = None


def is_frozen() -> bool:
    """Whether this is a packaged (PyInstaller) app rather than a source checkout."""
    return bool(getattr(sys, "frozen", False))


def torch_findable() -> TorchStatus:
    """The cheap check: is there a torch to import? Never imports it (safe at start-up)."""
    if os.environ.get(DISABLE_ENV):
        return _missing(REASON_DISABLED)
    loaded = sys.modules.get("torch")
    if loaded is not None:
        return _ok(getattr(loaded, "__version__", None), imported=True)
    if _probed is not None:
        return _probed
    try:
        spec = importlib.util.find_spec("torch")
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return _missing(REASON_NOT_BUNDLED if is_frozen() else REASON_NOT_INSTALLED)
    return _ok(None, imported=False)


def probe_torch() -> TorchStatus:
    """Import torch for real (slow: seconds), once per process; call from a worker thread.

    A failed import is remembered: a second attempt in the same process would
    meet half-initialised modules and give a misleading answer.
    """
    global _probed
    with _probe_lock:
        if _probed is None:
            _probed = _import_torch()
        return _probed


def _import_torch() -> TorchStatus:
    quick = torch_findable()
    if not quick.available:
        return quick
    try:
        torch = importlib.import_module("torch")
    except Exception as exc:  # noqa: BLE001 - a broken wheel raises OSError, RuntimeError, ...
        return _import_failed(exc)
    return _ok(getattr(torch, "__version__", None), imported=True)


def _ok(version: str | None, *, imported: bool) -> TorchStatus:
    return TorchStatus(True, REASON_OK, "", "", version=version, imported=imported)


def _missing(reason: TorchReason) -> TorchStatus:
    messages = {
        REASON_DISABLED: f"PyTorch is switched off by the {DISABLE_ENV} environment variable.",
        REASON_NOT_BUNDLED: "This copy of VAE Manager is the lite build, made without PyTorch.",
        REASON_NOT_INSTALLED: "PyTorch is not installed in the Python environment "
        f"that runs VAE Manager ({sys.executable}).",
    }
    hints = {
        REASON_DISABLED: f"Unset {DISABLE_ENV} and restart VAE Manager.",
        REASON_NOT_BUNDLED: f"Download {FULL_BUILD_NAME} of VAE Manager instead; everything "
        "else (library, installs, downloads, linking) works the same in both.",
        REASON_NOT_INSTALLED: install_command_hint(),
    }
    return TorchStatus(False, reason, messages[reason], hints[reason])


def _import_failed(exc: BaseException) -> TorchStatus:
    error = f"{type(exc).__name__}: {exc}".strip()
    hint = (
        "Reinstall PyTorch with the wheel for your GPU and driver "
        f"({PYTORCH_URL}), then restart VAE Manager."
    )
    if sys.platform.startswith("win") and ("DLL" in error or isinstance(exc, OSError)):
        hint = (
            "Install the Microsoft Visual C++ Redistributable (x64) and update the "
            "graphics driver, then restart VAE Manager. " + hint
        )
    if is_frozen():
        hint = (
            "This build's PyTorch could not start on this computer. Update the graphics "
            "driver, or use the lite build, which needs no PyTorch (no preview)."
        )
    message = "PyTorch is installed but failed to load, so the preview cannot run."
    return TorchStatus(False, REASON_IMPORT_FAILED, message, hint, error=error)


def install_command_hint(executable: str | None = None) -> str:
    """The pip command that adds PyTorch to the running environment (NVIDIA and others)."""
    python = f'"{executable or sys.executable}"'
    return (
        "Install PyTorch, then restart VAE Manager. NVIDIA GPU: "
        f"{python} -m pip install torch --index-url https://download.pytorch.org/whl/cu128 ; "
        f"Apple Silicon or CPU only: {python} -m pip install torch . "
        f"Other GPUs and versions: {PYTORCH_URL}"
    )
