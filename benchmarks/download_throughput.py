"""Download throughput: our Downloader (SHA-256 + BLAKE3 while streaming) vs ``curl -o``.

Both fetch the same generated file from the same local test server
(``tests/http_server.py`` in its own process, so it does not share our GIL):

1. loopback at full speed: ``curl -o``; ``curl -o`` then ``sha256sum`` (the
   download-then-verify workflow that streaming hashes replace); ours;
2. the server paced to ``--rate`` MB/s, like a fast real link: ``curl -o`` vs ours.

Prints MB/s and the ratios; the target is ours >= 0.9 x curl. On loopback the
ceiling is SHA-256 itself (one stream cannot be hashed in parallel), so the
first ratio also says how fast this CPU hashes.

    .venv/bin/python benchmarks/download_throughput.py --size 1073741824
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core.downloads.downloader import Downloader  # noqa: E402
from app.core.downloads.records import DownloadSpec  # noqa: E402
from app.core.downloads.settings import DownloadSettings  # noqa: E402
from app.core.downloads.transfer import Tuning  # noqa: E402


class Server:
    """``python -m tests.http_server`` in a child process."""

    def __init__(self, size: int, rate: float | None) -> None:
        command = [sys.executable, "-m", "tests.http_server", "--size", str(size)]
        if rate:
            command += ["--rate", str(rate)]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(10)


def curl(url: str, folder: Path, verify: bool) -> float:
    out = folder / "curl.bin"
    started = time.perf_counter()
    subprocess.run(["curl", "-s", "-f", "-o", str(out), url], check=True)
    if verify:
        subprocess.run(["sha256sum", str(out)], check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    out.unlink()
    return seconds


def ours(url: str, folder: Path, tuning: Tuning) -> float:
    started = time.perf_counter()
    result = Downloader(DownloadSettings(), tuning).download(DownloadSpec(url, folder, "ours.bin"))
    seconds = time.perf_counter() - started
    result.path.unlink()
    return seconds


def measure(runs: int, contenders: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Median seconds per contender, runs interleaved so drift hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, run in contenders.items():
            times[name].append(run())
    return {name: statistics.median(values) for name, values in times.items()}


def report(title: str, size: int, medians: dict[str, float], reference: str) -> None:
    print(f"\n{title}")
    rates = {name: size / 1e6 / seconds for name, seconds in medians.items()}
    for name, rate in rates.items():
        ratio = rate / rates[reference]
        print(f"  {name:28s} {rate:8.1f} MB/s   x{ratio:.2f} of {reference}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1 << 30, help="file size in bytes")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs of each")
    parser.add_argument("--rate", type=float, default=100.0, help="paced link, MB/s (0: skip)")
    parser.add_argument("--chunk", type=int, default=1 << 20, help="our read chunk in bytes")
    parser.add_argument("--no-fsync", action="store_true", help="skip our fsync before rename")
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: tmp)")
    args = parser.parse_args()
    if shutil.which("curl") is None or shutil.which("sha256sum") is None:
        sys.exit("needs curl and sha256sum")
    tuning = replace(Tuning(), chunk_size=args.chunk, fsync=not args.no_fsync)
    print(
        f"file {args.size:,} bytes, median of {args.runs} runs, {os.cpu_count()} CPUs, "
        f"chunk {args.chunk:,}, fsync {'off' if args.no_fsync else 'on'}; "
        f"sha256 alone {_sha_speed():.0f} MB/s here"
    )
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        server = Server(args.size, None)
        try:
            medians = measure(
                args.runs,
                {
                    "curl -o": lambda: curl(server.url, folder, verify=False),
                    "curl -o, then sha256sum": lambda: curl(server.url, folder, verify=True),
                    "Downloader (hashing on)": lambda: ours(server.url, folder, tuning),
                },
            )
        finally:
            server.stop()
        report("loopback, full speed", args.size, medians, "curl -o")
        if args.rate:
            paced = Server(args.size, args.rate * 1e6)
            try:
                medians = measure(
                    args.runs,
                    {
                        "curl -o": lambda: curl(paced.url, folder, verify=False),
                        "Downloader (hashing on)": lambda: ours(paced.url, folder, tuning),
                    },
                )
            finally:
                paced.stop()
            report(f"server paced to {args.rate:g} MB/s", args.size, medians, "curl -o")


def _sha_speed() -> float:
    block = os.urandom(64 << 20)
    started = time.perf_counter()
    hashlib.sha256(block).hexdigest()
    return len(block) / 1e6 / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
