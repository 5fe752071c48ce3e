"""A download's ``.part`` is the publish module's temp file with resume as the extra.

Real files in a temp folder and the real owned-files journal: a ``.part`` is
created exclusively and recorded as the app's own, fsynced before it is named,
published without replacing anything, resumed with the same digests as one
pass over the whole file, cut back after a failed write, and never writes into
or removes a file that took its place.
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
from pathlib import Path

import pytest
from blake3 import blake3

from app.core.downloads import partfile
from app.core.downloads.hashing import StreamHasher
from app.core.downloads.partfile import PartFile, Validator
from app.core.errors import UserError
from app.core.hashing.pipeline import DigestSet
from app.core.owned_files import is_ours, recorded
from app.core.publish.temp import OwnedTemp

MIB = 1 << 20
DATA = random.Random(11).randbytes(2 * MIB + 4321)  # crosses AutoV1's window at 1 MiB
VALIDATOR = Validator(etag='"v1"', last_modified=None, total=len(DATA))


def _started(target: Path) -> PartFile:
    part = PartFile(target)
    part.restart(VALIDATOR)
    return part


def test_a_part_is_the_publish_modules_temp_and_its_hasher_the_one_engine(dest) -> None:
    part = _started(dest / "vae.bin")
    assert isinstance(part, OwnedTemp) and isinstance(part.hasher, DigestSet)
    assert isinstance(part.hasher, StreamHasher)
    assert part.path.name == "vae.bin.part" and part.identity == recorded(part.path)
    assert is_ours(part.path) and is_ours(part.meta_path)
    part.discard()


def test_a_finished_part_is_fsynced_and_published_without_replacing(
    dest, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    part = _started(dest / "vae.bin")
    part.write(DATA)
    fd = part.fd
    part.finish()
    assert synced[-1] == fd and part.fd is None  # the journal entries are fsynced too
    user = dest / "vae.bin"
    user.write_bytes(b"the user's file")
    with pytest.raises(FileExistsError):
        part.publish()
    assert user.read_bytes() == b"the user's file"
    assert is_ours(part.path, part.identity) and part.meta_path.exists()
    placed = part.publish(dest / "vae (1).bin")
    assert placed.read_bytes() == DATA
    assert sorted(p.name for p in dest.iterdir()) == ["vae (1).bin", "vae.bin"]
    assert recorded(part.path) is None and part.identity is None


def test_a_resumed_part_continues_the_digests_of_one_pass(dest) -> None:
    first = _started(dest / "vae.bin")
    first.write(DATA[: MIB + 500])  # stops inside the AutoV1 window
    first.close()
    again = PartFile(dest / "vae.bin")
    assert again.load_existing() == MIB + 500 == again.size
    assert again.validator == VALIDATOR
    again.write(DATA[MIB + 500 :])
    digests = again.hasher.digests()
    assert digests.sha256 == hashlib.sha256(DATA).hexdigest()
    assert digests.blake3 == blake3(DATA).hexdigest()
    assert digests.autov1 == hashlib.sha256(DATA[0x100000:0x110000]).hexdigest()[:8]
    assert digests.size == len(DATA)
    again.finish()
    assert again.path.read_bytes() == DATA


def test_a_failed_write_cuts_the_part_back_to_what_was_hashed(
    dest, monkeypatch: pytest.MonkeyPatch
) -> None:
    part = _started(dest / "vae.bin")
    part.write(DATA[:MIB])
    real_write = os.write

    def half_then_full(fd: int, data: memoryview) -> int:
        if fd != part.fd:
            return real_write(fd, data)
        if len(data) == MIB:
            return real_write(fd, data[: MIB // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(partfile.os, "write", half_then_full)
    with pytest.raises(UserError, match="the disk is full"):
        part.write(DATA[MIB : 2 * MIB])
    monkeypatch.setattr(partfile.os, "write", real_write)
    assert os.fstat(part.fd or -1).st_size == MIB == part.size
    part.write(DATA[MIB:])
    assert part.hasher.digests().sha256 == hashlib.sha256(DATA).hexdigest()
    part.finish()
    assert part.path.read_bytes() == DATA


def test_a_file_that_took_the_parts_place_is_never_written_nor_removed(dest) -> None:
    part = _started(dest / "vae.bin")
    part.write(DATA[:1000])
    part.close()
    other = dest / "other"
    other.write_bytes(b"someone else's")
    os.replace(other, part.path)
    with pytest.raises(UserError, match="was replaced by another file"):
        part.write(DATA[1000:2000])
    part.discard()
    assert part.path.read_bytes() == b"someone else's"
