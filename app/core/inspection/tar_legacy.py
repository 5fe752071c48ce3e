"""torch's oldest format: a tar of ``sys_info``, ``pickle``, ``storages`` and ``tensors``.

``torch.load`` tries this first for any file that is not a zip (torch/serialization.py,
``_legacy_load``): if ``tarfile.open`` accepts the file, a plain ``torch.load`` unpickles
the pickles in ``storages``, then ``tensors``, then ``pickle`` with no restriction, while
``weights_only=True`` refuses the format. So a tar is opened here exactly as torch opens
it (the same ``tarfile``, with every read size-capped), and every pickle torch would load
from it is walked; a member list torch would not read the same way is refused.
"""

from __future__ import annotations

import io
import pickle
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from app.core.inspection import pickle_stubs as stubs
from app.core.inspection.byte_source import ByteReader
from app.core.inspection.dtypes import item_bytes
from app.core.inspection.pickle_scan import PickleWalk, cannot_prove, walk_pickle

MEMBERS = ("storages", "tensors", "pickle")  # in the order torch loads them
_KNOWN = frozenset({*MEMBERS, "sys_info"})
MAX_MEMBERS = 16
MAX_COUNT = 1_000_000  # storages or tensors listed in one file
_READ_CAP = 16 << 20
_SMALL_PICKLE = 1 << 20


class _Oversized(Exception):
    """tarfile asked for more bytes at once than any header of a torch file needs."""


class _CappedReads:
    """``fh`` for tarfile, refusing single reads larger than the cap (a 4 GiB PAX header)."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0 or n > _READ_CAP:
            raise _Oversized
        return self._fh.read(n)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._fh.seek(offset, whence)

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._fh.tell()

    def write(self, data: bytes, /) -> int:  # tarfile's file protocol; "r:" never writes
        raise io.UnsupportedOperation("read-only")

    def close(self) -> None:
        """Nothing: the caller owns ``fh`` (tarfile does not close a file it was given)."""


@dataclass
class TarScan:
    """The globals and refusals of every pickle torch would load from the tar."""

    globals: set[str] = field(default_factory=set)
    refusals: list[str] = field(default_factory=list)

    def add(self, walk: PickleWalk) -> bool:
        """Record a walk; False once the loader would stop (broken or unsafe pickle)."""
        self.globals |= walk.globals
        self.refusals.extend(walk.refusals)
        return walk.failure is None and not walk.disallowed and not walk.refusals


def open_torch_tar(fh: BinaryIO) -> tarfile.TarFile | None:
    """The tar torch would read from ``fh``, or None when torch would not read it as one.

    torch falls back to reading the file as a pickle on any ``TarError``, so a tar that
    fails while its members are listed is not one either.
    """
    fh.seek(0)
    try:
        # The TarFile is returned open; it only wraps ``fh``, which the caller closes.
        tar = tarfile.open(fileobj=_CappedReads(fh), mode="r:")  # noqa: SIM115
        for count, _member in enumerate(iter(tar.next, None)):
            if count >= MAX_MEMBERS:
                raise cannot_prove(f"a tar archive with more than {MAX_MEMBERS} members")
    except tarfile.TarError:
        return None
    except _Oversized:
        raise cannot_prove("a tar header larger than any torch file needs") from None
    return tar


def has_storages(tar: tarfile.TarFile) -> bool:
    """Torch's legacy loader starts with ``storages``; without it the load fails at once."""
    return any(m.name == "storages" for m in tar.getmembers())


def scan_tar(tar: tarfile.TarFile) -> TarScan:
    """Walk the pickles of ``storages``, ``tensors`` and ``pickle`` in torch's order."""
    names = [m.name for m in tar.getmembers()]
    odd = [n for n in names if n not in _KNOWN or names.count(n) > 1]
    irregular = [m.name for m in tar.getmembers() if not m.isreg()]
    if odd or irregular:
        raise cannot_prove(
            f"a tar archive whose member {(odd or irregular)[0]!r} torch's legacy loader "
            "would read differently"
        )
    found = TarScan()
    readers = {"storages": _storages, "tensors": _tensors, "pickle": _object}
    for name in MEMBERS:
        member = next((m for m in tar.getmembers() if m.name == name), None)
        if member is None or not readers[name](_Member(tar, member), found):
            break
    return found


class _Member:
    """One tar member, read sequentially with a walkable reader."""

    def __init__(self, tar: tarfile.TarFile, info: tarfile.TarInfo) -> None:
        self._tar = tar
        self._info = info
        handle = tar.extractfile(info)
        assert handle is not None  # regular files only (checked above)
        self.reader = ByteReader(handle.read, info.size)

    def walk(self, *, persistent_ids: bool = False) -> tuple[PickleWalk, int]:
        start = self.reader.tell()
        return walk_pickle(self.reader, persistent_ids=persistent_ids), start

    def value(
        self, start: int, end: int, unpickler: Callable[[BinaryIO], pickle.Unpickler]
    ) -> object:
        """Replay a short, already walked pickle (its globals were allowed)."""
        if end - start > _SMALL_PICKLE:
            raise cannot_prove("an oversized header pickle in a tar-format torch file")
        handle = self._tar.extractfile(self._info)
        assert handle is not None
        handle.seek(start)
        try:
            return unpickler(io.BytesIO(handle.read(end - start))).load()
        except Exception:  # the loader fails here too: nothing after it runs
            return None

    def int_field(self, size: int) -> int | None:
        data = self.reader.read(size)
        return None if data is None else int.from_bytes(data, "little", signed=True)


def _count(member: _Member, found: TarScan) -> int | None:
    walk, start = member.walk()
    if not found.add(walk) or walk.end is None:
        return None
    value = member.value(start, walk.end, stubs.MetadataUnpickler)
    if not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        return None
    return value


def _storages(member: _Member, found: TarScan) -> bool:
    count = _count(member, found)
    for _ in range(count or 0):
        walk, start = member.walk()
        if not found.add(walk) or walk.end is None:
            return False
        args = member.value(start, walk.end, stubs.MetadataUnpickler)
        dtype = args[2] if isinstance(args, tuple) and len(args) == 3 else None
        numel = member.int_field(8)
        if not isinstance(dtype, stubs.DtypeStub) or numel is None or numel < 0:
            return False  # torch fails here (no storage type, no size)
        if not member.reader.skip(numel * item_bytes(dtype.name)):
            return False
    if count is None:
        return False
    walk, _start = member.walk()  # the storage views
    return found.add(walk)


def _tensors(member: _Member, found: TarScan) -> bool:
    count = _count(member, found)
    for _ in range(count or 0):
        walk, _start = member.walk()
        ndim = member.int_field(4) if found.add(walk) else None
        if ndim is None or not 0 <= ndim <= 64 or not member.reader.skip(4 + 16 * ndim + 8):
            return False
    return count is not None


def _object(member: _Member, found: TarScan) -> bool:
    walk, _start = member.walk(persistent_ids=True)
    return found.add(walk)
