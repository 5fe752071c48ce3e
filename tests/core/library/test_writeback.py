"""The copy's sink writes every block in order, whether or not early writeback exists."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.publish import reflink, writeback


@pytest.mark.parametrize("early", [True, False], ids=["sync_file_range", "plain-writes"])
def test_block_writer_writes_each_block_in_order(tmp_path: Path, monkeypatch, early: bool):
    if not early:
        monkeypatch.setattr(writeback, "_sync_file_range", lambda: None)
    blocks = [os.urandom(n) for n in (1, 4096, 3 << 20, 7)]
    path = tmp_path / "out.bin"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        write = writeback.block_writer(fd)
        for block in blocks:
            write(memoryview(block))
        os.fsync(fd)
    finally:
        os.close(fd)
    assert path.read_bytes() == b"".join(blocks)


def test_a_file_system_without_reflinks_says_so_and_writes_nothing(tmp_path: Path):
    source = tmp_path / "a.bin"
    source.write_bytes(b"x" * 10_000)
    fd = os.open(tmp_path / "b.bin", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        cloned = reflink(source, fd)
        size = os.fstat(fd).st_size
    finally:
        os.close(fd)
    # ext4 and tmpfs (this machine, CI) refuse FICLONE; btrfs/XFS would clone all of it
    assert (cloned, size) in ((False, 0), (True, 10_000))
