"""GUI test set-up: fail on Qt warnings, build real windows, wait for their workers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import torch

from app.gui.main_window import MainWindow, WindowOptions
from tests.model_files import ldm_vae_state_dict, write_safetensors

# The offscreen platform says this once per top-level window; it is not our warning.
# The offscreen platform cannot resize to hints or raise a window; real ones can.
OFFSCREEN_NOISE = "propagateSizeHints|does not support raise"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


def write_vae(path: Path, seed: int = 0, ch: int = 32) -> Path:
    """A real LDM-layout VAE with random weights (fp16 keeps it small)."""
    return write_safetensors(path, ldm_vae_state_dict(ch=ch, seed=seed, dtype=torch.float16))


def wait_for(qtbot, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    qtbot.waitUntil(condition, timeout=int(timeout * 1000))


def wait_idle(qtbot, window: MainWindow, timeout: float = 60.0) -> None:
    """Until no task is running (the snapshot reload that follows included)."""
    deadline = time.monotonic() + timeout
    qtbot.waitUntil(lambda: not window.runner.active_tasks(), timeout=int(timeout * 1000))
    qtbot.wait(50)
    left = max(1, int((deadline - time.monotonic()) * 1000))
    qtbot.waitUntil(lambda: not window.runner.active_tasks(), timeout=left)


@pytest.fixture
def make_window(qtbot) -> Iterator[Callable[..., MainWindow]]:
    """Windows that search nothing but installs added by hand; closed after the test."""
    made: list[MainWindow] = []

    def make(**options) -> MainWindow:
        options.setdefault("search_roots", [])
        window = MainWindow(WindowOptions(**options))
        qtbot.addWidget(window)
        window.show()
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()


@pytest.fixture
def started_window(make_window, qtbot) -> MainWindow:
    """A window whose first discovery, scan and hashing are done."""
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    return window
