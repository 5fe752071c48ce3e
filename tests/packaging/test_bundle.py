"""Build the lite (no PyTorch) one-folder app for real and run the executable.

Takes a minute or more and needs PyInstaller, so it runs only with
``PACKAGING_TESTS=1`` (see packaging/README.md); otherwise it is skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.load import load

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("PACKAGING_TESTS") != "1",
        reason="builds the app with PyInstaller (minutes); set PACKAGING_TESTS=1 to run",
    ),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds the Linux bundle"),
]
MAX_LITE_BYTES = 400 * 2**20  # PyTorch alone would blow this: a guard against it sneaking in


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    pytest.importorskip("PyInstaller", reason="pip install pyinstaller")
    build = load("build.py")
    out = tmp_path_factory.mktemp("pyinstaller")
    folder = build.build("lite", out / "dist", out / "work")
    size = build.folder_size(folder)
    print(f"\nlite bundle: {folder} {size / 2**20:.0f} MiB")
    return folder


def _run(bundle: Path, *args: str, home: Path, timeout: float = 300):
    env = dict(os.environ, VAE_MANAGER_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(bundle / "vae-manager"), *args],
        env=env,
        cwd=bundle.parent,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_bundle_has_qt_resources_and_no_torch(bundle: Path) -> None:
    internal = bundle / "_internal"
    qt = internal / "PySide6" / "Qt"
    for plugin in ("platforms/libqxcb.so", "platforms/libqoffscreen.so",
                   "platforms/libqwayland.so", "imageformats/libqsvg.so",
                   "iconengines/libqsvgicon.so"):  # fmt: skip
        assert (qt / "plugins" / plugin).is_file(), plugin
    assert (qt / "translations" / "qtbase_zh_CN.qm").is_file()
    assert (internal / "resources" / "known_vaes.json").is_file()
    assert (internal / "resources" / "i18n" / "vae_manager_zh_CN.qm").is_file()
    assert (internal / "resources" / "icons" / "app.svg").is_file()
    assert not list(internal.glob("torch*")) and not list(internal.glob("libtorch*"))
    assert load("build.py").folder_size(bundle) < MAX_LITE_BYTES


def test_version(bundle: Path, tmp_path: Path) -> None:
    result = _run(bundle, "--version", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"VAE Manager {load('build_config.py').app_version()}"


def test_self_test_offscreen(bundle: Path, tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    result = _run(bundle, "--self-test", "--screenshot", str(shots), home=tmp_path / "home")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert "self-test passed" in result.stdout
    assert len(list(shots.glob("*.png"))) >= 4


def test_appdir_runs_the_bundle(bundle: Path, tmp_path: Path) -> None:
    appdir = load("linux/make_appdir.py").make_appdir(bundle, tmp_path / "VAE_Manager.AppDir")
    result = subprocess.run(
        [str(appdir / "AppRun"), "--version"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and result.stdout.startswith("VAE Manager "), result.stderr
