"""Everything but the preview works where PyTorch is absent, as in the lite build."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.gui.sample_files import make_a1111_folder, write_sample_vae
from tests.packaging.no_torch import run_python, site_without_torch


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return site_without_torch(tmp_path_factory.mktemp("site") / "site-packages")


@pytest.fixture
def vae(tmp_path: Path) -> Path:
    return write_sample_vae(tmp_path / "downloads" / "anime.safetensors", ch=16, seed=4)


def _main(site: Path, home: Path, *args: str):
    return run_python(site, ["main.py", *args], env={"VAE_MANAGER_HOME": str(home)})


def test_catalog_and_linking_commands(site: Path, app_home: Path, vae: Path, tmp_path: Path):
    webui = make_a1111_folder(tmp_path / "webui")
    for args in (
        ["--version"],
        ["inspect", str(vae)],
        ["scan", str(vae.parent)],
        ["verify", str(vae)],
        ["link", str(vae), "--to", str(webui)],
        ["list"],
    ):
        result = _main(site, app_home, *args)
        assert result.returncode == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr
    linked = webui / "models" / "VAE" / vae.name
    assert linked.is_symlink() and linked.resolve() == vae.resolve()


def test_preview_command_fails_with_a_message(site: Path, app_home: Path, vae: Path) -> None:
    result = _main(
        site, app_home, "preview", "--vae", str(vae), "--out", str(vae.with_suffix(".png"))
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr, result.stderr
    assert "PyTorch is not installed" in result.stderr


def test_import_into_the_library(site: Path, app_home: Path, vae: Path) -> None:
    result = _main(site, app_home, "import", str(vae))
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_window_self_test(site: Path, app_home: Path) -> None:
    result = run_python(
        site,
        ["main.py", "--self-test"],
        env={"VAE_MANAGER_HOME": str(app_home), "QT_QPA_PLATFORM": "offscreen"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
