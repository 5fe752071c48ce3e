"""Time until the main window is mapped and painted, against a bare PySide6 QMainWindow.

Each run is a fresh process, spawned the way a user starts the app: ``python
main.py`` (the real path: display and system-library check, file logging,
single-instance claim, translation, theme, the window) against ``python -c``
of a bare ``QApplication`` + empty ``QMainWindow`` of the same size. The two
kinds alternate round by round so both see the same machine load. The clock
starts when the parent spawns the process and stops when the window has been
exposed (mapped, on X11), has painted once and the event loop has come back
idle: the moment a user sees the window and can click. "catalog" is when the
app's library first shows the catalog (a few hundred entries), which the
window loads after its first paint.

Modules are byte-compiled once (into a temporary ``PYTHONPYCACHEPREFIX``, so the
source tree stays clean), as in an installed app; ``--no-bytecode`` compiles
every module on every start instead. By default the script starts its own Xvfb
and uses Qt's ``xcb`` plugin (a real X server maps the window); ``--offscreen``
uses Qt's offscreen plugin instead.
The app searches no disks for installs (the probe passes ``search_roots=[]``
through ``open_main_window``, as the tests do) and must not have imported
torch by the time it is interactive. Besides the wall-clock ratio it prints
each side's GUI-thread CPU time until interactive (``time.thread_time``): on
this shared 2-core machine the wall clock swings with other people's load,
the CPU time much less.

    python benchmarks/startup.py [--runs 9] [--entries 300] [--offscreen] [--first-start]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Shared by both kinds: marks the window's first Expose, first Paint and the idle
# loop after it, as seconds since the parent spawned the process (argv[2]).
PROBE_START = r"""
import sys
import time
spawned = float(sys.argv[2])
marks = {"python": time.time() - spawned}
from PySide6.QtCore import QEvent, QObject, QTimer
"""

PROBE_COMMON = r"""


def since_spawn():
    return time.time() - spawned


class Watch(QObject):
    def eventFilter(self, obj, event):
        kind = event.type()
        if kind == QEvent.Type.Expose and "exposed" not in marks and obj.isExposed():
            marks["exposed"] = since_spawn()
        elif kind == QEvent.Type.Paint and "paint" not in marks:
            marks["paint"] = since_spawn()
            QTimer.singleShot(0, interactive)
        return False


def interactive():
    marks["interactive"] = since_spawn()
    marks["cpu"] = time.thread_time()  # this (GUI) thread's CPU since the process began
    marks["torch"] = "torch" in sys.modules
    marks["qtsvg"] = "PySide6.QtSvg" in sys.modules  # a warm start draws the kept icon PNGs
    marks["qtnetwork"] = "PySide6.QtNetwork" in sys.modules  # the socket comes after it
    maybe_done()


def watch(window):
    global WATCH
    WATCH = Watch()
    window.installEventFilter(WATCH)
    window.windowHandle().installEventFilter(WATCH)
    QTimer.singleShot(30000, QApplication.instance().quit)
"""

PROBE_BARE = (
    PROBE_START
    + "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    + PROBE_COMMON
    + r"""

def maybe_done():
    print(json.dumps(marks))
    QApplication.instance().quit()


import json
marks["imports"] = since_spawn()
app = QApplication(sys.argv[:1])
marks["qapp"] = since_spawn()
window = QMainWindow()
window.resize(1320, 820)
window.show()
marks["built"] = since_spawn()
watch(window)
app.exec()
"""
)

# The app side runs main.main([]) unchanged; it only wraps open_main_window to
# watch the window it returns (and to search no disks, as the tests do).
PROBE_APP = (
    PROBE_START
    + "from PySide6.QtWidgets import QApplication\n"
    + PROBE_COMMON
    + r"""

def maybe_done():
    if "interactive" in marks and "catalog" in marks:
        print(json.dumps(marks))
        QApplication.instance().quit()


def on_snapshot(snapshot):
    if "catalog" not in marks and len(snapshot.rows) >= int(sys.argv[3]):
        marks["catalog"] = since_spawn()
        maybe_done()


import json
import app.gui.launch as launch
from app.gui.main_window import WindowOptions

real_open = launch.open_main_window
real_create = launch.create_application


def create_and_mark():
    marks["imports"] = since_spawn()  # everything before the QApplication
    return real_create()


def open_and_watch(files=(), options=None):
    marks["qapp"] = since_spawn()
    window = real_open(files, WindowOptions(search_roots=[]))
    marks["built"] = since_spawn()
    if hasattr(window, "when_painted"):  # (older windows built everything at once)
        window.when_painted(lambda: window.state.snapshot_changed.connect(on_snapshot))
    else:
        window.state.snapshot_changed.connect(on_snapshot)
    watch(window)
    return window


launch.create_application = create_and_mark
launch.open_main_window = open_and_watch
import main

code = main.main([])
for widget in QApplication.topLevelWidgets():
    if hasattr(widget, "runner"):
        widget.close()
