"""Background hashing counts bytes: one big file moves the bar while it is read."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from app.core.catalog.scanner import Scanner
from app.core.catalog.store import Catalog
from app.core.hashing.hasher import hash_file
from app.core.hashing.queue import HashScheduler

MIB = 1 << 20


def write_sparse_safetensors(path: Path, size: int) -> Path:
    """A valid safetensors file of ``size`` bytes (one uint8 tensor) whose data is a hole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = size - 8 - 256
    header = json.dumps({"big": {"dtype": "U8", "shape": [data], "data_offsets": [0, data]}})
    header = header.ljust(256).encode()  # 8-byte aligned, padded with spaces as allowed
    with open(path, "wb") as handle:
        handle.write(len(header).to_bytes(8, "little") + header)
        handle.truncate(size)  # the tensor reads as zeros and takes no disk
    return path


def test_the_scheduler_reports_the_bytes_of_one_big_file(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(64 * MIB))
    seen: list[tuple[int, int | None]] = []
    results = []
    scheduler = HashScheduler(
        lambda job, hashes, error: results.append((hashes, error)),
        on_progress=lambda job, done, total: seen.append((done, total)),
    )
    scheduler.submit(big, big.stat().st_size, big.stat().st_mtime)
    assert scheduler.wait(60)
    assert results[0][1] is None and results[0][0] == hash_file(big)
    size = 64 * MIB
    assert any(0 < done < size for done, _ in seen), "no progress inside the file"
    assert seen[-1] == (size, size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)  # never backwards


def test_the_scheduler_without_a_progress_listener_calls_the_hasher_as_before(tmp_path) -> None:
    small = tmp_path / "small.bin"
    small.write_bytes(b"x" * 1000)
    calls = []

    def hasher(path: Path, **kwargs):
        calls.append(sorted(kwargs))
        return hash_file(path, **kwargs)

    scheduler = HashScheduler(lambda *_: None, hasher=hasher)
    scheduler.submit(small, 1000, 1.0)
    assert scheduler.wait(30)
    assert calls == [["blake3", "cancel"]]  # a hasher with its own progress keeps working


def test_hash_pending_reports_bytes_and_names_the_file_in_hand(tmp_path: Path) -> None:
    size = 256 * MIB
    big = write_sparse_safetensors(tmp_path / "models" / "big.safetensors", size)
    catalog = Catalog(tmp_path / "catalog.db")
    seen_inside = threading.Event()

    def held_hasher(path: Path, *, progress, **kwargs):
        """The real hash, held half-way until the caller has seen a value inside the file."""

        def report(done: int, total: int | None) -> None:
            progress(done, total)
            if total and done >= total // 2 and not seen_inside.is_set():
                assert seen_inside.wait(30), "hang guard: the caller never saw the midpoint"

        return hash_file(path, progress=report, **kwargs)

    scanner = Scanner(catalog, hasher=held_hasher, find_cached=lambda path: None)
    scanner.scan([tmp_path / "models"], hash_now=False)
    values: list[tuple[int, int | None]] = []
    names: list[Path] = []

    def progress(done: int, total: int | None) -> None:
        values.append((done, total))
        if total and 0 < done < total:
            seen_inside.set()

    report = scanner.hash_pending(progress=progress, on_file=names.append)
    assert report.hashed == 1
    assert any(total == size and 0 < done < size for done, total in values)
    assert values[-1] == (size, size)
    assert names == [big]
    assert catalog.pending_hashes() == []
    catalog.close()


def test_hash_pending_with_nothing_to_read_reports_zero_of_zero(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.db")
    values = []
    Scanner(catalog, find_cached=lambda path: None).hash_pending(
        progress=lambda d, t: values.append((d, t))
    )
    assert values == [(0, 0)]
    catalog.close()
