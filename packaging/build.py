"""Build the one-folder app with PyInstaller: ``python packaging/build.py [--flavour lite]``.

Runs ``packaging/vae_manager.spec`` with the chosen flavour, prints where the
bundle is and how big it is, and on Linux can arrange it as an AppDir for
``appimagetool`` (``--appdir``). Needs ``pip install pyinstaller`` in the venv.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

PACKAGING_DIR = Path(__file__).resolve().parent
ROOT = PACKAGING_DIR.parent
SPEC = PACKAGING_DIR / "vae_manager.spec"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


config = _load("vae_manager_build_config", PACKAGING_DIR / "build_config.py")


def build(flavour: str, dist: Path, work: Path) -> Path:
    """Run PyInstaller for ``flavour``; returns the one-folder bundle (or the .app on macOS)."""
    env = dict(os.environ, **{config.FLAVOUR_ENV: flavour})
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
        "--distpath", str(dist), "--workpath", str(work), str(SPEC),
    ]  # fmt: skip
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    if sys.platform == "darwin":
        return dist / f"{config.APP_NAME}.app"
    return dist / config.bundle_dir_name(flavour)


def folder_size(folder: Path) -> int:
    """Bytes of every regular file under ``folder`` (links not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str]) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flavour", choices=config.FLAVOURS, default="full")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--appdir", action="store_true", help="Linux: also make an AppDir")
    args = parser.parse_args(argv)
    bundle = build(args.flavour, args.dist.resolve(), args.work.resolve())
    print(f"{bundle}  {folder_size(bundle) / 2**20:.0f} MiB")
    if args.appdir:
        appdir_tool = _load("vae_manager_make_appdir", PACKAGING_DIR / "linux" / "make_appdir.py")
        suffix = "" if args.flavour == "full" else "-lite"
        print(appdir_tool.make_appdir(bundle, args.dist / f"VAE_Manager{suffix}.AppDir"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
