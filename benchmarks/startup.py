"""Time to a usable main window, against a bare QApplication + empty QMainWindow.

Each run is a fresh Python process (imports are the cost that matters), the two
kinds interleaved so both see the same machine load. A process notes the time
when its script starts, builds its window, shows it, and stops the clock when
the window has painted once and the event loop has come back idle: the moment
a user can click. The app's window uses a catalog with a few hundred entries,
searches no disks for installs (that happens in a worker either way) and must
not have imported torch by then.

    python benchmarks/startup.py [--runs 7] [--entries 300]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import time
started = time.perf_counter()
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

KIND = sys.argv[1]
marks = {}


class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "paint" not in marks:
            marks["paint"] = time.perf_counter() - started
            QTimer.singleShot(0, idle)
        return False


def idle():
    marks["idle"] = time.perf_counter() - started
    marks["torch"] = "torch" in sys.modules
    print(json.dumps(marks))
    QApplication.instance().quit()


if KIND == "bare":
    app = QApplication([])
    window = QMainWindow()
else:
    from app.gui.launch import create_application
    from app.gui.main_window import MainWindow, WindowOptions

    app = create_application()
    window = MainWindow(WindowOptions(search_roots=[]))
window.resize(1320, 820)
watcher = FirstPaint()
window.installEventFilter(watcher)
window.show()
QTimer.singleShot(20000, app.quit)
app.exec()
if KIND != "bare":
    window.runner.shutdown()
"""


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


def run_probe(kind: str, home: Path) -> dict:
    env = dict(os.environ, VAE_MANAGER_HOME=str(home), PYTHONPATH=str(ROOT))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, kind], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    wall = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{kind} probe failed:\n{done.stdout}\n{done.stderr}")
    marks = json.loads(lines[-1])
    marks["wall"] = wall
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--entries", type=int, default=300)
    args = parser.parse_args()
    home = make_home(args.entries)
    results: dict[str, list[dict]] = {"bare": [], "app": []}
    run_probe("bare", home)  # warm the file cache for both
    run_probe("app", home)
    for _ in range(args.runs):
        for kind in ("bare", "app"):
            results[kind].append(run_probe(kind, home))
    platform = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    print(f"platform={platform}  runs={args.runs}  catalog entries={args.entries}")
    print(f"{'':6} {'first paint':>12} {'interactive':>12} {'process wall':>13}")
    medians = {}
    for kind, runs in results.items():
        paint = statistics.median(r["paint"] for r in runs)
        idle = statistics.median(r["idle"] for r in runs)
        wall = statistics.median(r["wall"] for r in runs)
        medians[kind] = (paint, idle, wall)
        print(f"{kind:6} {paint * 1000:10.0f} ms {idle * 1000:10.0f} ms {wall * 1000:11.0f} ms")
    ratio = medians["app"][1] / medians["bare"][1]
    torch = any(r["torch"] for r in results["app"])
    print(f"interactive ratio app / bare window: {ratio:.2f}x "
          f"(+{(medians['app'][1] - medians['bare'][1]) * 1000:.0f} ms)")  # fmt: skip
    print(f"torch imported by the time the window was interactive: {torch}")
    return 1 if torch else 0


if __name__ == "__main__":
    raise SystemExit(main())
