"""A download's ``.part`` starts the writeback of finished ranges, so the final fsync is short.

The real ``sync_file_range`` runs on the helper thread (a recorder only wraps
it): the tests prove the ranges follow each other from the right offset, once
each, across a dropped connection and a resume, reach the last signalled byte
before the final fsync, and that the file stays byte for byte intact.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.downloads import writeback
from app.core.downloads.downloader import Downloader
from app.core.downloads.settings import DownloadSettings
from app.core.errors import UserError
from app.core.publish.writeback import writeback_starter
from tests.core.downloads.conftest import FAST, MIB, leftovers, sha256, spec
from tests.http_server import Fault

Ranges = list[tuple[int, int]]
EVERY = 256 << 10  # a range per 256 KiB instead of 8 MiB, for small test files


def _record(monkeypatch: pytest.MonkeyPatch) -> Ranges:
    """Wrap the real starter so the ranges it is given are kept, in order."""
    ranges: Ranges = []

    def recording(fd: int) -> Callable[[int, int], None]:
        real = writeback_starter(fd)

        def start(offset: int, length: int) -> None:
            ranges.append((offset, length))
            if real is not None:
                real(offset, length)

        return start

    monkeypatch.setattr(writeback, "writeback_starter", recording)
    monkeypatch.setattr(writeback, "WRITEBACK_EVERY", EVERY)
    return ranges


def _covered(ranges: Ranges, start: int = 0) -> int:
    """The end of the ranges if they follow each other from ``start`` without gap or overlap."""
    end = start
    for offset, length in ranges:
        assert offset == end, f"range at {offset:,} after {end:,}: {ranges}"
        end += length
    return end


def test_finished_ranges_start_writeback_once_across_a_dropped_connection(
    server, dest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranges = _record(monkeypatch)
    data = server.add_file("/vae.safetensors", 3 * MIB + 7)
    server.set_fault("/vae.safetensors", Fault(drop_after=MIB + 3))
    result = Downloader(DownloadSettings(), FAST).download(
        spec(server, "/vae.safetensors", dest, data)
    )
    assert result.resumed and result.sha256 == sha256(data)
    assert result.path.read_bytes() == data
    # every range was handed over before the final fsync; at most the last chunk was not
    assert len(data) - MIB - EVERY < _covered(ranges) <= len(data)
    assert leftovers(dest) == ["vae.safetensors"]


def test_a_part_from_an_earlier_session_is_written_back_from_its_end(
    server, dest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = server.add_file("/later.bin", 3 * MIB)
    server.set_fault("/later.bin", Fault(drop_after=2 * MIB))
    with pytest.raises(UserError, match="partial file is kept"):
        Downloader(DownloadSettings(), replace(FAST, max_attempts=1)).download(
            spec(server, "/later.bin", dest, data)
        )
    ranges = _record(monkeypatch)
    result = Downloader(DownloadSettings(), FAST).download(spec(server, "/later.bin", dest, data))
    assert result.path.read_bytes() == data
    # the adopted 2 MiB were on disk already: writeback starts at the resumed offset
    assert 3 * MIB - MIB - EVERY < _covered(ranges, start=2 * MIB) <= 3 * MIB


def test_without_fsync_no_writeback_is_started(
    server, dest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranges = _record(monkeypatch)
    data = server.add_file("/quick.bin", 2 * MIB)
    result = Downloader(DownloadSettings(), replace(FAST, fsync=False)).download(
        spec(server, "/quick.bin", dest, data)
    )
    assert result.path.read_bytes() == data
    assert ranges == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sync_file_range is Linux's")
def test_linux_has_the_real_call(tmp_path: Path) -> None:
    fd = os.open(tmp_path / "f.bin", os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, b"x" * 8192)
        start = writeback_starter(fd)
        assert start is not None
        start(0, 8192)  # a hint: must not raise
    finally:
        os.close(fd)


def test_without_sync_file_range_the_helper_falls_back_to_fdatasync(
    server, dest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_datasync = writeback._datasync

    def datasync(fd: int) -> None:
        synced.append(os.fstat(fd).st_size)
        real_datasync(fd)

    monkeypatch.setattr(writeback, "writeback_starter", lambda fd: None)
    monkeypatch.setattr(writeback, "_datasync", datasync)
    monkeypatch.setattr(writeback, "DATASYNC_EVERY", EVERY)
    data = server.add_file("/other-os.bin", 3 * MIB)
    result = Downloader(DownloadSettings(), FAST).download(
        spec(server, "/other-os.bin", dest, data)
    )
    assert result.path.read_bytes() == data and result.sha256 == sha256(data)
    assert synced and synced == sorted(synced) and synced[-1] <= len(data)
