"""Progress that moves: bytes, speed and time left; running tasks on top; an honest status bar."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QWidget

from app.core.hashing.hasher import hash_file
from app.gui.panels.task_panel import TaskIndicator, TaskPanel, progress_text, status_line
from app.gui.tasks import DONE, QUEUED, RUNNING, UNIT_BYTES, Lane, ProgressRate, TaskRunner
from tests.core.hashing.test_queue_progress import write_sparse_safetensors

MIB, GIB = 1 << 20, 1 << 30
HANG_GUARD_S = 30


@pytest.fixture
def runner(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    runner = TaskRunner(host)
    yield runner
    runner.shutdown()


def test_speed_and_time_left_come_from_the_samples() -> None:
    rate = ProgressRate()
    rate.sample(0, now=10.0)
    assert rate.speed is None  # one sample says nothing about speed
    rate.sample(400 * MIB, now=11.0)
    assert rate.speed == 400 * MIB
    assert rate.seconds_left(400 * MIB, 2400 * MIB) == pytest.approx(5.0)
    rate.sample(500 * MIB, now=12.0)  # slower: the estimate follows, smoothed
    assert 100 * MIB < rate.speed < 400 * MIB
    rate.sample(10, now=13.0)  # the next file of a batch: start over
    assert rate.speed is None and rate.seconds_left(10, 100) is None


def test_the_progress_line_names_bytes_speed_and_time_left() -> None:
    rate = ProgressRate()
    rate.sample(0, now=0.0)
    rate.sample(420 * MIB, now=1.0)
    done, total = int(1.2 * GIB), int(3.1 * GIB)
    task = SimpleNamespace(
        title="Hashing new files", headline="Hashing vae.safetensors", state=RUNNING,
        unit=UNIT_BYTES, progress=(done, total), rate=rate, detail="",
    )  # fmt: skip
    assert progress_text(task) == "1.2 GiB of 3.1 GiB, 420.0 MiB/s, 5 s left"
    assert (
        status_line(task) == "Hashing vae.safetensors — 1.2 GiB of 3.1 GiB, 420.0 MiB/s, 5 s left"
    )


def test_a_big_file_hashed_in_a_task_shows_bytes_as_it_goes(qtbot, runner, tmp_path) -> None:
    """A 256 MiB file: the row and the status bar show bytes inside the file, then Ready."""
    from app.core.catalog.scanner import Scanner
    from app.core.catalog.store import Catalog

    size = 256 * MIB
    write_sparse_safetensors(tmp_path / "models" / "big.safetensors", size)
    catalog_path = tmp_path / "catalog.db"
    with Catalog(catalog_path) as catalog:
        Scanner(catalog, find_cached=lambda p: None).scan([tmp_path / "models"], hash_now=False)
    panel = TaskPanel(runner)
    indicator = TaskIndicator(panel, runner)
    qtbot.addWidget(panel)
    qtbot.addWidget(indicator)
    seen_inside = threading.Event()

    def held_hasher(path: Path, *, progress, **kwargs):
        """The real hash, held half-way until the window has painted a value inside the file."""

        def report(done: int, total: int | None) -> None:
            progress(done, total)
            if total and done >= total // 2:
                assert seen_inside.wait(HANG_GUARD_S), "the window never showed the midpoint"

        return hash_file(path, progress=report, **kwargs)

    def work(progress, cancel):
        with Catalog(catalog_path) as catalog:
            scanner = Scanner(catalog, hasher=held_hasher, find_cached=lambda p: None)
            return scanner.hash_pending(progress=progress, cancel=cancel,
                                        on_file=lambda p: progress.current(p.name))  # fmt: skip

    painted: list[tuple[tuple[int, int | None], str, str]] = []

    def on_tick() -> None:
        done, total = task.progress
        if task.state == RUNNING and total == size and 0 < done < size and panel.rows:
            painted.append((task.progress, panel.rows[0].status.text(), indicator.label.text()))
            seen_inside.set()

    task = runner.submit("Hashing new files", work, lane=Lane.WRITER, unit=UNIT_BYTES,
                         current_title="Hashing {name}")  # fmt: skip
    runner.ticked.connect(on_tick)
    qtbot.waitUntil(lambda: not task.active, timeout=HANG_GUARD_S * 1000)
    assert task.state == DONE and task.result.hashed == 1
    assert painted, "no progress inside the file was ever shown"
    (done, total), row_text, bar_text = painted[0]
    assert 0 < done < total == size
    assert row_text.endswith(" of 256.0 MiB") or " of 256.0 MiB, " in row_text
    assert bar_text.startswith("Hashing big.safetensors — ") and " of 256.0 MiB" in bar_text
    qtbot.waitUntil(lambda: indicator.label.text() == "Ready")


def test_running_tasks_are_listed_above_waiting_and_finished_ones(qtbot, runner) -> None:
    panel = TaskPanel(runner)
    qtbot.addWidget(panel)
    release = threading.Event()
    finished = runner.submit("finished first", lambda p, c: "quick")
    qtbot.waitUntil(lambda: finished.state == DONE)
    running = runner.submit("running", lambda p, c: release.wait(HANG_GUARD_S), lane=Lane.WRITER)
    waiting = runner.submit("waiting", lambda p, c: None, lane=Lane.WRITER)  # behind "running"
    qtbot.waitUntil(lambda: running.state == RUNNING)
    panel.refresh()
    assert waiting.state == QUEUED
    assert [r.task.title for r in panel.rows] == ["running", "waiting", "finished first"]
    layout_order = [panel.list_layout.itemAt(i).widget() for i in range(panel.list_layout.count())]
    shown = [w.task.title for w in layout_order if w in panel.rows]
    assert shown == ["running", "waiting", "finished first"]  # as painted, not only as listed
    release.set()
    qtbot.waitUntil(lambda: not runner.active_tasks())


def test_the_status_bar_says_what_runs_and_ready_only_when_nothing_does(make_window, qtbot):
    window = make_window(auto_start=False)
    label = window.task_indicator.label
    release = threading.Event()

    def fake_copy(progress, cancel):
        """Bytes that keep coming until released (a transfer we can hold)."""
        progress.current("vae.safetensors")
        done = 0
        while not release.wait(0.01):
            done = min(done + 4 * MIB, 3 * GIB)
            progress(done, 3 * GIB)
        return done

    assert label.text() == "Ready"
    task = window.runner.submit("Hashing new files", fake_copy, unit=UNIT_BYTES,
                                current_title="Hashing {name}")  # fmt: skip
    qtbot.waitUntil(lambda: "/s" in label.text() and "left" in label.text())
    text = label.text()
    assert text.startswith("Hashing vae.safetensors — ") and " of 3.0 GiB, " in text
    release.set()
    qtbot.waitUntil(lambda: task.state == DONE)
    qtbot.waitUntil(lambda: label.text() == "Ready")

    hidden_release = threading.Event()
    hidden = window.runner.submit(
        "Reading the catalog", lambda p, c: hidden_release.wait(HANG_GUARD_S), visible=False
    )
    qtbot.waitUntil(lambda: label.text() == "Reading the catalog")  # unlisted work counts too
    hidden_release.set()
    qtbot.waitUntil(lambda: not hidden.active)
    qtbot.waitUntil(lambda: label.text() == "Ready")
