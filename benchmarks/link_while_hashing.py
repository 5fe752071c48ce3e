"""How long a link waits while new files hash in the background (issue 12, design review §2.2).

The whole window, offscreen: an A1111 install holding ``--size`` (3 GiB) of new
checkpoints that the start-up pass hashes, a small VAE in the library, and a
symlink into the install applied through the link dialog while that hashing
runs. The latency is from the Apply click to the dialog's "Linked into 1".

Two sides, alternating round by round, each in a fresh process and data folder:

- ``before``: the lanes as they were, bulk work (scan and hashing) on the same
  single lane as the user's actions (what ``Lane.WRITER`` was);
- ``after``: the lanes as they are, bulk work on ``Lane.BULK``.

The checkpoints are sparse (their data reads as zeros and takes no disk), so
hashing is CPU-bound, like a warm page cache. Run:
``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/link_while_hashing.py``.
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
sys.path.insert(0, str(ROOT))

GIB = 1 << 30


def _child(mode: str, size: int, files: int) -> dict[str, object]:
    """One window, one link while hashing; returns the figures (runs in its own process)."""
    from PySide6.QtWidgets import QApplication

    from app.core.installs import add_install
    from app.core.paths import app_paths
    from app.gui.main_window import MainWindow, WindowOptions
    from app.gui.tasks import Lane, TaskState
    from tests.core.hashing.test_queue_progress import write_sparse_safetensors
    from tests.core.installs.trees import make_a1111
    from tests.gui.conftest import write_vae

    app = QApplication.instance() or QApplication([])
    work = Path(os.environ["VAE_MANAGER_HOME"]).parent
    webui = make_a1111(work / "webui")
    for i in range(files):
        write_sparse_safetensors(
            webui / "models" / "Stable-diffusion" / f"new-{i}.safetensors", size // files
        )
    add_install(webui)
    write_vae(app_paths().ensure().library_dir / "VAE" / "nice-vae.safetensors", seed=3)

    window = MainWindow(WindowOptions(search_roots=[]))
    if mode == "before":  # bulk work back on the user's single lane, as Lane.WRITER was
        submit = window.runner.submit

        def shared_lane(*args, lane=Lane.IO, **kwargs):
            return submit(*args, lane=Lane.USER if lane is Lane.BULK else lane, **kwargs)

        window.runner.submit = shared_lane  # type: ignore[method-assign]
    window.show()

    def spin(condition, what: str, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {what}")
            app.processEvents()
            time.sleep(0.002)

    def hashing():
        found = [t for t in window.runner.tasks if t.title == "Hashing new files"]
        return found[0] if found else None

    spin(lambda: hashing() is not None and hashing().state == TaskState.RUNNING
         and hashing().progress[0] > 0, "the background hashing")  # fmt: skip
    hash_task = hashing()
    row = next(r for r in window.state.snapshot.vae_rows() if r.name == "nice-vae.safetensors")
    dialog = window.open_link_dialog(row)
    spin(lambda: dialog.plan is not None, "the link plan")
    dialog.set_checked(webui, True)
    done_at_click = hash_task.progress
    started = time.perf_counter()
    dialog.apply_button.click()
    spin(lambda: "Linked into 1" in dialog.status.text(), "the link")
    latency = time.perf_counter() - started
    still_hashing = hash_task.active
    spin(lambda: not hash_task.active, "the end of the hashing", timeout=600)
    hash_seconds = time.monotonic() - (hash_task.started_at or 0.0)
    link = webui / "models" / "VAE" / "nice-vae.safetensors"
    ok = link.is_symlink() or link.exists()
    dialog.close()
    window.close()
    return {
        "mode": mode,
        "link_seconds": latency,
        "hashing_still_running_after_link": still_hashing,
        "hashed_bytes_at_click": done_at_click[0],
        "bytes_to_hash": done_at_click[1],
        "hash_pass_seconds": hash_seconds,
        "linked": ok,
    }


def _run_side(mode: str, size: int, files: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="link-while-hashing-") as tmp:
        env = dict(os.environ, VAE_MANAGER_HOME=str(Path(tmp) / "home"))
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        argv = [sys.executable, __file__, "--child", mode, "--size", str(size),
                "--files", str(files)]  # fmt: skip
        done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
        if done.returncode != 0:
            raise SystemExit(f"{mode} side failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=3 * GIB, help="bytes of new checkpoints")
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=("before", "after"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.size, args.files)))
        return
    results: dict[str, list[dict[str, object]]] = {"before": [], "after": []}
    for n in range(args.rounds):
        for mode in ("before", "after") if n % 2 == 0 else ("after", "before"):
            figures = _run_side(mode, args.size, args.files)
            results[mode].append(figures)
            print(f"round {n + 1} {mode:6}: link {figures['link_seconds']:.3f} s, hashing "
                  f"still running after it: {figures['hashing_still_running_after_link']}, "
                  f"hash pass {figures['hash_pass_seconds']:.2f} s", flush=True)  # fmt: skip
    print(f"\n{args.size / GIB:.1f} GiB of new files hashing, one symlink applied meanwhile:")
    for mode, rows in results.items():
        times = sorted(float(r["link_seconds"]) for r in rows)  # type: ignore[arg-type]
        print(f"  {mode:6}: link latency min {times[0]:.3f} / median "
              f"{statistics.median(times):.3f} / max {times[-1]:.3f} s")  # fmt: skip


if __name__ == "__main__":
    main()
