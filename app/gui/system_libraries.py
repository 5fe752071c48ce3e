"""Before the window opens: check that the system libraries Qt's display plugin needs exist.

PySide6's wheels bring Qt but not the X11/Wayland libraries its platform plugin
links against (``libxcb-cursor0`` and friends). Without them Qt aborts with its
own plugin message, which names no package. This module asks the dynamic
loader (``ldd``, the same search Qt's ``dlopen`` does) which libraries the
plugin cannot find, and turns them into an install hint. It imports no Qt
module that needs a display, so it runs before the QApplication exists.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

LDD_TIMEOUT_S = 10.0
_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)
_SONAME = re.compile(r"^(lib.+?)\.so(?:\.(\d+))?")

# Packages whose names do not follow Debian's "lib<name><soversion>" rule, and the
# xcb-util split Fedora and Arch use (one package holds several libraries).
_DEBIAN_EXCEPTIONS = {"libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0"}
_FEDORA_ARCH = {
    "libxcb-cursor.so.0": "xcb-util-cursor",
    "libxcb-icccm.so.4": "xcb-util-wm",
    "libxcb-ewmh.so.2": "xcb-util-wm",
    "libxcb-keysyms.so.1": "xcb-util-keysyms",
    "libxcb-image.so.0": "xcb-util-image",
    "libxcb-render-util.so.0": "xcb-util-renderutil",
    "libxcb-util.so.1": "xcb-util",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11",
    "libxkbcommon.so.0": "libxkbcommon",
}

Ldd = Callable[[Path], str | None]


@dataclass(frozen=True)
class MissingLibraries:
    """The plugin Qt would use and the shared libraries it cannot load."""

    platform: str
    binary: Path
    sonames: tuple[str, ...]


def run_ldd(binary: Path) -> str | None:
    """``ldd`` output for ``binary``; None when ldd is unavailable or fails."""
    import subprocess  # 4-8 ms: the window's start spawns its ldd without it (launch.EarlyLdd)

    try:
        done = subprocess.run(
            ["ldd", str(binary)], capture_output=True, text=True, timeout=LDD_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout


def not_found(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` reports as ``=> not found``, in order, without repeats."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def platform_candidates(environ: Mapping[str, str]) -> list[str]:
    """The platform plugins Qt tries, in order (``QT_QPA_PLATFORM`` or its Linux default)."""
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return [part.split(":")[0].strip() for part in chosen.split(";") if part.strip()]
    # Qt prefers Wayland in a Wayland session and falls back to X11 (XWayland).
    if environ.get("XDG_SESSION_TYPE") == "wayland" and environ.get("WAYLAND_DISPLAY"):
        return ["wayland", "xcb"]
    return ["xcb"]


def qt_plugin_dir() -> Path:
    """Where the installed Qt keeps its plugins (QtCore only: no display needed)."""
    from PySide6.QtCore import QLibraryInfo

    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))


def find_missing(
    environ: Mapping[str, str],
    plugin_dir: Path,
    ldd: Ldd = run_ldd,
) -> MissingLibraries | None:
    """What keeps every candidate platform plugin from loading, or None if one can load.

    Unknown answers (no ldd, no plugin file) count as "can load": Qt then
    speaks for itself, and a working set-up is never stopped by this check.
    """
    first: MissingLibraries | None = None
    for name in platform_candidates(environ):
        binary = plugin_dir / "platforms" / f"libq{name}.so"
        output = ldd(binary) if binary.is_file() else None
        missing = not_found(output) if output is not None else []
        if not missing:
            return None
        first = first or MissingLibraries(name, binary, tuple(missing))
    return first


def debian_package(soname: str) -> str:
    """Debian/Ubuntu's package for a library: ``libxcb-cursor.so.0`` -> ``libxcb-cursor0``."""
    if soname in _DEBIAN_EXCEPTIONS:
        return _DEBIAN_EXCEPTIONS[soname]
    match = _SONAME.match(soname)
    if match is None:
        return soname
    stem, version = match.group(1).lower(), match.group(2) or ""
    return f"{stem}-{version}" if version and stem[-1].isdigit() else stem + version


def install_hint(sonames: Sequence[str]) -> list[str]:
    """Install commands for the usual distributions (Fedora/Arch only when every name is known)."""
    debian = " ".join(dict.fromkeys(debian_package(s) for s in sonames))
    lines = [f"  Debian/Ubuntu: sudo apt install {debian}"]
    if all(s in _FEDORA_ARCH for s in sonames):
        other = " ".join(dict.fromkeys(_FEDORA_ARCH[s] for s in sonames))
        lines.append(f"  Fedora:        sudo dnf install {other}")
        lines.append(f"  Arch:          sudo pacman -S {other}")
    else:
        lines.append("  other systems: install the packages that provide these files")
    return lines


def missing_message(found: MissingLibraries) -> str:
    """What to tell the user: which libraries, which packages, and that the CLI still works."""
    return "\n".join(
        [
            f"VAE Manager cannot open its window: Qt's {found.platform!r} display plugin needs "
            "system libraries that are not installed:",
            "  " + ", ".join(found.sonames),
            "Install them, then start VAE Manager again:",
            *install_hint(found.sonames),
            "The command line works without them, for example:",
            "  python main.py --help",
            "  python main.py scan ~/stable-diffusion-webui/models/VAE",
            "  python main.py inspect FILE.safetensors",
        ]
    )


def check_platform_libraries(
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    plugin_dir: Path | None = None,
    ldd: Ldd = run_ldd,
) -> str | None:
    """The message to print instead of starting Qt, or None when nothing is missing.

    Only Linux and the BSDs load their display plugin from system libraries;
    Windows and macOS wheels carry everything.
    """
    if platform.startswith(("win", "darwin", "cygwin")):
        return None
    env = os.environ if environ is None else environ
    found = find_missing(env, plugin_dir or qt_plugin_dir(), ldd)
    return missing_message(found) if found else None
