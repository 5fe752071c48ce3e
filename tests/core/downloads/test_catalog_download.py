"""A finished download is cataloged from the hashes it streamed with, never read again."""

from __future__ import annotations

from pathlib import Path

import pytest

import app.core.catalog.ingest
import app.core.downloads.downloader
import app.core.hashing.hasher
from app.core.catalog.store import Catalog
from app.core.downloads.catalog import catalog_download
from app.core.downloads.downloader import Downloader
from app.core.registry import KnownVae, Registry
from tests.core.catalog.helpers import tiny_vae
from tests.core.downloads.conftest import sha256, spec
from tests.http_server import FaultServer


@pytest.fixture
def hash_file_calls(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file hashed from disk (the real hash_file, observed where it is looked up)."""
    calls: list[Path] = []
    real = app.core.hashing.hasher.hash_file

    def observed(path: Path, *args: object, **kwargs: object) -> object:
        calls.append(Path(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app.core.hashing.hasher, "hash_file", observed)
    monkeypatch.setattr(app.core.catalog.ingest, "hash_file", observed)
    monkeypatch.setattr(app.core.downloads.downloader, "hash_file", observed)
    return calls


def test_a_download_is_cataloged_official_without_a_second_read(
    server: FaultServer,
    downloader: Downloader,
    dest: Path,
    tmp_path: Path,
    hash_file_calls: list[Path],
) -> None:
    data = tiny_vae(tmp_path / "made.safetensors").read_bytes()
    server.add_content("/official.safetensors", data)
    known = KnownVae(
        id="test-official", display_name="Test official", family="sd1",
        filename="official.safetensors", url=server.url("/official.safetensors"),
        size_bytes=len(data), sha256=sha256(data), format="safetensors", verified=True,
        description="served by the test server",
    )  # fmt: skip
    result = downloader.download(spec(server, "/official.safetensors", dest, data))
    with Catalog(tmp_path / "catalog.db") as catalog:
        report = catalog_download(result, catalog, Registry([known]))
        entry = catalog.entry_for_path(result.path)
    assert report.added == 1
    assert entry is not None and entry.sha256 == result.sha256 == sha256(data)
    assert (entry.blake3, entry.autov1) == (result.blake3, result.autov1)
    assert entry.official_id == "test-official" and entry.validation == "official"
    assert entry.hash_source == "computed"  # the app hashed these bytes, while they streamed
    assert hash_file_calls == []
