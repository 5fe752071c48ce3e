"""Specs from registry entries and pasted URLs; what happens next to existing files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.downloads.command import download_command_result, format_progress
from app.core.downloads.downloader import Downloader
from app.core.downloads.partfile import PartFile, Validator
from app.core.downloads.records import (
    DownloadProgress,
    DownloadResult,
    DownloadSpec,
    from_task_progress,
)
from app.core.downloads.settings import DownloadSettings
from app.core.downloads.specs import spec_for_entry, spec_for_url
from app.core.errors import UserError
from app.core.registry import load_registry
from tests.core.downloads.conftest import FAST, MIB, leftovers, sha256, spec
from tests.http_server import FaultServer

NO_MIRROR = DownloadSettings()


def test_spec_for_a_shipped_entry(app_home: Path) -> None:
    entry = load_registry().get("sdxl-vae")
    made = spec_for_entry(entry, settings=NO_MIRROR)
    assert made == DownloadSpec(
        url=entry.url,
        dest_dir=app_home / "data" / "library" / "VAE",
        filename="sdxl_vae.safetensors",
        expected_sha256=entry.sha256,
        expected_size=entry.size_bytes,
        entry_id="sdxl-vae",
    )
    mirrored = spec_for_entry(entry, Path("/x"), DownloadSettings("https://hf-mirror.com"))
    assert mirrored.url == entry.url.replace("https://huggingface.co", "https://hf-mirror.com")


def test_generic_diffusers_names_get_a_folder_per_entry(tmp_path: Path) -> None:
    made = spec_for_entry(load_registry().get("sd-vae-ft-mse-diffusers"), tmp_path, NO_MIRROR)
    assert (
        made.target == tmp_path / "sd-vae-ft-mse-diffusers" / "diffusion_pytorch_model.safetensors"
    )


def test_unverified_entry_has_no_pinned_hash(tmp_path: Path) -> None:
    entry = load_registry().get("sd-vae-ft-ema-original-safetensors")
    assert spec_for_entry(entry, tmp_path, NO_MIRROR).expected_sha256 is None


def _user_registry(tmp_path: Path, server: FaultServer, data: bytes, **fields: object):  # noqa: ANN202
    user_file = tmp_path / "known_vaes.json"
    entry = {
        "id": "my-vae",
        "display_name": "My VAE",
        "family": "sd1",
        "filename": "my_vae.safetensors",
        "url": server.url("/files/my_vae.safetensors"),
        "size_bytes": len(data),
        "sha256": sha256(data),
    } | fields
    user_file.write_text(json.dumps([entry]))
    return load_registry(user_file)


def test_command_downloads_a_user_added_entry(server, tmp_path, dest) -> None:
    data = server.add_file("/files/my_vae.safetensors", MIB)
    registry = _user_registry(tmp_path, server, data)
    seen: list[DownloadResult] = []
    result = download_command_result(
        "my-vae", dest, registry=registry, settings=NO_MIRROR, on_complete=seen.append
    )
    assert (result.entry_id, result.verified, result.path) == (
        "my-vae",
        True,
        dest / "my_vae.safetensors",
    )
    assert seen == [result]
    assert json.loads(json.dumps(result.to_json()))["sha256"] == sha256(data)


def test_command_refuses_unknown_ids(tmp_path) -> None:
    with pytest.raises(UserError, match="neither a registry id nor a URL"):
        download_command_result("no-such-vae", tmp_path, settings=NO_MIRROR)


def test_pasted_url_takes_a_sanitised_server_name(server, dest) -> None:
    data = server.add_file(
        "/api/download/123",
        5000,
        content_disposition="attachment; filename*=UTF-8''..%2F..%2Fnice%20vae.safetensors",
    )
    result = download_command_result(
        server.url("/api/download/123"), dest, registry=load_registry(), settings=NO_MIRROR
    )
    assert result.path == dest / "nice vae.safetensors"
    assert result.path.read_bytes() == data and not result.verified
    assert (
        spec_for_url(server.url("/files/a%20b.pt"), dest, NO_MIRROR, probe=False).filename
        == "a b.pt"
    )


def test_pasted_url_must_be_https() -> None:
    with pytest.raises(UserError, match="must use https"):
        spec_for_url("http://example.com/vae.pt", Path("/x"), NO_MIRROR)


def test_same_file_already_there_is_not_fetched_again(server, dest, downloader) -> None:
    data = server.add_file("/here.bin", MIB)
    (dest / "here.bin").write_bytes(data)
    stale = PartFile(dest / "here.bin")  # the app's own leftover (a planted one would stay)
    stale.restart(Validator(etag=None, last_modified=None, total=len(data)))
    stale.write(data[:10])
    stale.close()
    result = downloader.download(spec(server, "/here.bin", dest, data))
    assert result.already_present and result.verified and "already present" in result.summary
    assert server.requests_for("/here.bin") == []
    assert leftovers(dest) == ["here.bin"]


def test_different_file_under_the_name_is_never_overwritten(server, dest, downloader) -> None:
    data = server.add_file("/taken.bin", MIB)
    (dest / "taken.bin").write_bytes(b"mine")
    with pytest.raises(UserError, match="already exists with different content"):
        downloader.download(spec(server, "/taken.bin", dest, data))
    assert server.requests_for("/taken.bin") == []
    with pytest.raises(UserError, match="already exists with different content"):
        downloader.download(spec(server, "/taken.bin", dest, None, expected_size=len(data)))
    assert server.requests_for("/taken.bin") == []
    assert leftovers(dest) == ["taken.bin"] and (dest / "taken.bin").read_bytes() == b"mine"


def test_unpinned_entry_of_the_same_size_is_compared_after_download(
    server, dest, downloader
) -> None:
    data = server.add_file("/same-size.bin", 1000)
    (dest / "same-size.bin").write_bytes(b"x" * 1000)
    with pytest.raises(UserError, match="already exists with different content"):
        downloader.download(spec(server, "/same-size.bin", dest, None, expected_size=1000))
    assert (dest / "same-size.bin").read_bytes() == b"x" * 1000
    assert (dest / "same-size.bin.part").read_bytes() == data  # kept for after a rename


def test_pasted_url_lands_beside_a_different_file(server, dest, downloader) -> None:
    data = server.add_file("/vae.pt", 1000)
    (dest / "vae.pt").write_bytes(b"other")
    url_spec = spec_for_url(server.url("/vae.pt"), dest, NO_MIRROR)
    assert url_spec.rename_on_conflict
    result = downloader.download(url_spec)
    assert result.path == dest / "vae (1).pt" and result.path.read_bytes() == data
    again = downloader.download(url_spec)
    assert again.already_present and again.path == dest / "vae (1).pt"
    assert leftovers(dest) == ["vae (1).pt", "vae.pt"]


def test_completion_hook_receives_the_result(server, dest) -> None:
    data = server.add_file("/hook.bin", 1000)
    seen: list[DownloadResult] = []
    result = Downloader(NO_MIRROR, FAST, on_complete=seen.append).download(
        spec(server, "/hook.bin", dest, data)
    )
    assert seen == [result] and result.hashes.sha256 == sha256(data)
    assert result.hashes.autov2 == sha256(data)[:10]


def test_plain_progress_callbacks_can_follow_a_download(server, dest, downloader) -> None:
    data = server.add_file("/plain.bin", 2 * MIB)
    calls: list[tuple[int, int | None]] = []
    downloader.download(
        spec(server, "/plain.bin", dest, data),
        from_task_progress(lambda done, total: calls.append((done, total))),
    )
    assert calls[-1] == (len(data), len(data))


def test_progress_line() -> None:
    line = format_progress(
        DownloadProgress("vae.safetensors", 150_000_000, 300_000_000, 10_000_000.0, 15.0)
    )
    assert line == "vae.safetensors   50.0%  150.0/300.0 MB  10.0 MB/s  ETA 0:15"
    waiting = format_progress(
        DownloadProgress(
            "v.pt", 0, None, 0.0, None, "waiting to retry", 2, "the server answered 503"
        )
    )
    assert waiting == "v.pt  0.0 MB  (waiting to retry: the server answered 503)"
