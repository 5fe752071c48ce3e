"""The records a download is described by, reports with, and ends in.

They are frozen so the queue can hand them across threads and persist specs
as JSON without defensive copies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from app.core.hashing.records import FileHashes
from app.core.tasks import ProgressCallback

PHASE_CONNECTING = "connecting"
PHASE_CHECKING_PART = "checking partial file"
PHASE_DOWNLOADING = "downloading"
PHASE_WAITING_RETRY = "waiting to retry"
PHASE_VERIFYING = "verifying"
PHASE_DONE = "done"


@dataclass(frozen=True)
class DownloadSpec:
    """What to fetch and where: one file, one target path.

    ``expected_sha256`` set means the file is only kept when it matches (registry
    entries); ``rename_on_conflict`` lets a pasted URL land beside an existing,
    different file instead of being refused.
    """

    url: str
    dest_dir: Path
    filename: str
    expected_sha256: str | None = None
    expected_size: int | None = None
    entry_id: str | None = None
    rename_on_conflict: bool = False

    @property
    def target(self) -> Path:
        """The final path the file gets once verified."""
        return self.dest_dir / self.filename

    def to_json(self) -> dict[str, object]:
        """JSON-ready form, for the persisted queue."""
        data = asdict(self)
        data["dest_dir"] = str(self.dest_dir)
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> DownloadSpec:
        """Inverse of :meth:`to_json`."""
        size = data.get("expected_size")
        return cls(
            url=str(data["url"]),
            dest_dir=Path(str(data["dest_dir"])),
            filename=str(data["filename"]),
            expected_sha256=_opt(data.get("expected_sha256")),
            expected_size=int(size) if isinstance(size, int) else None,
            entry_id=_opt(data.get("entry_id")),
            rename_on_conflict=bool(data.get("rename_on_conflict", False)),
        )


@dataclass(frozen=True)
class DownloadProgress:
    """One progress report; the GUI and the CLI render the same record."""

    filename: str
    done: int
    total: int | None
    speed: float  # bytes per second over the last few seconds
    eta_seconds: float | None
    phase: str = PHASE_DOWNLOADING
    attempt: int = 1
    message: str = ""

    @property
    def fraction(self) -> float | None:
        """Share done in [0, 1], or None when the size is unknown."""
        return min(1.0, self.done / self.total) if self.total else None


DownloadProgressCallback = Callable[[DownloadProgress], None]


def no_download_progress(progress: DownloadProgress) -> None:
    """Progress sink for callers that show nothing."""


def from_task_progress(progress: ProgressCallback) -> DownloadProgressCallback:
    """Adapt a plain ``progress(done, total)`` callback (GUI task workers) to downloads."""
    return lambda report: progress(report.done, report.total)


@dataclass(frozen=True)
class DownloadResult:
    """A file that sits under its final name, hashed while it streamed.

    ``verified`` is True only when the bytes matched a pinned SHA-256;
    ``already_present`` means nothing was fetched because the same file was there.
    """

    path: Path
    sha256: str
    blake3: str | None
    autov1: str
    size: int
    entry_id: str | None
    verified: bool
    seconds: float
    bytes_transferred: int
    resumed: bool
    url: str
    already_present: bool = False

    @property
    def hashes(self) -> FileHashes:
        """The hashes in the form the catalog stores them."""
        return FileHashes(sha256=self.sha256, blake3=self.blake3, autov1=self.autov1)

    @property
    def summary(self) -> str:
        """One line for a dialog or the CLI."""
        if self.already_present:
            return f"{self.path.name} is already present ({self.sha256[:10]})"
        check = "verified" if self.verified else "hash unverified: no pinned SHA-256 to compare"
        how = " (resumed)" if self.resumed else ""
        return f"downloaded {self.path.name}{how}: sha256 {self.sha256[:10]}, {check}"

    def to_json(self) -> dict[str, object]:
        """JSON-ready form, for ``--json`` output and the queue's history."""
        data = asdict(self)
        data["path"] = str(self.path)
        return data


def _opt(value: object) -> str | None:
    return str(value) if value else None
