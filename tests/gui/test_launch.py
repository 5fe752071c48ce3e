"""The launch's early ``ldd``: spawned without ``subprocess``, same answer, never left behind."""

from __future__ import annotations

import os
import re
import shutil
import sys

import pytest

from app.gui.launch import EarlyLdd, _Child
from app.gui.system_libraries import qt_plugin_dir, run_ldd

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("ldd") is None,
    reason="ldd checks the display plugin's libraries on Linux only",
)


def _libraries(ldd_output: str | None) -> list[str]:
    """The output without load addresses (they move from run to run)."""
    assert ldd_output is not None
    return [re.sub(r"\s*\(0x[0-9a-f]+\)", "", line) for line in ldd_output.splitlines()]


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@linux_only
def test_the_early_ldd_says_what_ldd_says(monkeypatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    ldd = EarlyLdd()
    plugin = qt_plugin_dir() / "platforms" / "libqoffscreen.so"
    assert ldd.binary == plugin
    assert ldd._child is not None  # started at once, before the window's imports
    pid = ldd._child.pid
    early = ldd(plugin)
    assert early is not None and "libQt6Core" in early
    assert _libraries(early) == _libraries(run_ldd(plugin))
    assert _reaped(pid)


@linux_only
def test_asked_about_another_binary_it_stops_its_run_and_asks_ldd(monkeypatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    ldd = EarlyLdd()
    pid = ldd._child.pid
    other = qt_plugin_dir() / "platforms" / "libqminimal.so"
    assert _libraries(ldd(other)) == _libraries(run_ldd(other))
    assert _reaped(pid)


@pytest.mark.skipif(not hasattr(os, "posix_spawnp"), reason="no posix_spawn")
def test_a_child_that_outlives_its_time_is_killed_and_reaped() -> None:
    child = _Child.spawn(
        [sys.executable, "-c", "import time; print('started', flush=True); time.sleep(600)"]
    )
    assert child is not None
    assert child.output(0.5) is None  # 0.5 s for a process that sleeps 10 minutes
    assert _reaped(child.pid)


@pytest.mark.skipif(not hasattr(os, "posix_spawnp"), reason="no posix_spawn")
def test_a_program_that_is_not_there_gives_no_child() -> None:
    assert _Child.spawn(["vae-manager-no-such-program-7f3a"]) is None
