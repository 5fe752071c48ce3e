"""Locate and scan every pickle ``torch.load`` would read from a file, without unpickling it.

torch.load decides by content (torch/serialization.py, ``load``): a file starting with a
zip local header is read by torch's zip reader (``folder/data.pkl``, see
:mod:`zip_reader`); any other file is tried as the pre-1.0 tar format (see
:mod:`tar_legacy`) and otherwise read as a run of pickles (magic number, protocol,
sys_info, the object, the storage keys) followed by raw storage bytes. The same choices
are made here and the same pickles walked, so the scan sees what the loader would run.
"""

from __future__ import annotations

import io
import os
import pickle
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, BinaryIO, NoReturn

from app.core.inspection import tar_legacy
from app.core.inspection.byte_source import ByteReader, open_stream, region_chunks
from app.core.inspection.failure import BadFile
from app.core.inspection.pickle_globals import NUMPY_GLOBALS, is_allowed
from app.core.inspection.pickle_scan import (
    PickleWalk,
    cannot_prove,
    checked_globals,
    walk_pickle,
)
from app.core.inspection.records import (
    PROBLEM_CORRUPT,
    PROBLEM_TRUNCATED,
    PROBLEM_UNKNOWN_FORMAT,
)
from app.core.inspection.zip_reader import (
    DEFLATED,
    STORED,
    ZipDirectory,
    ZipMember,
    read_directory,
)
from app.core.safe_open import open_regular

if TYPE_CHECKING:
    import tarfile

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001
FORMAT_ZIP = "torch-zip"
FORMAT_PICKLE = "torch-pickle"
FORMAT_TAR = "torch-tar"
MAX_PICKLE_BYTES = 256 << 20  # a large checkpoint's data.pkl is a few MB
MAX_RATIO = 100  # deflated weights shrink a little; a bomb shrinks a thousandfold
_RATIO_FLOOR = 1 << 20
_SMALL_PICKLE = 1 << 20
_LEGACY_PICKLES = 5  # magic, protocol, sys_info, object, storage keys

Identity = tuple[int, int, int, int]  # st_dev, st_ino, st_size, st_mtime_ns


def file_identity(stat: os.stat_result) -> Identity:
    """What must not change between the scan and the load."""
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True)
class TorchScan:
    """Globals a torch file imports, plus where its pickles and storages live."""

    format: str
    globals: frozenset[str]
    is_torch_save: bool = True  # False for a bare pickle with no torch magic number
    archive_prefix: str = ""  # zip: "archive/" so data.pkl is archive_prefix + "data.pkl"
    pickle_spans: tuple[tuple[int, int], ...] = ()  # legacy: byte range of each pickle
    data_offset: int = 0  # legacy: where the raw storages start
    uncompressed: bool = True  # zip: every member stored, so torch can mmap it
    directory: ZipDirectory | None = None  # zip: the cross-checked member list
    identity: Identity | None = None  # the file the scan read

    @property
    def unsafe(self) -> list[str]:
        """Imported globals outside the allow-list, sorted."""
        return sorted(g for g in self.globals if not is_allowed(g))

    @property
    def uses_numpy(self) -> bool:
        """Whether loading needs the numpy globals allow-listed."""
        return bool(self.globals & NUMPY_GLOBALS)


def scan_torch_file(path: str | os.PathLike[str]) -> TorchScan:
    """Scan a torch zip, tar or legacy pickle file.

    Raises :class:`BadFile` when the file is broken or cannot be proven safe.
    """
    with open_regular(path) as fh:  # never a FIFO or device: those never end
        identity = file_identity(os.fstat(fh.fileno()))
        head = fh.read(4)
        if head == b"PK\x03\x04":  # torch's _is_zipfile looks at exactly this
            scan = _scan_zip(fh)
        else:
            tar = tar_legacy.open_torch_tar(fh)
            scan = _scan_tar(fh, tar) if tar is not None else _scan_legacy(fh, identity[2])
    return replace(scan, identity=identity)


