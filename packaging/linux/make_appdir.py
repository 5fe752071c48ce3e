"""Arrange a one-folder build as an AppDir, ready for ``appimagetool``.

    python packaging/linux/make_appdir.py dist/vae-manager build/VAE_Manager.AppDir
    appimagetool build/VAE_Manager.AppDir VAE_Manager-x86_64.AppImage

Layout (what appimagetool and desktop integrators such as AppImageLauncher read)::

    AppRun                          runs usr/lib/vae-manager/vae-manager "$@"
    vae-manager.desktop, vae-manager.png, .DirIcon
    usr/bin/vae-manager             -> ../lib/vae-manager/vae-manager
    usr/lib/vae-manager/            the PyInstaller bundle
    usr/share/applications/         the .desktop file
    usr/share/icons/hicolor/        PNGs per size and the SVG
    usr/share/mime/packages/        the optional MIME types (see vae-manager-mime.xml)
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

LINUX_DIR = Path(__file__).resolve().parent
ICON_DIR = LINUX_DIR.parent / "icons"
NAME = "vae-manager"
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
APPRUN = """#!/bin/sh
# AppImage entry point: run the bundled app with the arguments it was given.
HERE="$(dirname "$(readlink -f "$0")")"
exec "$HERE/usr/lib/vae-manager/vae-manager" "$@"
"""


def make_appdir(bundle: Path, appdir: Path) -> Path:
    """Build ``appdir`` from the one-folder ``bundle`` (replacing an old one); returns it."""
    if not (bundle / NAME).is_file():
        raise FileNotFoundError(f"{bundle} is not a one-folder build: {NAME} is missing")
    if appdir.exists():
        shutil.rmtree(appdir)
    usr = appdir / "usr"
    shutil.copytree(bundle, usr / "lib" / NAME, symlinks=True)
    (usr / "bin").mkdir(parents=True)
    (usr / "bin" / NAME).symlink_to(Path("..") / "lib" / NAME / NAME)
    _install(LINUX_DIR / f"{NAME}.desktop", usr / "share" / "applications")
    _install(LINUX_DIR / f"{NAME}-mime.xml", usr / "share" / "mime" / "packages")
    hicolor = usr / "share" / "icons" / "hicolor"
    for size in HICOLOR_SIZES:
        target = hicolor / f"{size}x{size}" / "apps" / f"{NAME}.png"
        _install(ICON_DIR / f"{NAME}-{size}.png", target.parent, target.name)
    _install(ICON_DIR / f"{NAME}.svg", hicolor / "scalable" / "apps")
    shutil.copyfile(LINUX_DIR / f"{NAME}.desktop", appdir / f"{NAME}.desktop")
    shutil.copyfile(ICON_DIR / f"{NAME}-256.png", appdir / f"{NAME}.png")
    (appdir / ".DirIcon").symlink_to(f"{NAME}.png")
    apprun = appdir / "AppRun"
    apprun.write_text(APPRUN, encoding="utf-8")
    apprun.chmod(0o755)
    return appdir


def _install(source: Path, folder: Path, name: str | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / (name or source.name))


def main(argv: list[str]) -> int:
    """Command line: BUNDLE APPDIR."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the one-folder build (dist/vae-manager)")
    parser.add_argument("appdir", type=Path, help="the AppDir to create")
    args = parser.parse_args(argv)
    print(make_appdir(args.bundle, args.appdir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
