"""Time install discovery on a synthetic 100,000-file home folder.

Usage: python benchmarks/discovery.py [--files 100000] [--repeat 3] [--keep]

Builds a fake home (documents, photos, a node_modules, a venv, a .cache, a git
checkout) with five installs buried in it (A1111 with a big models/outputs
tree, a ComfyUI portable package, a Stability Matrix library with two packages,
Fooocus), then times ``discover([home])`` (best of --repeat, warm page cache)
against a plain ``os.walk`` of the same tree in the same run, which is what a
scan without pruning would at least cost. Prints both and their ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.installs import Environment, discover_report  # noqa: E402
from tests.core.installs import trees  # noqa: E402

# Share of the file budget per area; each area gets folders of FILES_PER_DIR files.
AREAS = {
    "Documents/work": 0.14,
    "Pictures/camera": 0.14,
    "code/webapp/node_modules": 0.16,
    "code/tool/.git/objects": 0.08,
    "venv/lib/python3.11/site-packages": 0.10,
    ".cache/pip": 0.08,
    "Music/library": 0.06,
    "Documents/AI/stable-diffusion-webui/outputs/txt2img-images": 0.12,
    "Documents/AI/stable-diffusion-webui/models/Lora": 0.04,
    "Desktop/ComfyUI_windows_portable/ComfyUI/output": 0.04,
    "StabilityMatrix/Images": 0.04,
}
FILES_PER_DIR = 50


def fill(area: Path, count: int) -> int:
    made = 0
    for d in range(max(1, count // FILES_PER_DIR)):
        folder = area / f"d{d // 20:03d}" / f"s{d:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(min(FILES_PER_DIR, count - made)):
            os.close(os.open(folder / f"f{i:03d}.dat", os.O_CREAT | os.O_WRONLY, 0o644))
            made += 1
    return made


def build(home: Path, files: int) -> int:
    trees.make_a1111(home / "Documents" / "AI" / "stable-diffusion-webui")
    trees.make_comfy_portable(home / "Desktop" / "ComfyUI_windows_portable")
    trees.make_stability_matrix(home / "StabilityMatrix")
    trees.make_fooocus(home / "Downloads" / "tools" / "Fooocus")
    made = sum(1 for _ in home.rglob("*"))
    for area, share in AREAS.items():
        made += fill(home / area, int(files * share))
    while made < files:
        made += fill(home / "Documents" / "misc" / f"m{made}", min(1000, files - made))
    return made


def best_of(repeat: int, fn):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def full_walk(home: Path) -> int:
    return sum(len(dirs) + len(names) for _, dirs, names in os.walk(home))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the synthetic home")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="vae-manager-discovery-"))
    home = tmp / "home"
    try:
        start = time.perf_counter()
        made = build(home, args.files)
        print(f"built {made} entries in {time.perf_counter() - start:.1f} s under {home}")
        env = Environment.for_home(home)
        t_discover, report = best_of(
            args.repeat, lambda: discover_report([home], env=env, time_budget_s=600)
        )
        t_walk, entries = best_of(args.repeat, lambda: full_walk(home))
        print(f"installs found: {len(report.installs)}")
        for install in report.installs:
            print(f"  {install.kind:17} {install.root.relative_to(home)}")
        print(
            f"folders listed by discovery: {report.folders_listed}, timed out: {report.timed_out}"
        )
        print(f"discover():        {t_discover * 1000:8.1f} ms")
        print(f"os.walk (all {entries} entries): {t_walk * 1000:8.1f} ms")
        print(f"ratio discover / full walk: {t_discover / t_walk:.2f}")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
