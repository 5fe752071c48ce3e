"""Download throughput: ``download URL`` (SHA-256 + BLAKE3 while streaming, fsync) vs ``curl -o``.

Both sides fetch the same generated file from the same loopback test server
(``tests/http_server.py`` in its own process, so it shares no GIL with either),
round after round, alternating which goes first:

1. whole processes: ``python main.py download URL --to DIR --json`` (start-up,
   the download, its hashes, the fsync before the final name, and cataloguing
   the file, in a fresh ``VAE_MANAGER_HOME``) against ``curl -s -f -o FILE URL``
   (no hash, no fsync);
2. in-process: ``Downloader.download`` alone (no interpreter start-up, no
   catalog), against the same ``curl -o``, to separate the transfer from start-up;
3. with ``--rate``, the server paced like a fast real link: whole process vs curl;
4. with ``--by-hand``, the whole process against the same work done by hand with the
   fastest tools (``curl -o F && openssl dgst -sha256 F && sync F``: a hash and a durable
   file, as the import row's reference has);
5. with ``--floor``, ``benchmarks/download_floor.py`` (the least a Python program must do:
   raw socket, SHA-256 and BLAKE3 threads, writeback, fsync, rename) against ``curl -o``,
   buffered and with ``O_DIRECT``: how close to the target any program with these hashes
   and this durability comes on the machine.

Each line gives the ratio curl time / our time (1.0 = as fast as curl, higher is
better) as min / median / max over the rounds, and the load average (the
machine is shared: a busy neighbour shows up as spread). The target (issue 14)
is at least 0.90x. On a 2-core machine the ceiling on loopback is SHA-256 on
one core while the server, the socket copy, the disk writes and BLAKE3 share the
other, so ``sha256 alone`` is printed too.

    .venv/bin/python benchmarks/download_throughput.py --size 1G --rounds 7
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._timing import alternate, machine, parse_size, python_cli, summarize  # noqa: E402

_PATH = "/vae.safetensors"  # the CLI names the download after the URL's last segment


class Server:
    """``python -m tests.http_server`` in a child process, until stopped."""

    def __init__(self, size: int, rate: float | None) -> None:
        command = [sys.executable, "-m", "tests.http_server", "--size", str(size), "--path", _PATH]
        if rate:
            command += ["--rate", str(rate)]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(10)


def curl(url: str, folder: Path) -> Callable[[], float]:
    """One ``curl -o`` run, timed; the file is removed afterwards."""

    def run() -> float:
        out = folder / "curl.bin"
        started = time.perf_counter()
        subprocess.run(["curl", "-s", "-f", "-o", str(out), url], check=True)
        seconds = time.perf_counter() - started
        out.unlink()
        return seconds

    return run


def cli(url: str, folder: Path) -> Callable[[], float]:
    """One ``main.py download URL --to DIR`` process, timed, in a fresh app home."""

    def run() -> float:
        with tempfile.TemporaryDirectory(dir=folder) as home:
            dest = Path(home) / "vae"
            env = dict(os.environ, VAE_MANAGER_HOME=home)
            argv = [*python_cli(), "download", url, "--to", str(dest), "--json"]
            started = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT)
            seconds = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(f"download exited {done.returncode}: {done.stderr[-2000:]}")
        return seconds

    return run


def by_hand(url: str, folder: Path) -> Callable[[], float]:
    """``curl -o``, then ``openssl dgst -sha256`` and ``sync`` of the file, timed."""

    def run() -> float:
        out = folder / "by-hand.bin"
        script = f"curl -s -f -o '{out}' '{url}' && openssl dgst -sha256 '{out}' && sync '{out}'"
        started = time.perf_counter()
        subprocess.run(["sh", "-c", script], check=True, capture_output=True)
        seconds = time.perf_counter() - started
        out.unlink()
        return seconds

    return run


def floor(url: str, folder: Path, direct: bool) -> Callable[[], float]:
    """One ``benchmarks/download_floor.py`` process, timed; the file is removed afterwards."""

    def run() -> float:
        out = folder / "floor.bin"
        argv = [sys.executable, str(ROOT / "benchmarks" / "download_floor.py"), url, str(out)]
        started = time.perf_counter()
        subprocess.run([*argv, *(["--direct"] if direct else [])], check=True, capture_output=True)
        seconds = time.perf_counter() - started
        out.unlink()
        return seconds

    return run


def in_process(url: str, folder: Path, fsync: bool) -> Callable[[], float]:
    """One ``Downloader.download`` call, timed; the file is removed afterwards."""
    from app.core.downloads.downloader import Downloader
    from app.core.downloads.records import DownloadSpec
    from app.core.downloads.settings import DownloadSettings
    from app.core.downloads.transfer import Tuning

    tuning = replace(Tuning(), fsync=fsync)

    def run() -> float:
        started = time.perf_counter()
        spec = DownloadSpec(url, folder, "ours.bin")
        result = Downloader(DownloadSettings(), tuning).download(spec)
        seconds = time.perf_counter() - started
        result.path.unlink()
        return seconds

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=parse_size, default=1 << 30, help="file size: 1G, 256M")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of each")
    parser.add_argument("--rate", type=float, default=0.0, help="also a paced link, MB/s")
    parser.add_argument("--no-fsync", action="store_true", help="in-process side: skip fsync")
    parser.add_argument("--skip-cli", action="store_true", help="only the in-process comparison")
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: tmp)")
    parser.add_argument("--by-hand", action="store_true", help="also vs curl + openssl + sync")
    parser.add_argument("--floor", action="store_true", help="also the minimal program vs curl")
    args = parser.parse_args()
    if shutil.which("curl") is None:
        sys.exit("needs curl")
    print(
        f"file {args.size:,} bytes, {args.rounds} rounds, {machine()}; "
        f"sha256 alone {_sha_speed():.0f} MB/s here; load average {_load()}"
    )
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        server = Server(args.size, None)
        try:
            reference = curl(server.url, folder)
            if not args.skip_cli:
                _row("loopback, whole process `download URL` vs curl -o", args.rounds,
                     cli(server.url, folder), reference)  # fmt: skip
            _row("loopback, in-process Downloader vs curl -o", args.rounds,
                 in_process(server.url, folder, not args.no_fsync), reference)  # fmt: skip
            if args.by_hand:
                _row("loopback, whole process vs by hand (curl -o, openssl dgst, sync)",
                     args.rounds, cli(server.url, folder), by_hand(server.url, folder))  # fmt: skip
            if args.floor:
                for direct in (False, True):
                    _row(f"loopback, floor program{' --direct' if direct else ''} vs curl -o",
                         args.rounds, floor(server.url, folder, direct), reference)  # fmt: skip
        finally:
            server.stop()
        if args.rate:
            paced = Server(args.size, args.rate * 1e6)
            try:
                _row(f"server paced to {args.rate:g} MB/s, whole process vs curl -o",
                     args.rounds, cli(paced.url, folder), curl(paced.url, folder))  # fmt: skip
            finally:
                paced.stop()


def _row(
    label: str, rounds: int, ours: Callable[[], float], reference: Callable[[], float]
) -> None:
    print(f"\n{label} (load average before {_load()})")
    pairs = alternate(rounds, ours, reference)
    summarize(label, pairs)
    print(f"  load average after {_load()}")


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _sha_speed() -> float:
    block = os.urandom(1 << 20)
    digest = hashlib.sha256()
    started = time.perf_counter()
    for _ in range(256):
        digest.update(block)
    return 256 * len(block) / 1e6 / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