# --------------------------------------------------------------------------- zip


def _scan_zip(fh: BinaryIO) -> TorchScan:
    directory = read_directory(fh)
    folder = directory.folder
    if folder is None:
        raise BadFile(PROBLEM_UNKNOWN_FORMAT, "zip archive whose first member is in no folder: "
                      "not a torch file")  # fmt: skip
    data_pkl = directory.record("data.pkl")
    pickles = [m for m in directory.members if m.name.lower().endswith(".pkl")]
    if data_pkl is None:
        if pickles:
            raise cannot_prove(f"its pickle {pickles[0].name} is not the {folder}/data.pkl "
                               "torch reads")  # fmt: skip
        raise BadFile(PROBLEM_UNKNOWN_FORMAT, "zip archive without data.pkl: not a torch file")
    stray = [m.name for m in directory.members if not m.name.startswith(f"{folder}/")]
    if stray:
        raise cannot_prove(f"member {stray[0]} lies outside the archive folder {folder}/")
    if directory.record("constants.pkl") or any("/code/" in m.name for m in directory.members):
        raise cannot_prove("a TorchScript archive: a plain torch.load hands it to "
                           "torch.jit.load, which runs its code")  # fmt: skip
    others = [m.name for m in pickles if m is not data_pkl]
    if others:
        raise cannot_prove(f"it holds another pickle ({others[0]}) besides the one torch reads")
    _check_expansion(directory)
    walk = _walk_member(fh, data_pkl)
    checked_globals(walk)
    return TorchScan(
        format=FORMAT_ZIP,
        globals=walk.globals,
        archive_prefix=f"{folder}/",
        uncompressed=all(m.method == STORED for m in directory.members),
        directory=directory,
    )


def _check_expansion(directory: ZipDirectory) -> None:
    for member in directory.members:
        if member.method != DEFLATED or member.size < _RATIO_FLOOR:
            continue
        if member.size > MAX_RATIO * max(member.compressed_size, 1):
            ratio = member.size // max(member.compressed_size, 1)
            raise cannot_prove(
                f"zip member {member.name} would expand {ratio:,}-fold to {member.size:,} "
                "bytes (a zip bomb?)"
            )


def _walk_member(fh: BinaryIO, member: ZipMember) -> PickleWalk:
    if member.size > MAX_PICKLE_BYTES:
        raise cannot_prove(f"{member.name} is {member.size:,} bytes, more than the "
                           f"{MAX_PICKLE_BYTES >> 20} MiB a state dict's pickle needs")  # fmt: skip
    reader = ByteReader(member.chunks(fh), member.size)
    walk = walk_pickle(reader, persistent_ids=True)
    if walk.failure is not None or walk.disallowed:
        return walk
    trailing = reader.drain()
    if trailing:
        why = f"{member.name} holds {trailing:,} bytes after the end of its pickle"
        return replace(walk, refusals=(*walk.refusals, why))
    if reader.crc != member.crc:
        bad = BadFile(PROBLEM_CORRUPT, f"{member.name} fails its CRC check: the file is damaged")
        return replace(walk, failure=bad)
    return walk


# --------------------------------------------------------------------------- tar


def _scan_tar(fh: BinaryIO, tar: tarfile.TarFile) -> TorchScan:
    if not tar_legacy.has_storages(tar):
        raise BadFile(PROBLEM_UNKNOWN_FORMAT, "a tar archive without torch's storages member: "
                      "not a torch file")  # fmt: skip
    found = tar_legacy.scan_tar(tar)
    # torch falls back to reading the bytes as pickles if the tar fails later on, so
    # whatever that reading would import counts too.
    fallback = _first_pickle_globals(fh)
    walk = PickleWalk(frozenset(found.globals | fallback), tuple(found.refusals))
    checked_globals(walk)
    return TorchScan(format=FORMAT_TAR, globals=walk.globals, is_torch_save=False)


