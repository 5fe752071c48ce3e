"""Background tasks: results on the GUI thread, errors shown once, cancellation, a live loop."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.core.errors import UserError
from app.gui.errors import ErrorPresenter
from app.gui.panels.task_panel import TaskPanel
from app.gui.tasks import CANCELLED, DONE, FAILED, LANE_SIZES, Lane, TaskRunner, TaskState

GIB = 1 << 30
HANG_GUARD_S = 30


@pytest.fixture
def runner(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    runner = TaskRunner(host)
    yield runner
    runner.shutdown()


def test_result_arrives_on_the_gui_thread(qtbot, runner: TaskRunner) -> None:
    seen = {}

    def work(progress, cancel):
        seen["worker"] = QThread.currentThread()
        progress(1, 1)
        return 42

    def done(result) -> None:
        seen["result"] = result
        seen["callback"] = QThread.currentThread()

    task = runner.submit("answer", work, on_done=done)
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["result"] == 42 and task.state == DONE
    assert seen["callback"] is QApplication.instance().thread()
    assert seen["worker"] is not seen["callback"]


def test_errors_go_to_the_presenter_once(qtbot, runner: TaskRunner) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    presenter = ErrorPresenter(host)
    runner.task_failed.connect(
        lambda task, exc: presenter.show_error(exc, task.title, task.error_trace)
    )

    def user_error(progress, cancel):
        raise UserError("the file vanished")

    def bug(progress, cancel):
        return {}["missing"]

    with qtbot.waitSignal(runner.task_failed):
        runner.submit("user", user_error)
    with qtbot.waitSignal(runner.task_failed):
        failing = runner.submit("bug", bug)
    assert presenter.history[0] == ("user", "the file vanished")
    assert presenter.history[1][0] == "bug" and "KeyError" in presenter.history[1][1]
    assert failing.state == FAILED and "KeyError" in failing.error_trace
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    details = [b.detailedText() for b in boxes if b.detailedText()]
    assert any("Traceback" in d for d in details)  # the bug shows its details on demand
    log = Path(os.environ["VAE_MANAGER_HOME"]) / "logs" / "vae-manager.log"
    assert "KeyError" in log.read_text(encoding="utf-8")  # and the trace is in the log
    for box in boxes:
        box.close()


def test_cancel_button_stops_a_long_task(qtbot, runner: TaskRunner) -> None:
    panel = TaskPanel(runner)
    qtbot.addWidget(panel)
    steps = []

    def long_work(progress, cancel):
        for i in range(10_000):
            cancel.raise_if_cancelled()
            progress(i, 10_000)
            steps.append(i)
            time.sleep(0.005)
        return "finished"

    task = runner.submit("a long job", long_work, lane=Lane.WRITER)
    qtbot.waitUntil(lambda: len(steps) > 20)
    qtbot.waitUntil(lambda: panel.rows[0].bar.value() > 0)  # progress painted by the timer
    panel.rows[0].cancel_button.click()
    qtbot.waitUntil(lambda: not task.active)
    assert task.state == CANCELLED and task.result is None
    assert len(steps) < 10_000
    qtbot.waitUntil(lambda: panel.rows[0].status.text() == "cancelled")


def test_event_loop_stays_live_while_a_1gib_file_is_hashed(qtbot, runner, tmp_path: Path) -> None:
    """The GUI thread keeps handling events while a worker hashes 1 GiB.

    Counted, not timed (no timed assertions in unit tests): a 10 ms timer must
    fire many times while the task is still running. How long the loop may
    stall is measured in ``benchmarks/`` instead.
    """
    from app.core.hashing.hasher import hash_file

    big = tmp_path / "big.bin"
    with open(big, "wb") as handle:
        handle.truncate(GIB)  # sparse: reads as zeros, costs no disk
    ticks_while_running: list[bool] = []
    timer = QTimer()
    timer.setInterval(10)
    task = runner.submit("hash 1 GiB", lambda p, c: hash_file(big, progress=p, cancel=c))
    timer.timeout.connect(lambda: ticks_while_running.append(task.state == TaskState.RUNNING))
    timer.start()
    qtbot.waitUntil(lambda: not task.active, timeout=120_000)
    timer.stop()
    assert task.state == DONE and task.result.sha256.startswith("49bc20df")
    assert sum(ticks_while_running) >= 10, "the event loop handled no events during the hash"


def test_a_user_action_runs_while_bulk_hashing_holds_its_lane(qtbot, runner: TaskRunner) -> None:
    """Picard's priority lane: a link does not queue behind the background hash pass."""
    release = threading.Event()
    bulk = runner.submit("Hashing new files", lambda p, c: release.wait(HANG_GUARD_S),
                         lane=Lane.BULK)  # fmt: skip
    next_bulk = runner.submit("Scanning model folders", lambda p, c: "scanned", lane=Lane.BULK)
    qtbot.waitUntil(lambda: bulk.state == TaskState.RUNNING)
    link = runner.submit("Linking", lambda p, c: "linked", lane=Lane.USER)
    qtbot.waitUntil(lambda: not link.active, timeout=HANG_GUARD_S * 1000)
    assert link.state == TaskState.DONE and link.result == "linked"
    assert bulk.state == TaskState.RUNNING  # the bulk pass still holds its lane...
    assert next_bulk.state == TaskState.QUEUED  # ...and the next bulk job waits behind it
    release.set()
    qtbot.waitUntil(lambda: not runner.active_tasks())
    assert next_bulk.result == "scanned"


