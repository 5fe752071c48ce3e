"""Rescan cost of an unchanged library: must be about a bare walk + stat, reading nothing.

Creates N tiny real safetensors files, scans them once (inspect + hash + write),
then rescans the unchanged tree. The rescan is compared with ``os.walk`` +
``os.stat`` over the same tree in the same run, and the real inspector and
hasher are wrapped to count how often the rescan called them (must be 0).

    python benchmarks/rescan.py [--files 10000] [--per-folder 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.catalog.scanner import Scanner  # noqa: E402
from app.core.catalog.store import Catalog  # noqa: E402
from app.core.hashing.hasher import hash_file  # noqa: E402
from app.core.inspection import inspect_path  # noqa: E402
from app.core.registry import load_registry  # noqa: E402


def make_tree(root: Path, count: int, per_folder: int) -> None:
    rng = np.random.default_rng(0)
    for i in range(count):
        folder = root / f"dir{i // per_folder:04}"
        if i % per_folder == 0:
            folder.mkdir(parents=True)
        tensor = rng.standard_normal((4, 4, 3, 3), np.float32)
        save_file({"decoder.conv_in.weight": tensor}, str(folder / f"m{i:05}.safetensors"))


def walk_and_stat(root: Path) -> int:
    count = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            os.stat(os.path.join(folder, name))
            count += 1
    return count


def best_of(repeats: int, fn, *args) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--per-folder", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    calls: Counter[str] = Counter()

    def inspect(path: Path):
        calls["inspect"] += 1
        return inspect_path(path)

    def hasher(path: Path, **kwargs):
        calls["hash"] += 1
        calls["hash_bytes"] += os.stat(path).st_size
        return hash_file(path, **kwargs)

    def find_cached(path: Path):
        calls["foreign_cache"] += 1
        return None

    with tempfile.TemporaryDirectory(prefix="rescan-bench-") as tmp:
        tree = Path(tmp) / "models"
        start = time.perf_counter()
        make_tree(tree, args.files, args.per_folder)
        print(f"created {args.files} files in {time.perf_counter() - start:.1f} s")

        with Catalog(Path(tmp) / "catalog.sqlite3") as catalog:
            scanner = Scanner(
                catalog,
                registry=load_registry(),
                inspect=inspect,
                hasher=hasher,
                find_cached=find_cached,
            )
            start = time.perf_counter()
            first = scanner.scan([tree])
            first_s = time.perf_counter() - start
            print(
                f"first scan : {first_s:8.3f} s  {args.files / first_s:9.0f} files/s  "
                f"(added {first.added}, hashed {first.hashed}, calls {dict(calls)})"
            )

            calls.clear()
            rescan_s, report = best_of(args.repeats, scanner.scan, [tree])
            print(
                f"rescan     : {rescan_s:8.3f} s  {args.files / rescan_s:9.0f} files/s  "
                f"(unchanged {report.unchanged}, hashed {report.hashed}, "
                f"inspect+hash calls over {args.repeats} rescans: {dict(calls) or 0})"
            )

        walk_s, walked = best_of(args.repeats, walk_and_stat, tree)
        print(f"os.walk+stat: {walk_s:8.3f} s  {walked / walk_s:9.0f} files/s")
        print(f"rescan / bare walk+stat = {rescan_s / walk_s:.1f}x")
        print(f"first scan / rescan     = {first_s / rescan_s:.1f}x")
        ok = report.unchanged == args.files and not calls
        print("rescan read no file bytes: " + ("yes" if ok else "NO"))
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
