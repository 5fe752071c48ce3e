"""Run the app on every class of hostile input and report result, time and peak memory.

Usage: python benchmarks/hostile_inputs.py [--limit-mib 1536] [--timeout 60] [--only TEXT]

Each class comes from a builder module in ``tests/`` (the same files the tests use): it
lists ``CASES`` as ``(class name, build(folder) -> path, argv)``. Every case runs as its own
``python main.py ARGV PATH`` process under an address-space limit, so a blow-up shows as a
failure instead of taking the machine down, and a hang shows as a timeout. The table
(markdown) gives the exit code, the first problem the app reported, the wall time and the
child's peak resident memory (``wait4`` rusage, so it is that process alone).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BUILDER_MODULES = (
    "tests.core.inspection.hostile_archives",
    "tests.core.inspection.hostile_headers",
    "tests.core.catalog.hostile_paths",
    "tests.core.hashing.hostile_sidecars",
    "tests.core.downloads.hostile_servers",
)


def _cases() -> list[tuple[str, object, list[str]]]:
    found = []
    for name in BUILDER_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            print(f"skipping {name}: {exc}", file=sys.stderr)
            continue
        found.extend(getattr(module, "CASES", []))
    return found


def _limit(limit_bytes: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    return apply


def _first_problem(stdout: str) -> str:
    """The first problem message (or error) in the command's JSON output, if any."""
    try:
        data = json.loads(stdout)
    except ValueError:
        return stdout.strip().splitlines()[0][:90] if stdout.strip() else ""
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            for key in ("problems", "skipped", "errors", "error", "message", "reason"):
                value = item.get(key)
                if isinstance(value, str) and value:
                    return value[:90]
                if isinstance(value, list) and value:
                    stack.insert(0, value[0])
                    break
            else:
                stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return json.dumps(data)[:90]


def run_case(build, argv: list[str], folder: Path, limit: int, timeout: float) -> dict:
    built = build(folder)
    args = [str(a) for a in argv]
    if built is not None:
        args.append(str(built))
    env = dict(os.environ, VAE_MANAGER_HOME=str(folder / "home"), QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        env=env,
        preexec_fn=_limit(limit),
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
        timed_out = True
    elapsed = time.perf_counter() - start
    return {
        "rc": "timeout" if timed_out else proc.returncode,
        "seconds": elapsed,
        "traceback": "Traceback" in stderr,
        "result": _first_problem(stdout) or stderr.strip().splitlines()[-1:] or "",
    }


def _peak_rss_mib(build, argv, folder: Path, limit: int, timeout: float) -> tuple[dict, float]:
    """Run one case in a forked runner so RUSAGE_CHILDREN holds that case alone."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        try:
            result = run_case(build, argv, folder, limit, timeout)
        except Exception as exc:  # a builder that fails is reported, not fatal
            result = {"rc": "build failed", "seconds": 0.0, "traceback": False, "result": str(exc)}
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with os.fdopen(write_fd, "w") as out:
            json.dump({**result, "peak": peak}, out, default=str)
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd) as inp:
        data = json.loads(inp.read() or "{}")
    os.waitpid(pid, 0)
    return data, data.get("peak", 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-mib", type=int, default=1536)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    limit = args.limit_mib * 1024 * 1024
    print("| class | command | exit | result | time (s) | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|")
    failures = 0
    for name, build, argv in _cases():
        if args.only and args.only.lower() not in name.lower():
            continue
        with tempfile.TemporaryDirectory(prefix="vaem-hostile-") as tmp:
            data, peak = _peak_rss_mib(build, argv, Path(tmp), limit, args.timeout)
        bad = data.get("rc") in ("timeout", "build failed") or data.get("traceback")
        failures += bool(bad)
        result = str(data.get("result", "")).replace("|", "/").replace("\n", " ")
        if data.get("traceback"):
            result = "TRACEBACK: " + result
        print(
            f"| {name} | {argv[0]} | {data.get('rc')} | {result} | "
            f"{data.get('seconds', 0):.2f} | {peak:.0f} |"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
