"""The PyInstaller spec and its build settings: what each flavour bundles and leaves out."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from tests.packaging.load import PACKAGING, ROOT, load

config = load("build_config.py")


class Recorder:
    """Stands in for PyInstaller's build steps (Analysis, EXE, ...) and keeps their arguments."""

    calls: list[tuple[str, tuple, dict]] = []

    def __init__(self, *args, **kwargs) -> None:
        Recorder.calls.append((type(self).__name__, args, kwargs))
        self.pure, self.scripts, self.binaries, self.datas = [], [], [], []


def _run_spec(flavour: str, monkeypatch) -> dict[str, dict]:
    pytest.importorskip("PyInstaller", reason="the spec imports PyInstaller's hook helpers")
    monkeypatch.setenv(config.FLAVOUR_ENV, flavour)
    Recorder.calls = []
    steps = {name: type(name, (Recorder,), {}) for name in ("Analysis", "PYZ", "EXE", "COLLECT")}
    code = compile((PACKAGING / "vae_manager.spec").read_text(), "vae_manager.spec", "exec")
    exec(code, {"SPECPATH": str(PACKAGING), "__name__": "__main__", **steps})
    return {name: (args, kwargs) for name, args, kwargs in Recorder.calls}


@pytest.mark.parametrize("flavour", ["lite", "full"])
def test_spec_builds_one_folder_with_resources(flavour: str, monkeypatch) -> None:
    calls = _run_spec(flavour, monkeypatch)
    args, analysis = calls["Analysis"]
    assert args[0] == [str(ROOT / "main.py")]
    assert analysis["datas"] == config.datas(ROOT)
    assert analysis["excludes"] == config.excludes(flavour)
    hidden = set(analysis["hiddenimports"])
    assert {"PySide6.QtSvg", "PySide6.QtNetwork"} <= hidden
    assert {"app.gui.single_instance", "app.core.torch_support", "app.gui.self_test"} <= hidden
    exe = calls["EXE"][1]
    assert exe["exclude_binaries"] is True  # one-folder, not one-file
    assert exe["upx"] is False and exe["name"] == "vae-manager"
    assert calls["COLLECT"][1]["name"] == config.bundle_dir_name(flavour)


def test_flavours_differ_only_by_the_torch_stack() -> None:
    lite, full = set(config.excludes("lite")), set(config.excludes("full"))
    assert {"torch", "safetensors.torch", "triton", "diffusers"} <= lite - full
    assert "torch" not in full and "diffusers" not in full  # the full build previews all
    assert {"pytest", "tkinter"} <= lite & full
    for needed in ("numpy", "safetensors", "PySide6", "blake3", "requests", "yaml"):
        assert needed not in lite


def test_flavour_comes_from_the_environment() -> None:
    assert config.flavour_from_env({}) == "full"
    assert config.flavour_from_env({config.FLAVOUR_ENV: " Lite "}) == "lite"
    with pytest.raises(ValueError, match="must be one of"):
        config.flavour_from_env({config.FLAVOUR_ENV: "tiny"})


def test_every_runtime_resource_is_bundled_where_the_code_looks() -> None:
    bundled = {Path(src).relative_to(ROOT): dest for src, dest in config.datas(ROOT)}
    wanted = [
        ROOT / "resources" / "known_vaes.json",
        *(ROOT / "resources" / "icons").glob("*.svg"),
        *(ROOT / "resources" / "i18n").glob("*.qm"),
    ]
    assert len(wanted) > 10
    for path in wanted:
        relative = path.relative_to(ROOT)
        assert bundled[relative] == str(relative.parent)
    assert not [p for p in bundled if p.suffix in (".ts", ".py")]


def test_mac_bundle_offers_model_files_without_claiming_them() -> None:
    version = config.app_version()
    info = plistlib.loads(plistlib.dumps(config.mac_info_plist(version)))
    assert info["CFBundleShortVersionString"] == version
    (document,) = info["CFBundleDocumentTypes"]
    assert document["LSHandlerRank"] == "Alternate"
    assert sorted(document["CFBundleTypeExtensions"]) == ["ckpt", "safetensors"]


def test_platform_icons_exist() -> None:
    for platform in ("win32", "darwin"):
        assert Path(config.icon_file(platform)).is_file()
    assert config.icon_file("linux") is None


def test_version_read_without_importing_the_app() -> None:
    from app import __version__

    assert config.app_version() == __version__
