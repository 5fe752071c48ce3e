"""Locate and scan every pickle inside a torch file, zip or legacy, without unpickling it.

``torch.save`` writes either a zip (``<name>/data.pkl`` plus one member per storage) or,
before torch 1.6, a run of pickles (magic number, protocol, sys_info, the object, the
storage keys) followed by raw storage bytes. Both are walked opcode by opcode.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from dataclasses import dataclass
from pathlib import Path

from app.core.inspection.failure import BadFile
from app.core.inspection.pickle_globals import NUMPY_GLOBALS, is_allowed
from app.core.inspection.pickle_scan import scan_pickle
from app.core.inspection.records import (
    PROBLEM_CORRUPT,
    PROBLEM_TRUNCATED,
    PROBLEM_UNKNOWN_FORMAT,
)

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
FORMAT_ZIP = "torch-zip"
FORMAT_PICKLE = "torch-pickle"
_LEGACY_PICKLES = 5  # magic, protocol, sys_info, object, storage keys


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

    @property
    def unsafe(self) -> list[str]:
        """Imported globals outside the allow-list, sorted."""
        return sorted(g for g in self.globals if not is_allowed(g))

    @property
    def uses_numpy(self) -> bool:
        """Whether loading needs the numpy globals allow-listed."""
        return bool(self.globals & NUMPY_GLOBALS)


def scan_torch_file(path: str | Path) -> TorchScan:
    """Scan a torch zip or legacy pickle file; raise :class:`BadFile` if it is broken."""
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head == b"PK\x03\x04":
        return _scan_zip(path)
    return _scan_legacy(path)


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        if "not a zip file" in str(exc):
            raise BadFile(
                PROBLEM_TRUNCATED,
                "zip container has no directory at its end: the file was cut short "
                "(interrupted download or copy?)",
            ) from None
        raise BadFile(PROBLEM_CORRUPT, f"broken zip container ({exc})") from None


def _scan_zip(path: Path) -> TorchScan:
    with _open_zip(path) as zf:
        names = zf.namelist()
        roots = [n[: -len("data.pkl")] for n in names if n.endswith("/data.pkl")]
        if any("/code/" in n or n.endswith("/constants.pkl") for n in names):
            raise BadFile(PROBLEM_UNKNOWN_FORMAT, "TorchScript archive, not a plain state dict")
        if not roots:
            raise BadFile(PROBLEM_UNKNOWN_FORMAT, "zip archive without data.pkl: not a torch file")
        found: set[str] = set()
        for name in names:
            if name.endswith(".pkl"):
                found |= scan_pickle(io.BytesIO(_read_member(zf, name)))
        stored = all(info.compress_type == zipfile.ZIP_STORED for info in zf.infolist())
    return TorchScan(
        format=FORMAT_ZIP,
        globals=frozenset(found),
        archive_prefix=roots[0],
        uncompressed=stored,
    )


def _read_member(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        return zf.read(name)  # verifies the member's CRC
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise BadFile(PROBLEM_CORRUPT, f"zip member {name} is damaged ({exc})") from None


def _scan_legacy(path: Path) -> TorchScan:
    found: set[str] = set()
    spans: list[tuple[int, int]] = []
    with open(path, "rb") as fh:
        while len(spans) < _LEGACY_PICKLES:
            start = fh.tell()
            found |= scan_pickle(fh)
            spans.append((start, fh.tell()))
            if len(spans) == 1 and not _is_magic(found, path, spans[0]):
                return TorchScan(
                    format=FORMAT_PICKLE,
                    globals=frozenset(found),
                    is_torch_save=False,
                    pickle_spans=tuple(spans),
                )
        return TorchScan(
            format=FORMAT_PICKLE,
            globals=frozenset(found),
            pickle_spans=tuple(spans),
            data_offset=fh.tell(),
        )


def _is_magic(found: set[str], path: Path, span: tuple[int, int]) -> bool:
    if found:
        return False
    return read_plain_pickle(path, span) == MAGIC_NUMBER


class _NoGlobalsUnpickler(pickle.Unpickler):
    """Unpickles plain data only: any global or persistent id is refused."""

    def find_class(self, module: str, name: str):  # noqa: D102
        raise pickle.UnpicklingError(f"global {module}.{name} not allowed here")

    def persistent_load(self, pid: object):  # noqa: D102
        raise pickle.UnpicklingError("persistent id not allowed here")


def read_plain_pickle(path: Path, span: tuple[int, int]) -> object:
    """Unpickle a span that holds only plain data (ints, strings, lists, dicts)."""
    with open(path, "rb") as fh:
        fh.seek(span[0])
        data = fh.read(span[1] - span[0])
    try:
        return _NoGlobalsUnpickler(io.BytesIO(data)).load()
    except Exception as exc:  # any failure here means the bytes are not what torch writes
        raise BadFile(PROBLEM_CORRUPT, f"unexpected data in torch header ({exc})") from None
