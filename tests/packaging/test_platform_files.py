"""The Linux desktop entry and MIME types, the Windows installer script, the AppDir layout."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.packaging.load import PACKAGING, load

LINUX = PACKAGING / "linux"
DESKTOP = LINUX / "vae-manager.desktop"
MIME_XML = LINUX / "vae-manager-mime.xml"
ISS = PACKAGING / "windows" / "vae-manager.iss"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
config = load("build_config.py")


def _desktop_entry(path: Path = DESKTOP) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def _mime_types() -> dict[str, list[str]]:
    root = ET.parse(MIME_XML).getroot()
    return {
        node.get("type"): [glob.get("pattern") for glob in node.iter(f"{MIME_NS}glob")]
        for node in root.iter(f"{MIME_NS}mime-type")
    }


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils absent")
def test_desktop_file_validates() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout == "", result.stdout


def test_desktop_entry_opens_files_and_names_the_mime_types() -> None:
    entry = _desktop_entry()
    assert entry["Exec"] == "vae-manager %F"  # several files at once, as paths
    assert entry["Icon"] == "vae-manager"
    listed = [m for m in entry["MimeType"].split(";") if m]
    assert sorted(listed) == sorted(_mime_types())


def test_mime_types_cover_both_extensions() -> None:
    assert sorted(_mime_types().values()) == [["*.ckpt"], ["*.safetensors"]]


@pytest.mark.skipif(not shutil.which("update-mime-database"), reason="shared-mime-info absent")
def test_mime_xml_installs_with_the_real_tool(tmp_path: Path) -> None:
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(MIME_XML, packages)
    subprocess.run(
        ["update-mime-database", str(tmp_path / "mime")], check=True, capture_output=True
    )
    globs = (tmp_path / "mime" / "globs2").read_text(encoding="utf-8")
    assert "application/x-safetensors:*.safetensors" in globs
    assert "application/x-pytorch-checkpoint:*.ckpt" in globs


def _iss_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in ISS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            current = line[1:-1]
            continue
        sections.setdefault(current, []).append(line)
    return sections


def test_installer_offers_associations_unchecked() -> None:
    sections = _iss_sections()
    (task,) = [line for line in sections["Tasks"] if line.startswith('Name: "associate"')]
    assert "Flags: unchecked" in task
    registry = sections["Registry"]
    assert registry and all(line.endswith("Tasks: associate") for line in registry)
    for extension in (".safetensors", ".ckpt"):
        writes = [line for line in registry if f"\\Classes\\{extension}" in line]
        assert writes and all("OpenWithProgids" in line for line in writes)  # never the default


def test_installer_matches_the_build() -> None:
    text = ISS.read_text(encoding="utf-8")
    assert f'#define AppVersion "{config.app_version()}"' in text
    assert f'#define ExeName "{config.EXE_NAME}.exe"' in text
    for flavour in config.FLAVOURS:
        assert f'#define BundleDir "{config.bundle_dir_name(flavour)}"' in text
    assert "PrivilegesRequired=lowest" in text


def _fake_bundle(folder: Path) -> Path:
    folder.mkdir(parents=True)
    exe = folder / "vae-manager"
    exe.write_text('#!/bin/sh\necho "bundle got: $*"\n', encoding="utf-8")
    exe.chmod(0o755)
    (folder / "_internal").mkdir()
    (folder / "_internal" / "lib.so").write_bytes(b"\0")
    return folder


@pytest.mark.skipif(os.name != "posix", reason="AppDirs are a Linux format")
def test_appdir_layout_runs_the_bundle(tmp_path: Path) -> None:
    make_appdir = load("linux/make_appdir.py").make_appdir
    appdir = make_appdir(_fake_bundle(tmp_path / "dist"), tmp_path / "VAE_Manager.AppDir")
    result = subprocess.run(
        [str(appdir / "AppRun"), "a file.safetensors"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "bundle got: a file.safetensors"
    assert (appdir / "usr" / "bin" / "vae-manager").resolve() == (
        appdir / "usr" / "lib" / "vae-manager" / "vae-manager"
    ).resolve()
    assert (appdir / "usr" / "lib" / "vae-manager" / "_internal" / "lib.so").is_file()
    assert (appdir / "vae-manager.desktop").read_bytes() == DESKTOP.read_bytes()
    assert (appdir / ".DirIcon").resolve() == (appdir / "vae-manager.png").resolve()
    hicolor = appdir / "usr" / "share" / "icons" / "hicolor"
    assert (hicolor / "256x256" / "apps" / "vae-manager.png").is_file()
    assert (hicolor / "scalable" / "apps" / "vae-manager.svg").is_file()
    assert (appdir / "usr" / "share" / "mime" / "packages" / MIME_XML.name).is_file()


def test_appdir_refuses_a_folder_that_is_not_a_build(tmp_path: Path) -> None:
    make_appdir = load("linux/make_appdir.py").make_appdir
    with pytest.raises(FileNotFoundError, match="not a one-folder build"):
        make_appdir(tmp_path, tmp_path / "out.AppDir")
