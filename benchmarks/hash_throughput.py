"""Throughput of hash_file against openssl dgst and sha256sum on the same warm file.

Usage: python benchmarks/hash_throughput.py [--size 2G] [--block-size 1M] [--repeat 3]

Writes a random file under a temp dir (deleted afterwards), reads it once so
every tool sees the page cache, then times each tool (best of --repeat) and
prints MB/s and the ratios ours/openssl and ours/sha256sum. Peak RSS is taken
from a child process that runs only hash_file, so it shows constant memory.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.hashing.hasher import BLOCK_SIZE, hash_file  # noqa: E402

_UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(text: str) -> int:
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    if text and text[-1] in _UNITS:
        return int(float(text[:-1]) * _UNITS[text[-1]])
    return int(text)


def make_file(path: Path, size: int, safetensors: bool) -> None:
    chunk = os.urandom(8 << 20)
    with open(path, "wb") as f:
        if safetensors:
            header = b'{"__metadata__":{"bench":"1"}}'.ljust(64)
            f.write(len(header).to_bytes(8, "little") + header)
        written = f.tell()
        while written < size:
            part = chunk[: min(len(chunk), size - written)]
            f.write(part)
            written += len(part)


def warm(path: Path) -> None:
    with open(path, "rb", buffering=0) as f:
        buf = bytearray(8 << 20)
        while f.readinto(buf):
            pass


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def run_tool(argv: list[str]) -> str:
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def child_rss(path: Path, block_size: int) -> str:
    """Peak RSS and Python-heap peak of a fresh interpreter that runs only hash_file."""
    code = (
        "import resource,sys,tracemalloc;from pathlib import Path;"
        f"sys.path.insert(0,{str(Path(__file__).resolve().parents[1])!r});"
        "from app.core.hashing.hasher import hash_file;"
        "a=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;tracemalloc.start();"
        f"h=hash_file(Path({str(path)!r}),block_size={block_size});"
        "p=tracemalloc.get_traced_memory()[1];tracemalloc.stop();"
        "b=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;print(a,b,p)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    before, after, heap = out.stdout.split()
    return (
        f"max RSS {before} KiB after imports -> {after} KiB after hashing; "
        f"Python heap peak during hash_file {int(heap) / 2**20:.1f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="2G", help="file size, e.g. 1G, 512M (default 2G)")
    parser.add_argument("--block-size", default=str(BLOCK_SIZE), help="hash_file block size")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs per tool")
    parser.add_argument("--safetensors", action="store_true", help="also time addnet=True")
    args = parser.parse_args()
    size, block = parse_size(args.size), parse_size(args.block_size)

    print(f"python {sys.version.split()[0]}, hashlib sha256 via {ssl.OPENSSL_VERSION}")
    print(f"file {size / 2**20:.0f} MiB, hash_file block {block / 2**20:g} MiB")
    with tempfile.TemporaryDirectory(prefix="hashbench-") as tmp:
        suffix = ".safetensors" if args.safetensors else ".bin"
        path = Path(tmp) / f"bench{suffix}"
        make_file(path, size, args.safetensors)
        warm(path)
        rows = time_all(path, args.repeat, block)
        report(rows, size)
        print(f"hash_file-only process: {child_rss(path, block)}")
        print(f"this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} KiB max RSS")


def time_all(path: Path, repeat: int, block: int) -> dict[str, float]:
    rows: dict[str, float] = {}
    expected = None
    if shutil.which("openssl"):
        rows["openssl dgst -sha256"], out = best_of(
            repeat, lambda: run_tool(["openssl", "dgst", "-sha256", "-r", str(path)])
        )
        expected = out.split()[0]
    if shutil.which("sha256sum"):
        rows["sha256sum"], out = best_of(repeat, lambda: run_tool(["sha256sum", str(path)]))
        expected = out.split()[0]
    rows["hashlib.file_digest sha256"], _ = best_of(repeat, lambda: _file_digest(path))
    rows["hash_file blake3=on"], ours = best_of(repeat, lambda: hash_file(path, block_size=block))
    rows["hash_file blake3=off"], _ = best_of(
        repeat, lambda: hash_file(path, blake3=False, block_size=block)
    )
    if path.suffix == ".safetensors":  # not a LoRA: addnet only when asked (a second SHA-256)
        rows["hash_file addnet=on"], _ = best_of(
            repeat, lambda: hash_file(path, block_size=block, addnet=True)
        )
    if expected is not None and ours.sha256 != expected:
        raise SystemExit(f"sha256 mismatch: ours {ours.sha256} vs tool {expected}")
    return rows


def _file_digest(path: Path) -> str:
    with open(path, "rb", buffering=0) as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def report(rows: dict[str, float], size: int) -> None:
    for name, seconds in rows.items():
        print(f"{name:28s} {size / seconds / 1e6:8.0f} MB/s  ({seconds:.3f} s)")
    for ours in ("hash_file blake3=on", "hash_file blake3=off"):
        for ref in ("openssl dgst -sha256", "sha256sum"):
            if ref in rows:
                print(f"ratio {ours} / {ref}: {rows[ref] / rows[ours]:.3f}")


if __name__ == "__main__":
    main()
