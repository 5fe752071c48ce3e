"""A live fault-injecting server and fast-failing settings for download tests."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.downloads.downloader import Downloader
from app.core.downloads.records import DownloadSpec
from app.core.downloads.settings import DownloadSettings
from app.core.downloads.transfer import Tuning
from tests.http_server import FaultServer

MIB = 1 << 20
FAST = Tuning(
    connect_timeout=2.0,
    stall_timeout=1.0,
    max_attempts=4,
    backoff_base=0.01,
    backoff_cap=0.05,
    progress_interval=0.0,
    free_space_margin=0,
)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as live:
        yield live


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    folder = tmp_path / "VAE"
    folder.mkdir()
    return folder


@pytest.fixture
def downloader() -> Downloader:
    return Downloader(DownloadSettings(), FAST)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def spec(
    server: FaultServer, path: str, dest: Path, data: bytes | None, **extra: object
) -> DownloadSpec:
    """A registry-like spec for ``path`` (pinned to ``data``'s hash when given)."""
    return DownloadSpec(
        url=server.url(path),
        dest_dir=dest,
        filename=path.rsplit("/", 1)[-1],
        expected_sha256=sha256(data) if data is not None else None,
        **extra,  # type: ignore[arg-type]
    )


def leftovers(folder: Path) -> list[str]:
    """Every name in ``folder`` (to prove nothing partial or stray stayed behind)."""
    return sorted(p.name for p in folder.iterdir())
