"""The launch before the first frame: ldd without subprocess (same answer, kept), fonts aside."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.gui import ldd_memo
from app.gui.launch import EarlyLdd, _Child
from app.gui.system_libraries import check_platform_libraries, qt_plugin_dir, run_ldd

ROOT = Path(__file__).resolve().parents[2]

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


@linux_only
def test_a_check_that_found_everything_answers_the_next_start(monkeypatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    first = EarlyLdd()
    assert first.recalled is None and first._child is not None  # nothing kept yet
    output = first(first.binary)
    first.remember()
    second = EarlyLdd()
    assert second._child is None  # no ldd process this time
    assert second(second.binary) == output
    assert check_platform_libraries(ldd=second) is None  # the window opens, as with ldd


@linux_only
def test_a_kept_answer_stops_holding_when_a_library_it_names_is_gone(tmp_path) -> None:
    plugin = qt_plugin_dir() / "platforms" / "libqoffscreen.so"
    output = run_ldd(plugin)
    memo = tmp_path / "memo.txt"
    assert ldd_memo.remember(plugin, output, memo)
    assert ldd_memo.recall(plugin, memo) == output
    gone = tmp_path / "libgone.so.1"
    assert not ldd_memo.recall(plugin, _with_library(memo, gone))
    assert ldd_memo.recall(qt_plugin_dir() / "platforms" / "libqminimal.so", memo) is None


def _with_library(memo: Path, library: Path) -> Path:
    """The kept file with one more library line, which points at ``library``."""
    memo.write_text(memo.read_text() + f"\tlibgone.so.1 => {library} (0x0000)\n")
    return memo


@linux_only
def test_a_check_that_found_libraries_missing_is_never_kept(tmp_path) -> None:
    plugin = qt_plugin_dir() / "platforms" / "libqoffscreen.so"
    missing = run_ldd(plugin) + "\tlibxcb-cursor.so.0 => not found\n"
    memo = tmp_path / "memo.txt"
    assert not ldd_memo.remember(plugin, missing, memo)
    assert not memo.exists()
    memo.write_text(ldd_memo.memo_key(plugin) + "\n" + missing)  # even if one got written
    assert ldd_memo.recall(plugin, memo) is None


@linux_only
def test_a_changed_library_path_or_loader_cache_asks_ldd_again(tmp_path, monkeypatch) -> None:
    plugin = qt_plugin_dir() / "platforms" / "libqoffscreen.so"
    memo = tmp_path / "memo.txt"
    assert ldd_memo.remember(plugin, run_ldd(plugin), memo)
    monkeypatch.setenv("LD_LIBRARY_PATH", str(tmp_path))
    assert ldd_memo.recall(plugin, memo) is None
    monkeypatch.delenv("LD_LIBRARY_PATH")
    assert ldd_memo.recall(plugin, memo) is not None
    loader_cache = tmp_path / "ld.so.cache"
    loader_cache.write_bytes(b"a rewritten loader cache")  # what ldconfig does on a change
    monkeypatch.setattr(ldd_memo, "LOADER_CACHE", loader_cache)
    assert ldd_memo.recall(plugin, memo) is None


FONTS_PROBE = r"""
import json
import app.gui.launch as launch
app = launch.create_application()
started = launch._font_loader is not None and launch._font_loader.name == "fonts"
launch.wait_for_fonts()
print(json.dumps({"started": started, "done": not launch._font_loader.is_alive()}))
"""


def test_the_first_application_reads_the_fonts_on_a_thread_of_its_own(tmp_path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VAE_MANAGER_HOME=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", FONTS_PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"started": True, "done": True}
