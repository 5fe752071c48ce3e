"""The download queue: parallel limit, pause/resume/cancel, and restarts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.downloads.downloader import Downloader
from app.core.downloads.queue import DownloadQueue, JobView
from app.core.downloads.queue_store import default_state_file
from app.core.downloads.records import DownloadResult
from app.core.downloads.settings import DownloadSettings
from tests.core.downloads.conftest import FAST, MIB, leftovers, sha256, spec
from tests.http_server import Fault, FaultServer

PATIENT = replace(FAST, stall_timeout=20)  # stalls in these tests are pauses, not failures


def _queue(state: Path, **kwargs: object) -> DownloadQueue:
    return DownloadQueue(state, downloader=Downloader(DownloadSettings(), PATIENT), **kwargs)


def _wait_for_part(path: Path, size: int) -> None:
    deadline = time.monotonic() + 10
    while not (path.exists() and path.stat().st_size >= size):
        assert time.monotonic() < deadline, f"{path} never reached {size} bytes"
        time.sleep(0.01)


def _stalled_file(server: FaultServer, path: str, size: int = 2 * MIB) -> bytes:
    data = server.add_file(path, size)
    server.set_fault(path, Fault(stall_after=MIB, stall_seconds=30))
    return data


def test_at_most_max_parallel_downloads_run_at_once(server, dest, tmp_path) -> None:
    done: list[DownloadResult] = []
    updates: list[JobView] = []
    queue = _queue(
        tmp_path / "q.json", max_parallel=2, on_complete=done.append, on_update=updates.append
    )
    files = {}
    for name in ("a.bin", "b.bin", "c.bin"):
        files[name] = server.add_file(f"/{name}", 256 << 10)
        server.set_fault(f"/{name}", Fault(stall_after=64 << 10, stall_seconds=0.4))
    ids = [queue.add(spec(server, f"/{name}", dest, data)) for name, data in files.items()]
    assert queue.wait(timeout=20)
    assert server.max_active == 2
    assert [queue.get(i).state for i in ids] == ["done"] * 3
    assert sorted(r.sha256 for r in done) == sorted(sha256(d) for d in files.values())
    assert {u.state for u in updates} >= {"running", "done"}
    assert any(u.progress is not None and u.progress.done > 0 for u in updates)


def test_queue_survives_a_restart_and_resumes_the_part(server, dest, tmp_path) -> None:
    state = tmp_path / "q.json"
    data = _stalled_file(server, "/big.bin")
    first = _queue(state)
    job_id = first.add(spec(server, "/big.bin", dest, data))
    _wait_for_part(dest / "big.bin.part", MIB)
    crashed_state = state.read_text()  # as a crash would leave it: "running"
    assert json.loads(crashed_state)["jobs"][0]["state"] == "running"
    first.shutdown()
    assert json.loads(state.read_text())["jobs"][0]["state"] == "interrupted"

    for snapshot in (state.read_text(), crashed_state):  # clean exit, then a crash
        state.write_text(snapshot)
        reopened = _queue(state)
        (job,) = reopened.list()
        assert (job.id, job.state) == (job_id, "interrupted")
        assert job.spec == spec(server, "/big.bin", dest, data)
    assert reopened.resume_all() == [job_id]
    assert reopened.wait(job_id, timeout=20)
    assert reopened.get(job_id).state == "done"
    assert server.requests_for("/big.bin")[-1].range == f"bytes={MIB}-"
    assert (dest / "big.bin").read_bytes() == data
    stored = json.loads(state.read_text())["jobs"][0]
    assert stored["state"] == "done" and stored["result"]["sha256"] == sha256(data)


def test_pause_then_resume_continues_from_the_part(server, dest, tmp_path) -> None:
    data = _stalled_file(server, "/p.bin")
    queue = _queue(tmp_path / "q.json")
    job_id = queue.add(spec(server, "/p.bin", dest, data))
    _wait_for_part(dest / "p.bin.part", MIB)
    queue.pause(job_id)
    assert queue.wait(job_id, timeout=5)
    assert queue.get(job_id).state == "paused"
    assert leftovers(dest) == ["p.bin.part", "p.bin.part.json"]
    queue.resume(job_id)
    assert queue.wait(job_id, timeout=20) and queue.get(job_id).state == "done"
    assert server.requests_for("/p.bin")[-1].range == f"bytes={MIB}-"


def test_cancel_keeps_the_part_and_remove_deletes_it(server, dest, tmp_path) -> None:
    state = tmp_path / "q.json"
    data = _stalled_file(server, "/c.bin")
    queue = _queue(state)
    job_id = queue.add(spec(server, "/c.bin", dest, data))
    _wait_for_part(dest / "c.bin.part", MIB)
    queue.cancel(job_id)
    assert queue.wait(job_id, timeout=5) and queue.get(job_id).state == "cancelled"
    assert (dest / "c.bin.part").stat().st_size == MIB
    queue.remove(job_id, delete_partial=True)
    assert queue.list() == [] and leftovers(dest) == []
    assert json.loads(state.read_text())["jobs"] == []


def test_adding_the_same_target_joins_the_existing_job(server, dest, tmp_path) -> None:
    data = _stalled_file(server, "/j.bin")
    queue = _queue(tmp_path / "q.json")
    first = queue.add(spec(server, "/j.bin", dest, data))
    assert queue.add(spec(server, "/j.bin", dest, data)) == first
    queue.pause(first)
    assert queue.wait(first, timeout=5)
    assert queue.add(spec(server, "/j.bin", dest, data)) == first  # joining resumes it
    assert queue.wait(first, timeout=20) and queue.get(first).state == "done"
    assert len(queue.list()) == 1


def test_failed_job_keeps_its_message(server, dest, tmp_path) -> None:
    server.add_file("/gone.bin", 1000)
    server.set_fault("/gone.bin", Fault(status=404, times=None))
    queue = _queue(tmp_path / "q.json")
    job_id = queue.add(spec(server, "/gone.bin", dest, None))
    assert queue.wait(job_id, timeout=5)
    job = queue.get(job_id)
    assert job.state == "failed" and "not found" in (job.error or "")


def test_default_state_file_lives_in_the_data_folder(app_home: Path) -> None:
    assert default_state_file() == app_home / "data" / "downloads.json"


def test_a_broken_state_file_is_set_aside(tmp_path: Path) -> None:
    state = tmp_path / "q.json"
    state.write_text("{broken")
    assert _queue(state).list() == []
    assert (tmp_path / "q.json.broken").read_text() == "{broken"


@pytest.mark.parametrize("bad", [[{"id": "x"}], [{"id": "x", "state": "weird", "spec": {}}]])
def test_broken_entries_are_skipped(tmp_path: Path, bad: list[dict[str, object]]) -> None:
    state = tmp_path / "q.json"
    state.write_text(json.dumps({"version": 1, "jobs": bad}))
    assert _queue(state).list() == []


class OwnerLanes:
    """An owner's lanes, as the window has: jobs on its pool, writes when it gets to them."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="owner-lane")
        self.jobs: list[str] = []
        self.writes: list[Callable[[], None]] = []

    def run_job(self, job_id: str, run: Callable[[], JobView]) -> None:
        self.jobs.append(job_id)
        self.pool.submit(run)

    def run_write(self, write: Callable[[], None]) -> None:
        self.writes.append(write)

    def drain(self) -> int:
        done, self.writes = self.writes, []
        for write in done:
            write()
        return len(done)


