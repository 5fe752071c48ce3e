"""The "is this a folder the app may write into" rule, and every writer that asks it.

Roots, drive roots and system folders are refused for the library (settings,
move, import), for downloads and for links, with a message naming the reason,
and nothing is written or saved. Windows paths are checked with Windows rules
on any OS, since the rule itself is pure path logic.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.core.catalog.store import Catalog
from app.core.downloads.downloader import Downloader
from app.core.downloads.records import DownloadSpec
from app.core.downloads.settings import DownloadSettings
from app.core.downloads.specs import default_dest_dir
from app.core.errors import UserError
from app.core.library import ImportOptions, import_paths, library_root
from app.core.library.layout import ensure_library
from app.core.library.move import move_library
from app.core.library.settings import set_library_root
from app.core.paths import app_paths
from app.core.registry import load_registry
from app.core.write_roots import Rules, check_write_folder, write_refusal
from tests.http_server import FaultServer
from tests.model_files import ldm_vae_state_dict, write_safetensors

WINDOWS = Rules(
    windows=True,
    system=(r"C:\Windows",),
    containers=(r"C:\Users", r"C:\Program Files", r"C:\ProgramData"),
    home=r"C:\Users\ann",
)


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("C:\\", "the root of drive C:"),
        ("D:\\", "the root of drive D:"),
        ("e:/", "the root of drive e:"),
        (r"\\nas\models", r"the root of the network share \\nas\models"),
        (r"C:\Windows", "a system folder"),
        (r"c:\windows\System32\drivers", r"inside the system folder C:\Windows"),
        (r"C:\Users", "holds other folders"),
        (r"C:\Program Files", "holds other folders"),
        (r"C:\Users\Ann", "your home folder"),
    ],
)
def test_windows_roots_and_system_folders_are_refused(path: str, words: str) -> None:
    reason = write_refusal(path, WINDOWS)
    assert reason is not None and words in reason


@pytest.mark.parametrize(
    "path",
    [r"D:\VAE", r"D:\models\VAE", r"C:\Users\ann\stable-diffusion-webui\models\VAE",
     r"\\nas\models\VAE", r"C:\Program Files\SD\models\VAE"],
)  # fmt: skip
def test_ordinary_windows_folders_are_allowed(path: str) -> None:
    assert write_refusal(path, WINDOWS) is None


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/", "the root of the file system"),
        ("/usr", "a system folder"),
        ("/usr/local/share/models", "inside the system folder /usr"),
        ("/etc", "a system folder"),
        ("/System/Library", "inside the system folder /System"),
        ("/mnt/c", "the root of drive C: (WSL)"),
        ("/home", "holds other folders"),
        ("/VAE", "it would be created in /, it is the root of the file system"),
        ("/usr/../usr/lib/x", "inside the system folder /usr"),
    ],
)
def test_posix_roots_and_system_folders_are_refused(path: str, words: str) -> None:
    if os.name == "nt":
        pytest.skip("POSIX paths")
    if path == "/VAE" and os.path.lexists(path):
        pytest.skip("this machine has a /VAE")
    reason = write_refusal(path)
    assert reason is not None and words in reason


def test_home_itself_is_refused_but_a_folder_in_it_is_not(tmp_path, monkeypatch) -> None:
    home = tmp_path / "ann"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert write_refusal(home) == "it is your home folder"
    assert write_refusal(home / "sd-library") is None
    assert write_refusal(home / "new" / "deeper" / "VAE") is None


def test_a_link_to_the_root_is_refused_by_its_real_path(tmp_path) -> None:
    (tmp_path / "lib").symlink_to("/")
    assert write_refusal(tmp_path / "lib") == "it is the root of the file system"


def test_ordinary_and_temporary_folders_are_allowed(tmp_path) -> None:
    assert write_refusal(tmp_path) is None
    assert write_refusal(tmp_path / "not" / "yet" / "there") is None
    if os.path.isdir("/dev/shm"):
        assert write_refusal("/dev/shm/vae-test") is None  # a plain tmpfs, not a device


def test_the_message_names_what_the_folder_was_for() -> None:
    with pytest.raises(UserError) as caught:
        check_write_folder(Path("/"), "the library")
    assert str(caught.value) == (
        "refusing to use / as the library: it is the root of the file system; "
        "choose or create a folder of its own"
    )


def test_library_setting_of_the_root_is_refused_and_not_saved() -> None:
    settings = app_paths().settings_file
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"downloads": {"max_parallel": 2}}))
    before = settings.read_bytes()
    with pytest.raises(UserError, match="refusing to use / as the library"):
        set_library_root(Path("/"))
    assert settings.read_bytes() == before


def test_library_move_to_a_system_folder_is_refused_before_any_write(tmp_path) -> None:
    target = "/usr/local/vae-library"
    existed = os.path.lexists(target)
    with (
        Catalog(app_paths().ensure().catalog_db) as catalog,
        pytest.raises(UserError, match="inside the system folder /usr"),
    ):
        move_library(Path(target), catalog=catalog)
    assert os.path.lexists(target) == existed
    assert library_root() == app_paths().library_dir


def test_hand_edited_library_root_refuses_every_import(tmp_path) -> None:
    settings = app_paths().settings_file
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"library_dir": "/"}))  # edited by hand: no check ran
    vae = write_safetensors(tmp_path / "in" / "v.safetensors", ldm_vae_state_dict(ch_mult=(1, 2)))
    with pytest.raises(UserError, match="refusing to use / as the library"):
        ensure_library(Path("/"))
    existed = os.path.lexists("/VAE")
    with Catalog(app_paths().ensure().catalog_db) as catalog:
        registry = load_registry(app_paths().user_registry)
        (outcome,) = import_paths([vae], ImportOptions(), catalog=catalog, registry=registry)
    assert outcome.action == "refused" and "refusing to use / as the library" in outcome.reason
    assert os.path.lexists("/VAE") == existed
    with pytest.raises(UserError, match="refusing to use / as the library"):
        default_dest_dir()  # downloads into the library are refused the same way


def test_scan_with_a_hand_edited_library_root_refuses_before_creating_folders(capsys) -> None:
    """``scan`` with no paths creates the library's folders: never inside ``/``."""
    from app.cli import main

    settings = app_paths().settings_file
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"library_dir": "/"}))
    existed = os.path.lexists("/VAE"), os.path.lexists("/checkpoints")
    assert main(["scan", "--json"]) == 2
    assert "refusing to use / as the library" in capsys.readouterr().err
    assert (os.path.lexists("/VAE"), os.path.lexists("/checkpoints")) == existed


@pytest.mark.parametrize("folder", ["/", "/etc/vae", "/usr/share/vae"])
def test_download_into_a_system_folder_is_refused_before_any_request(folder, tmp_path) -> None:
    with FaultServer() as server:
        server.add_file("/vae.bin", 1000)
        spec = DownloadSpec(server.url("/vae.bin"), Path(folder), "vae.bin")
        with pytest.raises(UserError, match=f"refusing to use {folder} as a download folder"):
            Downloader(DownloadSettings()).download(spec)
        assert server.requests_for("/vae.bin") == []
    assert not os.path.lexists(os.path.join(folder, "vae.bin"))