def _first_pickle_globals(fh: BinaryIO) -> set[str]:
    walk = walk_pickle(pickle_reader(fh, 0), persistent_ids=False)
    return set(walk.globals) if walk.disallowed else set()


def pickle_reader(fh: BinaryIO, start: int) -> ByteReader:
    """A reader for one pickle starting at ``start``: at most MAX_PICKLE_BYTES of it."""
    size = os.fstat(fh.fileno()).st_size
    length = max(0, min(size - start, MAX_PICKLE_BYTES))
    return ByteReader(region_chunks(fh, start, length), length)


def _too_long(walk: PickleWalk, reader: ByteReader, start: int, size: int) -> bool:
    """The walk ran out of capped bytes before the file ended: a pickle over the cap."""
    cut = walk.failure is not None and walk.failure.code == PROBLEM_TRUNCATED
    return cut and start + reader.length < size


# --------------------------------------------------------------------------- legacy


def _scan_legacy(fh: BinaryIO, size: int) -> TorchScan:
    found: set[str] = set()
    spans: list[tuple[int, int]] = []
    start = 0
    for index in range(_LEGACY_PICKLES):
        reader = pickle_reader(fh, start)
        walk = walk_pickle(reader, persistent_ids=index == 3)
        if walk.end is not None:
            walk = replace(walk, end=start + walk.end)
        found |= walk.globals
        if _too_long(walk, reader, start, size) and not walk.disallowed:
            raise cannot_prove(f"a pickle longer than {MAX_PICKLE_BYTES >> 20} MiB")
        checked_globals(replace(walk, globals=frozenset(found)))
        if walk.disallowed or walk.end is None:
            break  # unsafe: reported by name
        spans.append((start, walk.end))
        if index == 0 and (found or read_plain_pickle(fh, spans[0]) != MAGIC_NUMBER):
            return TorchScan(FORMAT_PICKLE, frozenset(found), is_torch_save=False,
                             pickle_spans=tuple(spans))  # fmt: skip
        if index == 1 and read_plain_pickle(fh, spans[1]) != PROTOCOL_VERSION:
            raise BadFile(PROBLEM_CORRUPT, "legacy torch file with an unknown protocol version")
        start = walk.end
    return TorchScan(
        format=FORMAT_PICKLE,
        globals=frozenset(found),
        pickle_spans=tuple(spans),
        data_offset=start,
    )


class _NoGlobalsUnpickler(pickle.Unpickler):
    """Unpickles plain data only: any global or persistent id is refused."""

    def find_class(self, module: str, name: str) -> NoReturn:  # noqa: D102
        raise pickle.UnpicklingError(f"global {module}.{name} not allowed here")

    def persistent_load(self, pid: object) -> NoReturn:  # noqa: D102
        raise pickle.UnpicklingError("persistent id not allowed here")


def read_plain_pickle(fh: BinaryIO, span: tuple[int, int], limit: int = _SMALL_PICKLE) -> object:
    """Unpickle a walked span that holds only plain data (ints, strings, lists, dicts)."""
    if span[1] - span[0] > limit:
        raise BadFile(PROBLEM_CORRUPT, "unexpected data in torch header (oversized pickle)")
    fh.seek(span[0])
    data = fh.read(span[1] - span[0])
    try:
        return _NoGlobalsUnpickler(io.BytesIO(data)).load()
    except Exception as exc:  # any failure here means the bytes are not what torch writes
        raise BadFile(PROBLEM_CORRUPT, f"unexpected data in torch header ({exc})") from None


def open_pickle(fh: BinaryIO, scan: TorchScan) -> BinaryIO:
    """The object pickle the scan walked, as a stream (zip: data.pkl; legacy: span 3)."""
    if scan.format == FORMAT_ZIP and scan.directory is not None:
        member = scan.directory.record("data.pkl")
        assert member is not None  # the scan found it
        return open_stream(member.chunks(fh))
    start, end = scan.pickle_spans[3]
    return open_stream(region_chunks(fh, start, end - start))
