"""A hostile server against the real downloader: each trick refused at once, nothing kept.

Every case counts the requests the server got: a refusal that was retried
would show as several (FAST allows 4 tries), and a redirect that was followed
would show as a request to its target. Nothing may appear under the final name,
and only the app's own temp files may be removed.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.downloads.downloader import Downloader
from app.core.downloads.failures import BodyTooLong
from app.core.downloads.finalize import ChecksumMismatch
from app.core.downloads.records import DownloadSpec
from app.core.downloads.settings import DownloadSettings
from app.core.downloads.specs import spec_for_url
from app.core.downloads.urls import RefusedAddress
from app.core.errors import UserError
from tests.core.downloads.conftest import FAST, MIB, leftovers, sha256, spec
from tests.core.downloads.hostile_servers import (
    setup_endless_body,
    setup_longer_than_content_length,
    setup_redirect_to_file,
    setup_redirect_to_unspecified,
)
from tests.http_server import Fault

ROOT = Path(__file__).resolve().parents[3]


def _no_retry_download(server, dest, path, **extra) -> None:
    Downloader(DownloadSettings(), FAST).download(spec(server, path, dest, None, **extra))


def test_redirect_to_file_url_is_refused_at_once(server, dest) -> None:
    url = setup_redirect_to_file(server, dest)
    path = url.removeprefix(server.origin)
    with pytest.raises(RefusedAddress) as caught:
        _no_retry_download(server, dest, path)
    assert str(caught.value) == (
        "the server redirected to file:///etc/passwd, which is not an http(s) address: refused"
    )
    assert len(server.requests_for(path)) == 1  # not retried as a "connection problem"
    assert leftovers(dest) == []


def test_redirect_to_the_unspecified_address_is_never_connected_to(server, dest) -> None:
    url = setup_redirect_to_unspecified(server, dest)
    path = url.removeprefix(server.origin)
    with pytest.raises(RefusedAddress, match=r"redirected to http://0\.0\.0\.0:\d+/target.bin"):
        _no_retry_download(server, dest, path)
    # 0.0.0.0 reaches this very server: a followed redirect would show here.
    assert server.requests_for("/target.bin") == []
    assert len(server.requests_for(path)) == 1
    assert leftovers(dest) == []


@pytest.mark.parametrize(
    ("location", "words"),
    [
        ("https://[::]/x.bin", "the unspecified address ::"),
        ("https://0/x.bin", "the unspecified address 0.0.0.0"),
        ("https://[::ffff:0.0.0.0]/x.bin", "the unspecified address 0.0.0.0"),
        ("https://255.255.255.255/x.bin", "the broadcast address"),
        ("https://4294967295/x.bin", "the broadcast address"),
        ("https://224.0.0.251/x.bin", "the multicast address"),
        ("https://[ff02::1]/x.bin", "the multicast address"),
        ("ftp://127.0.0.1/x.bin", "not an http(s) address"),
        ("http://192.0.2.7/x.bin", "plain http to another computer"),
    ],
)
def test_every_bad_redirect_target_is_refused_without_retry(server, dest, location, words) -> None:
    server.add_redirect("/bounce", location)
    with pytest.raises(RefusedAddress, match=re.escape(words)):
        _no_retry_download(server, dest, "/bounce")
    assert len(server.requests_for("/bounce")) == 1
    assert leftovers(dest) == []


def test_a_chain_of_redirects_to_loopback_still_works(server, dest, downloader) -> None:
    data = server.add_file("/final.bin", MIB)
    server.add_redirect("/hop2", server.url("/final.bin", host="localhost"))
    server.add_redirect("/hop1", "/hop2")  # relative, as CDNs send them
    result = downloader.download(
        DownloadSpec(server.url("/hop1"), dest, "final.bin", expected_sha256=sha256(data))
    )
    assert result.path.read_bytes() == data
    assert [len(server.requests_for(p)) for p in ("/hop1", "/hop2", "/final.bin")] == [1, 1, 1]


def test_unspecified_address_typed_by_the_user_is_refused_before_any_request(dest) -> None:
    with pytest.raises(RefusedAddress, match="the unspecified address 0.0.0.0"):
        Downloader(DownloadSettings(), FAST).download(
            DownloadSpec("https://0.0.0.0:9/x.bin", dest, "x.bin")
        )
    assert leftovers(dest) == []


def test_probe_for_a_name_does_not_follow_a_bad_redirect(server, dest) -> None:
    server.add_file("/target.bin", 10)
    server.add_redirect("/probe.bin", f"http://0.0.0.0:{server.server_address[1]}/target.bin")
    made = spec_for_url(server.url("/probe.bin"), dest)
    assert made.filename == "probe.bin"
    assert server.requests_for("/target.bin", method="HEAD") == []


def test_endless_body_of_unknown_size_stops_at_the_cap(server, dest) -> None:
    url = setup_endless_body(server, dest)
    path = url.removeprefix(server.origin)
    capped = Downloader(DownloadSettings(), replace(FAST, max_unknown_size=2 * MIB))
    with pytest.raises(BodyTooLong, match=r"more than 2\.0 MiB without announcing a size"):
        capped.download(spec(server, path, dest, None))
    assert len(server.requests_for(path)) == 1
    assert leftovers(dest) == []  # the app's own .part was removed, nothing got the name


def test_endless_body_stops_at_the_registry_size(server, dest) -> None:
    url = setup_endless_body(server, dest)
    path = url.removeprefix(server.origin)
    with pytest.raises(BodyTooLong, match="more than the 1,048,576 bytes the registry lists"):
        _no_retry_download(server, dest, path, expected_size=MIB)
    assert len(server.requests_for(path)) == 1
    assert leftovers(dest) == []


def test_body_longer_than_its_content_length_is_refused(server, dest) -> None:
    url = setup_longer_than_content_length(server, dest)
    path = url.removeprefix(server.origin)
    with pytest.raises(BodyTooLong, match="more than the 1,048,576 bytes it announced"):
        _no_retry_download(server, dest, path)
    assert len(server.requests_for(path)) == 1
    assert leftovers(dest) == []


def test_extra_bytes_after_a_plain_body_never_reach_the_file(server, dest, downloader) -> None:
    data = server.add_file("/tail.bin", MIB)
    server.set_fault("/tail.bin", Fault(overlong_by=MIB, times=None))
    result = downloader.download(spec(server, "/tail.bin", dest, data))
    assert result.path.read_bytes() == data  # read to Content-Length, the rest dropped
    assert leftovers(dest) == ["tail.bin"]


def test_planted_part_and_sidecar_are_neither_adopted_nor_removed(server, dest, downloader):
    data = server.add_file("/vae.bin", 2 * MIB)
    route = server.routes["/vae.bin"]
    planted = dest / "vae.bin.part"
    planted.write_bytes(b"\0" * MIB)  # a prefix of other bytes, as if half downloaded
    sidecar = dest / "vae.bin.part.json"
    sidecar.write_text(json.dumps({"etag": route.etag, "last_modified": None, "total": 2 * MIB}))
    before = planted.read_bytes(), sidecar.read_bytes()
    result = downloader.download(spec(server, "/vae.bin", dest, data))
    assert [r.range for r in server.requests_for("/vae.bin")] == [None]  # nothing resumed
    assert result.path.read_bytes() == data and not result.resumed
    assert (planted.read_bytes(), sidecar.read_bytes()) == before
    assert leftovers(dest) == ["vae.bin", "vae.bin.part", "vae.bin.part.json"]


def test_own_part_beside_a_planted_one_is_resumed(server, dest) -> None:
    data = server.add_file("/two.bin", 3 * MIB)
    planted = dest / "two.bin.part"
    planted.write_bytes(b"browser's")
    server.set_fault("/two.bin", Fault(drop_after=MIB))
    once = Downloader(DownloadSettings(), replace(FAST, max_attempts=1))
    with pytest.raises(UserError, match="partial file is kept"):
        once.download(spec(server, "/two.bin", dest, data))
    (own,) = [n for n in leftovers(dest) if n.endswith(".part") and n != planted.name]
    result = Downloader(DownloadSettings(), FAST).download(spec(server, "/two.bin", dest, data))
    assert server.requests_for("/two.bin")[-1].range == f"bytes={MIB}-"
    assert result.resumed and result.path.read_bytes() == data
    assert planted.read_bytes() == b"browser's"
    assert own not in leftovers(dest) and leftovers(dest) == ["two.bin", "two.bin.part"]


def test_quarantine_never_replaces_a_file_of_that_name(server, dest, downloader) -> None:
    data = server.add_file("/vae.pt", MIB)
    server.set_fault("/vae.pt", Fault(wrong_bytes=True, times=None))
    with pytest.raises(ChecksumMismatch) as first:
        downloader.download(spec(server, "/vae.pt", dest, data))
    taken = first.value.quarantined
    taken.write_bytes(b"the user's notes")  # someone put another file under that name
    with pytest.raises(ChecksumMismatch) as second:
        downloader.download(spec(server, "/vae.pt", dest, data))
    assert taken.read_bytes() == b"the user's notes"
    assert second.value.quarantined == taken.with_name(taken.name + "-2")


def test_cli_refuses_a_file_redirect_in_one_line_without_retrying(server, tmp_path) -> None:
    url = setup_redirect_to_file(server, tmp_path)
    env = {"VAE_MANAGER_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "main.py", "download", url, "--to", str(tmp_path / "VAE"), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,  # hang guard: the old code spent 31 s retrying
    )
    assert done.returncode != 0
    err = done.stderr.strip()
    assert "\n" not in err and "Traceback" not in err
    assert "redirected to file:///etc/passwd, which is not an http(s) address: refused" in err
    # One HEAD (the name probe) and one GET: neither retried.
    path = url.removeprefix(server.origin)
    assert [r.method for r in server.requests_for(path)] == ["GET"]
    assert [r.method for r in server.requests_for(path, method="HEAD")] == ["HEAD"]
    assert not (tmp_path / "VAE").exists() or leftovers(tmp_path / "VAE") == []


def test_registry_sized_endless_body_through_the_cli(server, tmp_path) -> None:
    url = setup_endless_body(server, tmp_path)
    home = tmp_path / "home"
    registry = home / "data" / "known_vaes.json"
    registry.parent.mkdir(parents=True)
    entry = {
        "id": "endless-vae",
        "display_name": "Endless",
        "family": "sdxl",
        "filename": "endless.safetensors",
        "url": url,
        "sha256": hashlib.sha256(b"x").hexdigest(),
        "size_bytes": MIB,
    }
    registry.write_text(json.dumps([entry]))
    done = subprocess.run(
        [sys.executable, "main.py", "download", "endless-vae", "--to", str(tmp_path / "VAE")],
        cwd=ROOT,
        env={"VAE_MANAGER_HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0, done.stdout
    assert "more than the 1,048,576 bytes the registry lists for this file" in done.stderr
    assert len(server.requests_for(url.removeprefix(server.origin))) == 1
    assert leftovers(tmp_path / "VAE") == []
