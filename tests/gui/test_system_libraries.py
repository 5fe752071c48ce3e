"""Start-up without Qt's system libraries: say which package to install, not Qt's abort."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.gui.system_libraries import (
    check_platform_libraries,
    debian_package,
    find_missing,
    not_found,
    platform_candidates,
    qt_plugin_dir,
    run_ldd,
)

ROOT = Path(__file__).resolve().parents[2]
# What ldd prints for PySide6's xcb plugin on a desktop-less Debian (trimmed).
LDD_XCB = """\
\tlinux-vdso.so.1 (0x00007ffd5a9f3000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x7f1)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f2)
\tlibxcb-icccm.so.4 => not found
\tlibxkbcommon-x11.so.0 => not found
"""
LDD_OK = "\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f2)\n"


def plugins(tmp_path: Path, *names: str) -> Path:
    """A plugin folder holding (empty) platform plugins: ldd is what we fake, not the files."""
    for name in names:
        path = tmp_path / "plugins" / "platforms" / f"libq{name}.so"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\x7fELF")
    return tmp_path / "plugins"


def test_ldd_output_names_each_missing_library_once() -> None:
    assert not_found(LDD_XCB) == [
        "libxcb-cursor.so.0",
        "libxcb-icccm.so.4",
        "libxkbcommon-x11.so.0",
    ]
    assert not_found(LDD_OK) == []


def test_missing_xcb_cursor_says_which_package_and_that_the_cli_works(tmp_path: Path) -> None:
    folder = plugins(tmp_path, "xcb")
    message = check_platform_libraries({"DISPLAY": ":0"}, "linux", folder, lambda _: LDD_XCB)
    assert message is not None
    assert "libxcb-cursor.so.0" in message and "'xcb'" in message
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4 libxkbcommon-x11-0" in message
    assert "sudo dnf install xcb-util-cursor xcb-util-wm libxkbcommon-x11" in message
    assert "python main.py --help" in message


def test_nothing_missing_or_nothing_known_lets_qt_start(tmp_path: Path) -> None:
    folder = plugins(tmp_path, "xcb")
    assert check_platform_libraries({}, "linux", folder, lambda _: LDD_OK) is None
    assert check_platform_libraries({}, "linux", folder, lambda _: None) is None  # no ldd
    assert check_platform_libraries({}, "linux", tmp_path / "none", lambda _: LDD_XCB) is None
    assert check_platform_libraries({}, "win32", folder, lambda _: LDD_XCB) is None
    assert check_platform_libraries({}, "darwin", folder, lambda _: LDD_XCB) is None


def test_the_plugin_qt_would_pick_is_the_one_checked(tmp_path: Path) -> None:
    assert platform_candidates({}) == ["xcb"]
    assert platform_candidates({"QT_QPA_PLATFORM": "offscreen"}) == ["offscreen"]
    assert platform_candidates({"QT_QPA_PLATFORM": "wayland;xcb:foo=1"}) == ["wayland", "xcb"]
    session = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}
    assert platform_candidates(session) == ["wayland", "xcb"]
    folder = plugins(tmp_path, "xcb", "wayland")
    seen: list[str] = []

    def ldd(binary: Path) -> str:
        seen.append(binary.name)
        return LDD_OK if binary.name == "libqwayland.so" else LDD_XCB

    assert find_missing(session, folder, ldd) is None  # Wayland loads: no need for X11's
    found = find_missing(session, folder, lambda _: LDD_XCB)
    assert found is not None and found.platform == "wayland"
    found = find_missing({"QT_QPA_PLATFORM": "xcb"}, folder, ldd)
    assert found is not None and found.platform == "xcb" and seen[-1] == "libqxcb.so"


def test_debian_package_names() -> None:
    assert debian_package("libxcb-cursor.so.0") == "libxcb-cursor0"
    assert debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert debian_package("libX11-xcb.so.1") == "libx11-xcb1"
    assert debian_package("libEGL.so.1") == "libegl1"
    assert debian_package("libdbus-1.so.3") == "libdbus-1-3"
    assert debian_package("libglib-2.0.so.0") == "libglib2.0-0"


@pytest.mark.skipif(not shutil.which("ldd"), reason="needs the system's ldd")
def test_the_real_loader_reads_the_installed_plugin() -> None:
    output = run_ldd(qt_plugin_dir() / "platforms" / "libqoffscreen.so")
    assert output is not None and "libQt6Gui.so" in output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux loads system libraries")
def test_main_prints_the_hint_instead_of_qts_abort(tmp_path: Path) -> None:
    """The real main.py, with ldd faked on PATH to report libxcb-cursor0 missing."""
    fake = tmp_path / "bin" / "ldd"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho '\tlibxcb-cursor.so.0 => not found'\n")
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "WAYLAND", "XDG_S"))}
    env.update(PATH=f"{fake.parent}{os.pathsep}{env.get('PATH', '')}", DISPLAY=":99")
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "sudo apt install libxcb-cursor0" in done.stderr
    assert "command line works" in done.stderr
    assert "Could not load the Qt platform plugin" not in done.stderr
