"""A strict reader of a zip's directory, refusing every layout two readers could disagree on.

torch reads its zip files with miniz (``caffe2/serialize/inline_container.cc``,
``PyTorchStreamReader``): the archive folder is the part before the first ``/`` of the
*first* central-directory entry, and each record is looked up by ``folder/name`` with
miniz's case-insensitive compare; data starts after the *local* header's name and extra
field, and sizes come from the central directory. Python's ``zipfile`` (used by other
scanners) keeps the *last* of two equal names, cuts names at NUL and checks local names.
So this reader accepts only archives on which all of them agree: one EOCD at the very end,
a central directory right before it, unique names without NUL, control bytes or
backslashes (compared with miniz's ASCII case folding), local
headers that repeat the central ones, and members that tile the file with no gap or
overlap. Anything else is "cannot be proven safe". Everything read is bounded.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from typing import BinaryIO

from app.core.inspection.byte_source import Chunks, Inflater, region_chunks
from app.core.inspection.failure import BadFile
from app.core.inspection.pickle_scan import cannot_prove
from app.core.inspection.records import PROBLEM_CORRUPT, PROBLEM_TRUNCATED

MAX_MEMBERS = 100_000
MAX_DIRECTORY_BYTES = 64 << 20
MAX_NAME = 1024
STORED, DEFLATED = 0, 8

_EOCD = b"PK\x05\x06"
_EOCD64 = b"PK\x06\x06"
_LOCATOR = b"PK\x06\x07"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_DESCRIPTOR = b"PK\x07\x08"
_CENTRAL_FMT = struct.Struct("<4s6H3I5H2I")  # 46 bytes
_LOCAL_FMT = struct.Struct("<4s5H3I2H")  # 30 bytes
_ALLOWED_FLAGS = 0x0002 | 0x0004 | 0x0008 | 0x0800  # deflate options, descriptor, UTF-8
_DATA_DESCRIPTOR = 0x0008
_MAX16, _MAX32 = 0xFFFF, 0xFFFFFFFF


@dataclass(frozen=True)
class ZipMember:
    """One member as the central directory and its local header both describe it."""

    name: str
    method: int
    crc: int
    compressed_size: int
    size: int
    header_offset: int
    data_offset: int

    def chunks(self, fh: BinaryIO) -> Chunks:
        """Reads of this member's uncompressed bytes (streamed, never whole)."""
        if self.method == STORED:
            return region_chunks(fh, self.data_offset, self.size)
        return Inflater(fh, self.data_offset, self.compressed_size, self.size)


@dataclass(frozen=True)
class ZipDirectory:
    """The members of a zip, in central-directory order."""

    members: tuple[ZipMember, ...]
    by_folded_name: dict[bytes, ZipMember] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_folded_name.update((fold(m.name), m) for m in self.members)

    @property
    def folder(self) -> str | None:
        """Torch's archive name: the first entry's name up to its first ``/``."""
        first = self.members[0].name if self.members else ""
        return first.split("/", 1)[0] if "/" in first else None

    def record(self, name: str) -> ZipMember | None:
        """The member torch reads as record ``name`` (``folder/name``, case-insensitive)."""
        if self.folder is None:
            return None
        return self.by_folded_name.get(fold(f"{self.folder}/{name}"))


def fold(name: str) -> bytes:
    """A name as miniz compares it: its bytes with ASCII letters lower-cased."""
    return name.encode("utf-8", "surrogateescape").lower()


def _text(raw: bytes) -> str:
    # torch 1.x wrote the archive folder as the file's name in UTF-8; keep any bytes.
    return raw.decode("utf-8", "surrogateescape")


def read_directory(fh: BinaryIO) -> ZipDirectory:
    """Parse and cross-check the directory of the zip open in ``fh``; raise BadFile."""
    size = os.fstat(fh.fileno()).st_size
    eocd = _find_eocd(fh, size)
    count, cd_offset, cd_size, cd_end = _directory_bounds(fh, eocd)
    if cd_offset + cd_size > size:
        raise BadFile(PROBLEM_CORRUPT, "the zip directory points past the end of the file")
    if cd_offset + cd_size != cd_end:
        raise cannot_prove("bytes between the zip directory and its end record")
    fh.seek(cd_offset)
    central = fh.read(cd_size)
    members = _parse_central(central, count)
    _check_names(members)
    placed = [_check_local(fh, entry, size) for entry in members]
    _check_tiling(placed, cd_offset)
    return ZipDirectory(tuple(member for member, _end in placed))


