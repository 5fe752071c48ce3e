"""``inspect`` of a warm safetensors file (SHA-256 + BLAKE3) against ``openssl dgst -sha256``.

Usage: python benchmarks/inspect_speed.py [--size 2G] [--rounds 7] [--busy]

Writes a ``.safetensors`` file (a VAE-like header, random data; not a LoRA, so
no addnet hash) under a temp dir, reads it once (warm cache), then alternates a
fresh ``python main.py inspect --json FILE`` process with ``openssl dgst -sha256
FILE``, checking both print the same SHA-256. ``--busy`` first starts a
busy-loop process pinned to CPU 0 (where ``sched_setaffinity`` exists) that runs
through every round: "another process holds one core". Prints each round and the
ratio openssl/ours (1.0 = as fast; targets: 0.95 idle, 0.7 with one core busy).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._timing import (  # noqa: E402
    alternate,
    machine,
    parse_size,
    python_cli,
    summarize,
    timed,
    warm,
)


def make_file(path: Path, size: int) -> Path:
    """One F16 tensor named like a VAE weight filling ``size`` bytes after the header."""
    data = size - size % 2
    header = json.dumps(
        {
            "decoder.conv_in.weight": {
                "dtype": "F16",
                "shape": [data // 2],
                "data_offsets": [0, data],
            }
        }
    ).encode()
    header += b" " * (-len(header) % 8)
    chunk = os.urandom(8 << 20)
    with open(path, "wb") as f:
        f.write(len(header).to_bytes(8, "little") + header)
        left = data
        while left:
            left -= f.write(chunk[: min(len(chunk), left)])
    return path


@contextlib.contextmanager
def busy_core() -> Iterator[None]:
    """A pure-Python busy loop on CPU 0 for as long as the block runs."""

    def pin() -> None:
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {0})

    proc = subprocess.Popen([sys.executable, "-c", "while True: pass"], preexec_fn=pin)
    try:
        yield
    finally:
        proc.kill()
        proc.wait()


def ours(path: Path, sha256: str) -> float:
    seconds, out = timed([*python_cli(), "inspect", "--json", str(path)], ok=(0, 1))
    record = json.loads(out)
    record = record[0] if isinstance(record, list) else record
    if record["sha256"] != sha256 or record["addnet"] is not None or not record["blake3"]:
        raise SystemExit(f"unexpected hashes: {record['sha256']} {record['addnet']}")
    return seconds


def reference(path: Path) -> tuple[float, str]:
    seconds, out = timed(["openssl", "dgst", "-sha256", "-r", str(path)])
    return seconds, out.split()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="2G", help="file size (default 2G)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--busy", action="store_true", help="a busy loop holds one core")
    args = parser.parse_args()
    if not shutil.which("openssl"):
        raise SystemExit("openssl is needed for the reference side")
    print(machine())
    with tempfile.TemporaryDirectory(prefix="inspectbench-") as tmp:
        path = make_file(Path(tmp) / "model.safetensors", parse_size(args.size))
        warm(path)
        _, sha = reference(path)
        print(f"file {path.stat().st_size / 2**30:.2f} GiB, busy core: {args.busy}")
        with busy_core() if args.busy else contextlib.nullcontext():
            pairs = alternate(args.rounds, lambda: ours(path, sha), lambda: reference(path)[0])
        label = "inspect vs openssl" + (" (one core busy)" if args.busy else " (idle)")
        summarize(label, pairs)


if __name__ == "__main__":
    main()
