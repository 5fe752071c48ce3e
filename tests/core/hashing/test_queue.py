from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

import pytest

from app.core.hashing.hasher import hash_file
from app.core.hashing.queue import HashJob, HashScheduler, disk_key, physical_disk
from app.core.hashing.records import FileHashes


class Recorder:
    """Collects results and, around real hashing, start/end events per file."""

    def __init__(self, pause: float = 0.0) -> None:
        self.pause = pause
        self.lock = threading.Lock()
        self.events: list[tuple[str, str]] = []
        self.results: list[tuple[HashJob, FileHashes | None, Exception | None]] = []

    def hasher(self, path: Path, **kwargs) -> FileHashes:
        with self.lock:
            self.events.append(("start", path.name))
        time.sleep(self.pause)  # widen the window in which an overlap would show
        hashes = hash_file(path, **kwargs)
        with self.lock:
            self.events.append(("end", path.name))
        return hashes

    def on_result(self, job: HashJob, hashes: FileHashes | None, error: Exception | None) -> None:
        with self.lock:
            self.results.append((job, hashes, error))


def make(tmp_path: Path, name: str, size: int) -> Path:
    path = tmp_path / name
    path.write_bytes(os.urandom(size))
    return path


def test_newest_first_then_smallest_first(tmp_path: Path) -> None:
    rec = Recorder()
    scheduler = HashScheduler(rec.on_result, hasher=rec.hasher, start=False)
    jobs = [
        ("old-big", 3000, 100.0),
        ("new-big", 2000, 300.0),
        ("new-small", 10, 300.0),
        ("mid", 50, 200.0),
        ("old-small", 5, 100.0),
    ]
    for name, size, mtime in jobs:
        scheduler.submit(make(tmp_path, name, size), size, mtime)
    scheduler.start()
    assert scheduler.wait(timeout=30)
    assert [job.path.name for job, _, _ in rec.results] == [
        "new-small",
        "new-big",
        "mid",
        "old-small",
        "old-big",
    ]
    for job, hashes, error in rec.results:
        assert error is None
        assert hashes.sha256 == hashlib.sha256(job.path.read_bytes()).hexdigest()


def test_one_reader_per_device(tmp_path: Path) -> None:
    rec = Recorder(pause=0.02)
    scheduler = HashScheduler(rec.on_result, hasher=rec.hasher)
    for i in range(6):
        path = make(tmp_path, f"f{i}", 1000 + i)
        scheduler.submit(path, 1000 + i, float(i))
    assert scheduler.wait(timeout=30)
    assert len(rec.results) == 6
    kinds = [kind for kind, _ in rec.events]
    assert kinds == ["start", "end"] * 6  # never two files of one disk at once
    names = [name for _, name in rec.events]
    assert names[0::2] == names[1::2]


def test_grouping_by_disk(tmp_path: Path) -> None:
    a, b = make(tmp_path, "a", 1), make(tmp_path, "b", 1)
    assert disk_key(a) == disk_key(b) == physical_disk(os.stat(a).st_dev)


def test_partitions_fold_into_their_disk(tmp_path: Path) -> None:
    """A sysfs-shaped tree: /sys/dev/block/8:1 -> devices/.../sda/sda1 (a partition)."""
    disk = tmp_path / "devices" / "pci0" / "block" / "sda"
    (disk / "sda1").mkdir(parents=True)
    (disk / "sda1" / "partition").write_text("1\n")
    dev_block = tmp_path / "dev" / "block"
    dev_block.mkdir(parents=True)
    (dev_block / "8:1").symlink_to(disk / "sda1")
    (dev_block / "8:0").symlink_to(disk)
    assert physical_disk(os.makedev(8, 1), dev_block) == "sda"
    assert physical_disk(os.makedev(8, 0), dev_block) == "sda"
    assert physical_disk(os.makedev(0, 27), dev_block) == f"dev:{os.makedev(0, 27)}"


SHM = Path("/dev/shm")


@pytest.mark.skipif(
    not SHM.is_dir() or not os.access(SHM, os.W_OK), reason="needs a second filesystem"
)
def test_different_disks_run_in_parallel(tmp_path: Path) -> None:
    shm_dir = SHM / f"hashq-{os.getpid()}"
    shm_dir.mkdir()
    try:
        local, other = make(tmp_path, "local", 100), make(shm_dir, "other", 100)
        if disk_key(local) == disk_key(other):
            pytest.skip("/dev/shm is on the same device here")
        both_running = threading.Barrier(2, timeout=10)

        def meet_then_hash(path: Path, **kwargs) -> FileHashes:
            both_running.wait()  # only passes if the two disks are served at the same time
            return hash_file(path, **kwargs)

        rec = Recorder()
        scheduler = HashScheduler(rec.on_result, hasher=meet_then_hash)
        scheduler.submit(local, 100, 1.0)
        scheduler.submit(other, 100, 1.0)
        assert scheduler.wait(timeout=30)
        assert sorted(job.path.name for job, _, _ in rec.results) == ["local", "other"]
        assert all(error is None for _, _, error in rec.results)
    finally:
        for f in shm_dir.iterdir():
            f.unlink()
        shm_dir.rmdir()


def test_cancel_drops_queued_and_stops_running(tmp_path: Path) -> None:
    started = threading.Event()
    rec = Recorder()

    def slow(path: Path, **kwargs) -> FileHashes:
        started.set()
        stall = lambda done, total: time.sleep(0.01)  # noqa: E731 - 200 blocks, about 2 s
        return hash_file(path, progress=stall, block_size=4096, **kwargs)

    scheduler = HashScheduler(rec.on_result, hasher=slow)
    for i in range(4):
        scheduler.submit(make(tmp_path, f"f{i}", 4096 * 200), 4096 * 200, float(i))
    assert started.wait(10)
    scheduler.cancel()
    assert scheduler.wait(timeout=30)
    assert rec.results == []


def test_missing_file_and_hash_errors_are_reported(tmp_path: Path) -> None:
    rec = Recorder()
    scheduler = HashScheduler(rec.on_result, hasher=rec.hasher)
    scheduler.submit(tmp_path / "gone.safetensors", 10, 1.0)
    vanishing = make(tmp_path, "vanishing", 10)
    scheduler2 = HashScheduler(rec.on_result, hasher=rec.hasher, start=False)
    scheduler2.submit(vanishing, 10, 1.0)
    vanishing.unlink()
    scheduler2.start()
    assert scheduler2.wait(timeout=30)
    errors = [type(error) for _, _, error in rec.results]
    assert errors == [FileNotFoundError, FileNotFoundError]