sys.exit(code)
"""
)


def make_home(entries: int) -> Path:
    """An app home whose catalog already lists ``entries`` small VAE-like files."""
    sys.path.insert(0, str(ROOT))
    import numpy as np
    from safetensors.numpy import save_file

    home = Path(tempfile.mkdtemp(prefix="vaem-startup-"))
    os.environ["VAE_MANAGER_HOME"] = str(home)
    from app.core.catalog.scanner import scan
    from app.core.catalog.store import Catalog
    from app.core.paths import app_paths

    folder = app_paths().ensure().library_dir / "VAE"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(entries):
        tensor = rng.standard_normal((4, 4, 3, 3)).astype(np.float32)
        save_file({"decoder.conv_in.weight": tensor}, str(folder / f"vae-{i:04}.safetensors"))
    with Catalog(app_paths().catalog_db) as catalog:
        scan(catalog, [folder])
    return home


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """A private Xvfb; ``-displayfd`` has it pick a free display and tell us which."""
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb is not installed: install it (xvfb) or pass --offscreen")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        raise SystemExit("Xvfb did not start")
    return server, f":{number}"


def run_probe(kind: str, env: dict[str, str], entries: int) -> dict:
    code = PROBE_BARE if kind == "bare" else PROBE_APP
    spawned = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code, kind, repr(spawned), str(entries)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{kind} probe failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    marks = json.loads(lines[-1])
    marks["wall"] = time.time() - spawned
    return marks


def spread(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"{ms[0]:5.0f} / {statistics.median(ms):5.0f} / {ms[-1]:5.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--offscreen", action="store_true", help="Qt's offscreen plugin, no X")
    parser.add_argument(
        "--no-bytecode", action="store_true", help="compile every module on every start"
    )
    parser.add_argument(
        "--first-start", action="store_true",
        help="empty the app's cache before each start (no kept ldd answer or icon PNGs)",
    )  # fmt: skip
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    home = make_home(args.entries)
    env = dict(os.environ, VAE_MANAGER_HOME=str(home), PYTHONPATH=str(ROOT))
    if not args.no_bytecode:  # as installed: pip and the frozen build ship compiled modules
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")  # outside the source tree
    server = None
    if args.offscreen:
        env["QT_QPA_PLATFORM"] = "offscreen"
    else:
        server, env["DISPLAY"] = start_xvfb()
        env["QT_QPA_PLATFORM"] = "xcb"
        env.pop("WAYLAND_DISPLAY", None)
    try:
        results: dict[str, list[dict]] = {"bare": [], "app": []}
        # Warm the file cache; the app's first start also leaves what every later start of
        # a user's finds: its settings, the kept ldd answer and the first frame's icon PNGs.
        for kind in ("bare", "app"):
            run_probe(kind, env, args.entries)
        for i in range(args.runs):
            for kind in ("bare", "app") if i % 2 == 0 else ("app", "bare"):
                if kind == "app" and args.first_start:
                    shutil.rmtree(home / "cache", ignore_errors=True)
                results[kind].append(run_probe(kind, env, args.entries))
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        shutil.rmtree(home, ignore_errors=True)  # the temporary home this script made
    bytecode = "compiled each start" if args.no_bytecode else "cached"
    first = "  first start (empty cache)" if args.first_start else ""
    print(f"platform={env['QT_QPA_PLATFORM']}  runs={args.runs}  catalog entries={args.entries}"
          f"  bytecode {bytecode}{first}  load average {load_before:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after")  # fmt: skip
    print("ms since spawn, min / median / max")
    columns = ("python", "imports", "qapp", "built", "exposed", "paint", "interactive", "catalog")
    for kind, runs in results.items():
        print(f"{kind}:")
        for column in columns:
            if column in runs[0]:
                print(f"  {column:12} {spread([r[column] for r in runs])}")
    ratios = sorted(
        a["interactive"] / b["interactive"]
        for a, b in zip(results["app"], results["bare"], strict=True)
    )
    print(
        f"mapped+painted+idle ratio app / bare: min {ratios[0]:.2f}x / median "
        f"{statistics.median(ratios):.2f}x / max {ratios[-1]:.2f}x over {args.runs} pairs "
        "(target at most 1.5x)"
    )
    cpu = sorted(a["cpu"] / b["cpu"] for a, b in zip(results["app"], results["bare"], strict=True))
    print(
        f"GUI-thread CPU until interactive, app {spread([r['cpu'] for r in results['app']])}"
        f" ms, bare {spread([r['cpu'] for r in results['bare']])} ms; ratio min {cpu[0]:.2f}x"
        f" / median {statistics.median(cpu):.2f}x / max {cpu[-1]:.2f}x (less load-sensitive)"
    )
    for module in ("qtsvg", "qtnetwork"):
        count = sum(r[module] for r in results["app"])
        print(f"{module} imported by the time the window was interactive: {count} of {args.runs}")
    torch = any(r["torch"] for r in results["app"])
    print(f"torch imported by the time the window was interactive: {torch}")
    return 1 if torch else 0


if __name__ == "__main__":
    raise SystemExit(main())