def _find_eocd(fh: BinaryIO, size: int) -> int:
    tail_len = min(size, 22 + _MAX16)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(_EOCD)  # zipfile takes the last one; miniz the last with room for it
    roomy = at
    while roomy >= 0 and tail_len - roomy < 22:
        roomy = tail.rfind(_EOCD, 0, roomy)
    if roomy < 0:
        raise BadFile(
            PROBLEM_TRUNCATED,
            "zip container has no directory at its end: the file was cut short "
            "(interrupted download or copy?)",
        )
    if roomy != at:
        raise cannot_prove("zip end records that zipfile and torch would find differently")
    comment = struct.unpack_from("<H", tail, at + 20)[0]
    if at + 22 + comment != tail_len:
        raise cannot_prove("data after the zip's end record")
    return size - tail_len + at


def _directory_bounds(fh: BinaryIO, eocd: int) -> tuple[int, int, int, int]:
    fh.seek(eocd)
    _sig, disk, cd_disk, here, total, cd_size, cd_offset, _c = struct.unpack(
        "<4s4H2IH", fh.read(22)
    )
    cd_end = eocd
    if eocd >= 20:
        fh.seek(eocd - 20)
        locator = fh.read(20)
        if locator[:4] == _LOCATOR:
            small = (here, total, cd_size, cd_offset)
            here, total, cd_size, cd_offset, cd_end = _zip64_bounds(fh, locator, eocd, small)
            disk = 0 if disk == _MAX16 else disk
            cd_disk = 0 if cd_disk == _MAX16 else cd_disk
    if disk or cd_disk or here != total:
        raise cannot_prove("a multi-disk zip archive")
    if _MAX16 in (here, total) or _MAX32 in (cd_size, cd_offset):
        raise cannot_prove("zip64 markers without a zip64 end record")
    if total > MAX_MEMBERS or cd_size > MAX_DIRECTORY_BYTES:
        raise cannot_prove(f"a zip directory of {total:,} members / {cd_size:,} bytes")
    return total, cd_offset, cd_size, cd_end


def _zip64_bounds(
    fh: BinaryIO, locator: bytes, eocd: int, small: tuple[int, ...]
) -> tuple[int, int, int, int, int]:
    _sig, disk, record_at, disks = struct.unpack("<4sIQI", locator)
    record_start = eocd - 20 - 56
    # zipfile reads the record just before the locator, miniz at the offset it names.
    if disk != 0 or disks > 1 or record_at != record_start or record_start < 0:
        raise cannot_prove("a zip64 end record that readers would look for in different places")
    fh.seek(record_start)
    record = fh.read(56)
    sig, rec_size, _v1, _v2, d1, d2, here, total, cd_size, cd_offset = struct.unpack(
        "<4sQ2H2I4Q", record
    )
    if sig != _EOCD64 or rec_size != 44 or d1 or d2:
        raise cannot_prove("an unusual zip64 end record")
    big = (here, total, cd_size, cd_offset)
    for value, wide, marker in zip(small, big, (_MAX16, _MAX16, _MAX32, _MAX32), strict=True):
        if value not in (wide, marker):
            raise cannot_prove("zip and zip64 end records that disagree")
    return here, total, cd_size, cd_offset, record_start


@dataclass(frozen=True)
class _Entry:
    raw_name: bytes
    flags: int
    method: int
    crc: int
    compressed: int
    size: int
    offset: int


def _parse_central(data: bytes, count: int) -> list[_Entry]:
    entries: list[_Entry] = []
    pos = 0
    for _ in range(count):
        if pos + 46 > len(data):
            raise cannot_prove("a zip directory shorter than its member count")
        fields = _CENTRAL_FMT.unpack_from(data, pos)
        sig, _made, _need, flags, method = fields[:5]
        crc, csize, usize = fields[7:10]
        nlen, xlen, clen, disk, _ia, _ea, offset = fields[10:]
        if sig != _CENTRAL:
            raise cannot_prove("a damaged zip directory entry")
        name = data[pos + 46 : pos + 46 + nlen]
        extra = data[pos + 46 + nlen : pos + 46 + nlen + xlen]
        pos += 46 + nlen + xlen + clen
        if pos > len(data):
            raise cannot_prove("a zip directory entry longer than the directory")
        usize, csize, offset, disk = _apply_zip64(_extras(extra), usize, csize, offset, disk)
        if disk:
            raise cannot_prove("a zip member on another disk")
        entries.append(_Entry(name, flags, method, crc, csize, usize, offset))
    if pos != len(data):
        raise cannot_prove("bytes in the zip directory that belong to no member")
    return entries


def _extras(extra: bytes) -> dict[int, bytes]:
    fields: dict[int, bytes] = {}
    pos = 0
    while pos < len(extra):
        if pos + 4 > len(extra):
            raise cannot_prove("a broken zip extra field")
        tag, length = struct.unpack_from("<HH", extra, pos)
        if tag in fields or pos + 4 + length > len(extra):
            raise cannot_prove("a repeated or broken zip extra field")
        fields[tag] = extra[pos + 4 : pos + 4 + length]
        pos += 4 + length
    return fields


