"""Each injected network fault against the real downloader and a real socket."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.core.downloads.downloader import Downloader
from app.core.downloads.finalize import ChecksumMismatch
from app.core.downloads.partfile import PartFile, Validator
from app.core.downloads.records import PHASE_WAITING_RETRY, DownloadProgress, DownloadSpec
from app.core.downloads.settings import DownloadSettings
from app.core.errors import UserError
from tests.core.downloads.conftest import FAST, MIB, leftovers, sha256, spec
from tests.http_server import Fault


def test_clean_download_is_hashed_while_streaming(server, dest, downloader) -> None:
    data = server.add_file("/vae.safetensors", 3 * MIB + 5)
    reports: list[DownloadProgress] = []
    result = downloader.download(spec(server, "/vae.safetensors", dest, data), reports.append)
    assert result.path == dest / "vae.safetensors"
    assert result.path.read_bytes() == data
    assert (result.sha256, result.size, result.verified) == (sha256(data), len(data), True)
    assert result.autov1 == sha256(data[0x100000:0x110000])[:8]
    assert result.bytes_transferred == len(data) and not result.resumed
    assert leftovers(dest) == ["vae.safetensors"]
    downloading = [r for r in reports if r.phase == "downloading"]
    assert downloading and downloading[-1].total == len(data)
    assert all(a.done <= b.done for a, b in zip(downloading, downloading[1:], strict=False))


def test_dropped_connection_resumes_with_only_the_missing_bytes(server, dest, downloader) -> None:
    data = server.add_file("/drop.bin", 3 * MIB)
    server.set_fault("/drop.bin", Fault(drop_after=MIB))
    result = downloader.download(spec(server, "/drop.bin", dest, data))
    first, second = server.requests_for("/drop.bin")
    assert (first.range, first.status, first.bytes_sent) == (None, 200, MIB)
    assert (second.range, second.status, second.bytes_sent) == (f"bytes={MIB}-", 206, 2 * MIB)
    assert second.headers["if-range"] == server.routes["/drop.bin"].etag
    assert result.path.read_bytes() == data and result.resumed
    assert leftovers(dest) == ["drop.bin"]


def test_stalled_transfer_is_detected_and_resumed(server, dest, downloader) -> None:
    data = server.add_file("/stall.bin", 2 * MIB)
    server.set_fault("/stall.bin", Fault(stall_after=MIB // 2, stall_seconds=20))
    result = downloader.download(spec(server, "/stall.bin", dest, data))
    requests = server.requests_for("/stall.bin")
    assert [r.range for r in requests] == [None, f"bytes={MIB // 2}-"]
    assert requests[1].bytes_sent == len(data) - MIB // 2
    assert result.sha256 == sha256(data)


def test_server_error_once_is_retried(server, dest, downloader) -> None:
    data = server.add_file("/flaky.bin", MIB)
    server.set_fault("/flaky.bin", Fault(status=500))
    result = downloader.download(spec(server, "/flaky.bin", dest, data))
    assert [r.status for r in server.requests_for("/flaky.bin")] == [500, 200]
    assert result.path.read_bytes() == data


def test_429_waits_as_long_as_retry_after_says(server, dest, downloader) -> None:
    data = server.add_file("/busy.bin", MIB)
    server.set_fault("/busy.bin", Fault(status=429, retry_after="1"))
    reports: list[DownloadProgress] = []
    downloader.download(spec(server, "/busy.bin", dest, data), reports.append)
    first, second = server.requests_for("/busy.bin")
    assert (first.status, second.status) == (429, 200)
    # The backoff alone would wait 0.01 s; the server asked for 1 s.
    assert second.started - first.started >= 0.95
    waits = [r for r in reports if r.phase == PHASE_WAITING_RETRY]
    assert waits and "429" in waits[0].message and "retrying in 1 s" in waits[0].message


def test_ignored_range_restarts_cleanly(server, dest, downloader) -> None:
    data = server.add_file("/norange.bin", 2 * MIB)
    server.set_fault("/norange.bin", Fault(drop_after=MIB, ignore_range=True))
    result = downloader.download(spec(server, "/norange.bin", dest, data))
    first, second = server.requests_for("/norange.bin")
    assert second.range == f"bytes={MIB}-" and second.status == 200
    assert second.bytes_sent == len(data)
    assert result.path.read_bytes() == data and not result.resumed


def test_short_body_is_completed_by_a_range_request(server, dest, downloader) -> None:
    data = server.add_file("/short.bin", MIB)
    server.set_fault("/short.bin", Fault(short_by=1000))
    result = downloader.download(spec(server, "/short.bin", dest, data))
    first, second = server.requests_for("/short.bin")
    assert first.bytes_sent == len(data) - 1000
    assert (second.range, second.bytes_sent) == (f"bytes={len(data) - 1000}-", 1000)
    assert result.path.read_bytes() == data


def test_wrong_bytes_are_quarantined_never_installed(server, dest, downloader) -> None:
    data = server.add_file("/vae.pt", MIB)
    server.set_fault("/vae.pt", Fault(wrong_bytes=True))
    with pytest.raises(ChecksumMismatch) as caught:
        downloader.download(spec(server, "/vae.pt", dest, data))
    aside = caught.value.quarantined
    assert aside == dest / f"vae.pt.quarantined-{caught.value.actual_sha256[:10]}"
    assert caught.value.actual_sha256 == sha256(aside.read_bytes()) != sha256(data)
    assert "kept aside" in str(caught.value)
    assert leftovers(dest) == [aside.name]


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (403, "needs an access token: set it in settings"),
        (401, "needs an access token"),
        (404, "not found"),
        (400, "refused the download"),
    ],
)
def test_client_errors_are_clear_and_not_retried(server, dest, downloader, status, words) -> None:
    server.add_file("/gated.bin", MIB)
    server.set_fault("/gated.bin", Fault(status=status, times=None))
    with pytest.raises(UserError, match=words):
        downloader.download(spec(server, "/gated.bin", dest, None))
    assert len(server.requests_for("/gated.bin")) == 1
    assert leftovers(dest) == []


def test_persistent_server_errors_give_up(server, dest) -> None:
    server.add_file("/dead.bin", MIB)
    server.set_fault("/dead.bin", Fault(status=503, times=None))
    failing = Downloader(DownloadSettings(), replace(FAST, max_attempts=2))
    with pytest.raises(UserError, match="failed after 2 tries"):
        failing.download(spec(server, "/dead.bin", dest, None))
    assert len(server.requests_for("/dead.bin")) == 2
    assert leftovers(dest) == []


def test_part_from_an_earlier_session_is_rehashed_and_resumed(server, dest) -> None:
    data = server.add_file("/later.bin", 3 * MIB)
    server.set_fault("/later.bin", Fault(drop_after=2 * MIB))
    once = Downloader(DownloadSettings(), replace(FAST, max_attempts=1))
    with pytest.raises(UserError, match="partial file is kept"):
        once.download(spec(server, "/later.bin", dest, data))
    assert leftovers(dest) == ["later.bin.part", "later.bin.part.json"]
    result = Downloader(DownloadSettings(), FAST).download(spec(server, "/later.bin", dest, data))
    last = server.requests_for("/later.bin")[-1]
    assert (last.range, last.bytes_sent) == (f"bytes={2 * MIB}-", MIB)
    assert result.sha256 == sha256(data) and result.bytes_transferred == MIB and result.resumed
    assert leftovers(dest) == ["later.bin"]


def test_file_changed_upstream_is_refetched_not_spliced(server, dest) -> None:
    server.add_file("/moving.bin", 2 * MIB)
    server.set_fault("/moving.bin", Fault(drop_after=MIB))
    once = Downloader(DownloadSettings(), replace(FAST, max_attempts=1))
    with pytest.raises(UserError):
        once.download(spec(server, "/moving.bin", dest, None))
    old_etag = server.routes["/moving.bin"].etag
    new = server.replace_file("/moving.bin", 2 * MIB, seed="v2")
    result = Downloader(DownloadSettings(), FAST).download(spec(server, "/moving.bin", dest, new))
    last = server.requests_for("/moving.bin")[-1]
    assert last.headers["if-range"] == old_etag and last.status == 200
    assert result.path.read_bytes() == new


def test_complete_part_is_finished_from_a_416(server, dest, downloader) -> None:
    # The app died after the last byte arrived but before the rename.
    data = server.add_file("/done.bin", MIB)
    route = server.routes["/done.bin"]
    part = PartFile(dest / "done.bin")
    part.restart(Validator(etag=route.etag, last_modified=route.last_modified, total=len(data)))
    part.write(data)
    part.close()
    result = downloader.download(spec(server, "/done.bin", dest, data))
    (only,) = server.requests_for("/done.bin")
    assert (only.range, only.status, only.bytes_sent) == (f"bytes={MIB}-", 416, 0)
    assert result.sha256 == sha256(data) and result.bytes_transferred == 0
    assert leftovers(dest) == ["done.bin"]


def test_part_without_its_sidecar_is_not_trusted(server, dest, downloader) -> None:
    data = server.add_file("/orphan.bin", MIB)
    (dest / "orphan.bin.part").write_bytes(b"x" * 1000)
    result = downloader.download(spec(server, "/orphan.bin", dest, data))
    assert [r.range for r in server.requests_for("/orphan.bin")] == [None]
    assert result.path.read_bytes() == data


def test_disk_space_is_checked_before_any_request(server, dest, downloader) -> None:
    server.add_file("/huge.bin", MIB)
    with pytest.raises(UserError, match="not enough free space"):
        downloader.download(spec(server, "/huge.bin", dest, None, expected_size=10**15))
    assert server.requests_for("/huge.bin") == []
    assert leftovers(dest) == []


def test_disk_space_is_checked_against_the_servers_length(server, dest, downloader) -> None:
    server.add_file("/endless.bin", 10**15)
    with pytest.raises(UserError, match="not enough free space"):
        downloader.download(spec(server, "/endless.bin", dest, None))
    assert leftovers(dest) == []


def test_plain_http_is_refused_for_other_hosts(dest, downloader) -> None:
    with pytest.raises(UserError, match="must use https"):
        downloader.download(DownloadSpec("http://example.com/vae.pt", dest, "vae.pt"))


def test_unpinned_file_is_kept_and_reported_unverified(server, dest, downloader) -> None:
    data = server.add_file("/free.bin", MIB)
    result = downloader.download(spec(server, "/free.bin", dest, None))
    assert result.path.read_bytes() == data
    assert not result.verified and "unverified" in result.summary


def test_partial_bytes_never_sit_under_the_final_name(server, dest) -> None:
    data = server.add_file("/watch.bin", 2 * MIB)
    server.set_fault("/watch.bin", Fault(drop_after=MIB))
    seen: list[bool] = []

    def look(_: DownloadProgress) -> None:
        seen.append((dest / "watch.bin").exists())

    Downloader(DownloadSettings(), FAST).download(spec(server, "/watch.bin", dest, data), look)
    assert seen[:-1] and not any(seen[:-1]) and seen[-1]
