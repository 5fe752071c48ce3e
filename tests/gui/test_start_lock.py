"""The start-up lock: one start at a time, free again when its holder dies, no planted links."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.gui.start_lock import StartLock

pytestmark = pytest.mark.skipif(sys.platform.startswith("win"), reason="Windows uses QLockFile")

ROOT = Path(__file__).resolve().parents[2]

HOLDER = r"""
import sys
from app.gui.start_lock import StartLock
lock = StartLock(sys.argv[1])
assert lock.acquire(10_000)
print("held", flush=True)
sys.stdin.read()  # until killed
"""


@pytest.fixture
def name() -> Iterator[str]:
    unique = f"vae-manager-test-{uuid.uuid4().hex[:12]}"
    yield unique
    Path(StartLock(unique).path).unlink(missing_ok=True)  # only tests' locks are removed


def test_a_held_lock_keeps_the_next_start_out_until_released(name: str) -> None:
    first, second = StartLock(name), StartLock(name)
    try:
        assert first.acquire(0) and first.held
        assert not second.acquire(0) and not second.held  # even in the same process
        first.release()
        assert not first.held
        assert second.acquire(0)
    finally:
        first.release()
        second.release()
    assert Path(first.path).exists()  # kept: deleting it would let two starts lock two files


def test_a_killed_holder_leaves_no_stale_lock(name: str) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, name], cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        lock = StartLock(name)
        assert not lock.acquire(0)
        holder.kill()  # SIGKILL: no clean-up runs in the holder
        holder.wait(60)
        assert lock.acquire(0)  # the kernel dropped the dead holder's lock
        lock.release()
    finally:
        holder.kill()
        holder.communicate()


def test_a_link_planted_at_the_lock_path_is_not_followed(name: str, tmp_path: Path) -> None:
    target = tmp_path / "someone-elses-file"
    lock = StartLock(name)
    os.symlink(target, lock.path)
    try:
        assert not lock.acquire(0)  # starts unlocked, as on a timeout
        assert not target.exists()  # O_CREAT did not go through the link
    finally:
        os.unlink(lock.path)  # the link itself
