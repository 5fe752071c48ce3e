"""``import`` of a VAE against ``cp`` + ``sync`` + ``openssl dgst -sha256`` of the copy.

Usage: python benchmarks/import_speed.py [--size 160M] [--rounds 7] [--strategies]

Writes a real LDM VAE (fp16, ch=128: an SD VAE's layout, 160 MiB) under a temp
dir, reads it once (warm cache), then alternates, round by round, a fresh
``python main.py import FILE`` process (its own empty data folder each time, so
every round really copies) with ``sh -c 'cp FILE DST && sync && openssl dgst
-sha256 DST'``. Prints each round and the ratio reference/ours (1.0 = as fast;
the issue's target is at least 0.77) as min / median / max.

Modules are byte-compiled once (into a temporary ``PYTHONPYCACHEPREFIX``, so the
source tree stays clean), as in an installed app; ``--no-bytecode`` compiles every
module on every run (what ``PYTHONDONTWRITEBYTECODE=1`` does).

``--strategies`` also times, in this process, the two ways to copy and hash
(one read feeding the write and the hashes, or ``copy_file_range`` then a hash
of the cached source): ``app.core.publish.copy`` keeps the faster.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
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

BYTECODE_CACHE: Path | None = None  # set by main(); None: compile every module each run


def make_vae(path: Path, size: int) -> Path:
    """An LDM VAE state dict in fp16, widened (ch) until it is about ``size`` bytes."""
    import torch

    from tests.model_files import ldm_vae_state_dict, write_safetensors

    ch = max(32, int(128 * (size / (160 << 20)) ** 0.5) // 32 * 32)
    return write_safetensors(path, ldm_vae_state_dict(ch=ch, dtype=torch.float16))


def ours(source: Path, work: Path, sha256: str) -> float:
    home = work / "home"
    shutil.rmtree(home, ignore_errors=True)
    env = dict(os.environ, VAE_MANAGER_HOME=str(home))
    if BYTECODE_CACHE is not None:  # as installed: pip and the frozen build ship compiled modules
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(BYTECODE_CACHE)  # outside the source tree
    seconds, out = timed([*python_cli(), "import", str(source)], env=env)
    if "imported" not in out:
        raise SystemExit(f"import did not copy: {out}")
    copy = home / "data" / "library" / "VAE" / source.name
    if sha256_of(copy) != sha256:
        raise SystemExit("the library copy differs")
    shutil.rmtree(home)
    return seconds


def reference(source: Path, work: Path) -> float:
    dest = work / "by-hand.safetensors"
    script = f"cp '{source}' '{dest}' && sync && openssl dgst -sha256 '{dest}'"
    seconds, _ = timed(["sh", "-c", script])
    dest.unlink()
    return seconds


def sha256_of(path: Path) -> str:
    import hashlib

    with open(path, "rb", buffering=0) as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def strategies(source: Path, work: Path, rounds: int) -> None:
    """Read + write + hash in one pass against copy_file_range + hash of the cached pages."""
    from app.core.hashing.hasher import hash_file

    def one_pass(dest: Path) -> None:
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            hash_file(source, sink=lambda block: _write_all(fd, block))
        finally:
            os.close(fd)

    def kernel_copy(dest: Path) -> None:
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with open(source, "rb", buffering=0) as src:
                left = os.fstat(src.fileno()).st_size
                while left and (n := os.copy_file_range(src.fileno(), fd, left)):
                    left -= n
        finally:
            os.close(fd)
        hash_file(source)

    times: dict[str, list[float]] = {"read+write+hash": [], "copy_file_range+hash": []}
    for _ in range(rounds):
        for name, fn in (("read+write+hash", one_pass), ("copy_file_range+hash", kernel_copy)):
            dest = work / "strategy.bin"
            start = time.perf_counter()
            fn(dest)
            times[name].append(time.perf_counter() - start)
            dest.unlink()
    for name, values in times.items():
        print(
            f"  {name:22s} min {min(values):.3f} s, median {statistics.median(values):.3f} s, "
            f"max {max(values):.3f} s"
        )


def _write_all(fd: int, block: memoryview) -> None:
    while block:
        block = block[os.write(fd, block) :]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="160M", help="VAE size (default 160M)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--strategies", action="store_true", help="also time copy strategies")
    parser.add_argument(
        "--no-bytecode", action="store_true", help="compile every module on every run"
    )
    args = parser.parse_args()
    global BYTECODE_CACHE
    if not shutil.which("openssl"):
        raise SystemExit("openssl is needed for the reference side")
    print(machine())
    with tempfile.TemporaryDirectory(prefix="importbench-") as tmp:
        work = Path(tmp)
        if not args.no_bytecode:
            BYTECODE_CACHE = work / "pycache"
        print(f"bytecode: {'compiled each run' if args.no_bytecode else 'cached'}")
        (work / "in").mkdir()
        source = make_vae(work / "in" / "vae.safetensors", parse_size(args.size))
        print(f"VAE {source.stat().st_size / 2**20:.0f} MiB (fp16 LDM layout)")
        warm(source)
        sha = sha256_of(source)
        if args.strategies:
            strategies(source, work, args.rounds)
        pairs = alternate(
            args.rounds, lambda: ours(source, work, sha), lambda: reference(source, work)
        )
        summarize("import vs cp+sync+openssl", pairs)


if __name__ == "__main__":
    main()
