"""Mirror rewriting, URL rules, and the settings file (token kept out of sight)."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest

from app.core.downloads.downloader import Downloader
from app.core.downloads.records import DownloadSpec
from app.core.downloads.settings import (
    DownloadSettings,
    load_download_settings,
    save_download_settings,
    stored_download_settings,
)
from app.core.downloads.urls import apply_mirror, check_url_allowed, token_allowed
from app.core.errors import UserError
from tests.core.downloads.conftest import FAST, MIB
from tests.http_server import Fault, FaultServer

TOKEN = "hf_secretTOKENvalue1234"
HF_URL = "https://huggingface.co/stabilityai/sdxl-vae/resolve/main/sdxl_vae.safetensors"


@pytest.mark.parametrize(
    ("url", "endpoint", "expected"),
    [
        (
            HF_URL,
            "https://hf-mirror.com",
            "https://hf-mirror.com/stabilityai/sdxl-vae/resolve/main/sdxl_vae.safetensors",
        ),
        (
            HF_URL,
            "https://mirror.example/hf/",
            "https://mirror.example/hf/stabilityai/sdxl-vae/resolve/main/sdxl_vae.safetensors",
        ),
        (
            HF_URL + "?download=true",
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/stabilityai/sdxl-vae/resolve/main/sdxl_vae.safetensors"
            "?download=true",
        ),
        (HF_URL, None, HF_URL),
        (
            "https://github.com/madebyollin/taesd/raw/main/taesd_decoder.pth",
            "https://hf-mirror.com",
            "https://github.com/madebyollin/taesd/raw/main/taesd_decoder.pth",
        ),
    ],
)
def test_mirror_rewrites_only_hugging_face(url: str, endpoint: str | None, expected: str) -> None:
    assert apply_mirror(url, endpoint) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/x.pt",
        "http://127.0.0.1:9/x.pt",
        "http://localhost/x",
        "http://[::1]:8000/x.pt",
    ],
)
def test_allowed_urls(url: str) -> None:
    assert check_url_allowed(f"  {url} ") == url


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://example.com/x.pt", "must use https"),
        ("ftp://example.com/x", "https://"),
        ("file:///etc/passwd", "https://"),
        ("not a url", "https://"),
        ("http://192.168.1.5/x.pt", "must use https"),
    ],
)
def test_refused_urls(url: str, words: str) -> None:
    with pytest.raises(UserError, match=words):
        check_url_allowed(url)


def test_token_goes_to_hugging_face_and_the_mirror_only() -> None:
    mirror = "https://hf-mirror.com"
    assert token_allowed(HF_URL, None)
    assert token_allowed("https://hf-mirror.com/a/b", mirror)
    assert not token_allowed("https://hf-mirror.com:8443/a/b", mirror)
    assert not token_allowed("http://huggingface.co/a", None)
    assert not token_allowed("https://cdn-lfs.huggingface.co/a", mirror)
    assert not token_allowed("https://evil.example/a", mirror)


def test_settings_file_keeps_other_keys_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"theme": "dark", "downloads": {"max_parallel": 5}}))
    save_download_settings(DownloadSettings("https://hf-mirror.com", TOKEN, 3), path)
    data = json.loads(path.read_text())
    assert data["theme"] == "dark"
    assert data["downloads"] == {
        "endpoint": "https://hf-mirror.com",
        "token": TOKEN,
        "max_parallel": 3,
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temp file left
    assert stored_download_settings(path) == DownloadSettings("https://hf-mirror.com", TOKEN, 3)


def test_environment_fills_in_what_the_file_leaves_unset(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    env = {"HF_ENDPOINT": "https://env-mirror.example", "HF_TOKEN": TOKEN}
    assert load_download_settings(path, env) == DownloadSettings(
        "https://env-mirror.example", TOKEN
    )
    save_download_settings(DownloadSettings(endpoint="https://file-mirror.example"), path)
    loaded = load_download_settings(path, env)
    assert (loaded.endpoint, loaded.token) == ("https://file-mirror.example", TOKEN)
    assert stored_download_settings(path).token is None  # env values are never written


def test_default_settings_file_is_the_apps(app_home: Path) -> None:
    save_download_settings(DownloadSettings(max_parallel=4))
    assert (
        json.loads((app_home / "config" / "settings.json").read_text())["downloads"]["max_parallel"]
        == 4
    )
    assert load_download_settings(environ={}).max_parallel == 4


def test_bad_settings_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="https"):
        DownloadSettings(endpoint="http://mirror.example")
    with pytest.raises(UserError, match="spaces"):
        DownloadSettings(token="hf_abc\nX-Evil: 1")
    broken = tmp_path / "settings.json"
    broken.write_text("{not json")
    with pytest.raises(UserError, match="cannot read the settings file"):
        load_download_settings(broken, {})


def test_token_is_masked_everywhere() -> None:
    settings = DownloadSettings("https://hf-mirror.com", TOKEN)
    for text in (repr(settings), str(settings), settings.masked_token):
        assert TOKEN not in text
    assert settings.masked_token == "****1234"


@pytest.fixture
def mirror() -> FaultServer:
    with FaultServer() as live:
        yield live


@pytest.fixture
def foreign() -> FaultServer:
    with FaultServer() as live:
        yield live


def test_token_reaches_the_mirror_but_not_a_host_it_redirects_to(
    mirror: FaultServer, foreign: FaultServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    path = "/stabilityai/sdxl-vae/resolve/main/sdxl_vae.safetensors"
    foreign.add_file("/cdn/blob", MIB)
    mirror.add_redirect(path, foreign.url("/cdn/blob"))
    settings = DownloadSettings(endpoint=mirror.origin, token=TOKEN)
    url = apply_mirror(HF_URL, settings.endpoint)
    assert url == mirror.url(path)
    Downloader(settings, FAST).download(DownloadSpec(url, tmp_path, "sdxl_vae.safetensors"))
    (to_mirror,) = mirror.requests_for(path)
    (to_cdn,) = foreign.requests_for("/cdn/blob")
    assert to_mirror.authorization == f"Bearer {TOKEN}"
    assert to_cdn.authorization is None
    assert TOKEN not in caplog.text


def test_token_is_not_sent_to_a_foreign_host(
    mirror: FaultServer, foreign: FaultServer, tmp_path: Path
) -> None:
    foreign.add_file("/file.pt", 1000)
    settings = DownloadSettings(endpoint=mirror.origin, token=TOKEN)
    Downloader(settings, FAST).download(DownloadSpec(foreign.url("/file.pt"), tmp_path, "f.pt"))
    (request,) = foreign.requests_for("/file.pt")
    assert request.authorization is None


def test_refused_token_says_so_without_showing_it(mirror: FaultServer, tmp_path: Path) -> None:
    mirror.add_file("/gated.pt", 1000)
    mirror.set_fault("/gated.pt", Fault(status=401, times=None))
    settings = DownloadSettings(endpoint=mirror.origin, token=TOKEN)
    with pytest.raises(UserError, match="token was refused") as caught:
        Downloader(settings, FAST).download(DownloadSpec(mirror.url("/gated.pt"), tmp_path, "g.pt"))
    assert TOKEN not in str(caught.value)