def _apply_zip64(extras: dict[int, bytes], *values: int) -> tuple[int, ...]:
    """Replace the 32-bit fields marked 0xFFFFFFFF (disk: 0xFFFF) from the zip64 extra."""
    markers = (_MAX32, _MAX32, _MAX32, _MAX16)
    needed = [i for i, (v, m) in enumerate(zip(values, markers, strict=True)) if v == m]
    if not needed:
        return values
    data = extras.get(0x0001, b"")
    widths = [4 if i == 3 else 8 for i in needed]
    if len(data) < sum(widths):
        raise cannot_prove("a zip64 field that is missing its values")
    out = list(values)
    pos = 0
    for i, width in zip(needed, widths, strict=True):
        out[i] = int.from_bytes(data[pos : pos + width], "little")
        pos += width
    return tuple(out)


def _check_names(entries: list[_Entry]) -> None:
    seen: set[bytes] = set()
    for entry in entries:
        raw = entry.raw_name
        name = _text(raw)
        if not raw or len(raw) > MAX_NAME or any(b < 0x20 or b in (0x5C, 0x7F) for b in raw):
            shown = raw[:60].decode("ascii", "backslashreplace")
            raise cannot_prove(
                f"zip member name {shown!r} holds NUL, control or backslash bytes that zip "
                "readers handle differently"
            )
        folded = raw.lower()  # miniz compares names case-insensitively (ASCII only)
        if folded in seen:
            raise cannot_prove(
                f"two zip members are named {name!r}: torch and zipfile would read different ones"
            )
        seen.add(folded)
        if entry.flags & ~_ALLOWED_FLAGS:
            raise cannot_prove(f"zip member {name!r} is encrypted or patched")
        if entry.method not in (STORED, DEFLATED):
            raise cannot_prove(
                f"zip member {name!r} uses compression method {entry.method}, which torch "
                "cannot read"
            )
        if entry.method == STORED and entry.compressed != entry.size:
            raise cannot_prove(f"stored zip member {name!r} has two sizes")


def _check_local(fh: BinaryIO, entry: _Entry, size: int) -> tuple[ZipMember, int]:
    name = _text(entry.raw_name)
    fh.seek(entry.offset)
    head = fh.read(30)
    if len(head) < 30:
        raise BadFile(PROBLEM_TRUNCATED, f"zip member {name} lies past the end of the file")
    sig, _need, flags, method, _t, _d, crc, csize, usize, nlen, xlen = _LOCAL_FMT.unpack(head)
    local_name = fh.read(nlen)
    extras = _extras(fh.read(xlen))
    if sig != _LOCAL or local_name != entry.raw_name:
        raise cannot_prove(f"zip member {name}'s local header names another file")
    if flags != entry.flags or method != entry.method:
        raise cannot_prove(f"zip member {name}'s local header disagrees on how it is stored")
    usize, csize = _apply_zip64(extras, usize, csize, 0, 0)[:2]
    described = (crc, csize, usize)
    if described != (entry.crc, entry.compressed, entry.size) and not (
        flags & _DATA_DESCRIPTOR and described == (0, 0, 0)
    ):
        raise cannot_prove(f"zip member {name}'s local header disagrees on its size or CRC")
    data_offset = entry.offset + 30 + nlen + xlen
    end = data_offset + entry.compressed
    if end > size:
        raise BadFile(PROBLEM_TRUNCATED, f"zip member {name} ends past the end of the file")
    if flags & _DATA_DESCRIPTOR:
        end += _descriptor_length(fh, end, entry, name)
    member = ZipMember(
        name, entry.method, entry.crc, entry.compressed, entry.size, entry.offset, data_offset
    )
    return member, end


def _descriptor_length(fh: BinaryIO, at: int, entry: _Entry, name: str) -> int:
    fh.seek(at)
    data = fh.read(24)
    for skip in (4, 0) if data[:4] == _DESCRIPTOR else (0,):
        for width in (4, 8):
            values = struct.unpack_from("<I2Q" if width == 8 else "<3I", data + bytes(24), skip)
            if values == (entry.crc, entry.compressed, entry.size):
                return skip + 4 + 2 * width
    raise cannot_prove(f"zip member {name}'s data descriptor disagrees with the directory")


def _check_tiling(placed: list[tuple[ZipMember, int]], cd_offset: int) -> None:
    cursor = 0
    for member, end in sorted(placed, key=lambda p: p[0].header_offset):
        if member.header_offset < cursor:
            raise cannot_prove(f"zip member {member.name} overlaps another")
        if member.header_offset > cursor:
            raise cannot_prove(
                f"{member.header_offset - cursor:,} bytes before zip member {member.name} "
                "belong to no member"
            )
        cursor = end
    if cursor > cd_offset:
        raise cannot_prove("a zip member overlaps the zip directory")
    if cursor < cd_offset:
        raise cannot_prove(f"{cd_offset - cursor:,} bytes before the zip directory belong to "
                           "no member")  # fmt: skip