def test_the_queue_runs_on_its_owners_lanes_and_commands_never_write(
    server, dest, tmp_path
) -> None:
    state = tmp_path / "q.json"
    lanes = OwnerLanes()
    threads: list[str] = []
    queue = _queue(state, lanes=lanes, max_parallel=1)
    queue.downloader.download = _on_thread(queue.downloader.download, threads)  # type: ignore[method-assign]
    data = _stalled_file(server, "/o.bin")
    job_id = queue.add(spec(server, "/o.bin", dest, data))
    _wait_for_part(dest / "o.bin.part", MIB)
    assert lanes.jobs == [job_id] and threads[0].startswith("owner-lane")
    assert not state.exists() and lanes.drain() == 1  # queued + running: one write, coalesced
    assert json.loads(state.read_text())["jobs"][0]["state"] == "running"
    queue.pause(job_id)
    assert queue.wait(job_id, timeout=5) and queue.get(job_id).state == "paused"
    queue.cancel(job_id)  # a stopped job: recorded in memory at once...
    assert queue.get(job_id).state == "cancelled"
    assert json.loads(state.read_text())["jobs"][0]["state"] == "running"  # ...not on disk
    assert lanes.drain() == 1
    assert json.loads(state.read_text())["jobs"][0]["state"] == "cancelled"
    queue.resume(job_id)
    assert queue.wait(job_id, timeout=20) and queue.get(job_id).state == "done"
    assert lanes.jobs == [job_id, job_id]
    assert queue.get(job_id).outcome is not None
    assert queue.get(job_id).outcome.sha256 == sha256(data)
    queue.shutdown()  # the owner goes away: the last state is written on the spot
    assert json.loads(state.read_text())["jobs"][0]["state"] == "done"
    lanes.pool.shutdown()


def _on_thread(download, threads: list[str]):
    def recorded(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return download(*args, **kwargs)

    return recorded