def test_lanes_are_sized_for_their_work(runner: TaskRunner) -> None:
    assert {lane: runner.lane_size(lane) for lane in LANE_SIZES} == LANE_SIZES
    assert LANE_SIZES[Lane.USER] == 1 and LANE_SIZES[Lane.BULK] == 1 and LANE_SIZES[Lane.GPU] == 1
    assert Lane.WRITER is Lane.USER  # the old name reaches the user lane
    runner.resize_lane(Lane.NET, 5)  # the download lane follows the queue's limit
    assert runner.lane_size(Lane.NET) == 5


def test_task_states_are_an_enum_equal_to_the_old_strings(qtbot, runner: TaskRunner) -> None:
    def boom(progress, cancel):
        raise UserError("no")

    ok = runner.submit("ok", lambda p, c: 1)
    bad = runner.submit("bad", boom, on_error=lambda exc: None)
    assert ok.state is TaskState.QUEUED or ok.state is TaskState.RUNNING
    qtbot.waitUntil(lambda: not ok.active and not bad.active)
    assert ok.state is TaskState.DONE and bad.state is TaskState.FAILED
    assert isinstance(ok.state, TaskState) and ok.state == "done" == DONE
    assert [str(s) for s in TaskState] == ["queued", "running", "done", "failed", "cancelled"]


def test_app_state_scans_and_hashes_on_the_bulk_lane(started_window) -> None:
    state = started_window.state
    rescan, hashing = state.rescan(), state.hash_pending()
    assert rescan.lane is Lane.BULK and hashing.lane is Lane.BULK


def test_quiet_bookkeeping_is_neither_listed_nor_counted(qtbot, runner: TaskRunner) -> None:
    from app.gui.panels.task_panel import TaskIndicator

    panel = TaskPanel(runner)
    qtbot.addWidget(panel)
    indicator = TaskIndicator(panel, runner)
    qtbot.addWidget(indicator)
    release = threading.Event()
    quiet = runner.submit("Saving the download queue", lambda p, c: release.wait(HANG_GUARD_S),
                          lane=Lane.USER, quiet=True)  # fmt: skip
    hidden = runner.submit("Reading the catalog", lambda p, c: release.wait(HANG_GUARD_S),
                           visible=False)  # fmt: skip
    qtbot.waitUntil(lambda: quiet.state == TaskState.RUNNING and hidden.state == TaskState.RUNNING)
    panel.refresh()
    assert panel.rows == [] and not quiet.visible
    assert indicator.running() == [hidden]  # unlisted work still counts; bookkeeping does not
    release.set()
    qtbot.waitUntil(lambda: not runner.active_tasks())
