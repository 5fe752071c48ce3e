"""Run the app on every class of hostile input and report result, time and peak memory.

Usage: python benchmarks/hostile_inputs.py [--limit-mib 1536] [--timeout 60] [--only TEXT]

Each class comes from a builder module in ``tests/`` (the same files the tests use): it
lists ``CASES`` as ``(class name, build(folder) -> path, argv)``. Every case runs as its own
``python main.py ARGV PATH`` process under an address-space limit, so a blow-up shows as a
failure instead of taking the machine down, and a hang shows as a timeout. The table
(markdown) gives the exit code, the first problem the app reported, the wall time and the
child's peak resident memory (``/usr/bin/time``, so that process alone).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
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
    return found + EXTRA_CASES


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


def _endless_with_registry_size(server, folder: Path) -> list[str]:
    """``download ID`` of a user-registry entry (1 MiB) whose server never stops sending."""
    from tests.core.downloads.hostile_servers import MIB, setup_endless_body

    url = setup_endless_body(server, folder)
    registry = folder / "home" / "data" / "known_vaes.json"
    registry.parent.mkdir(parents=True, exist_ok=True)
    entry = {"id": "endless", "display_name": "Endless", "family": "sdxl",
             "filename": "endless.safetensors", "url": url,
             "sha256": "0" * 64, "size_bytes": MIB}  # fmt: skip
    registry.write_text(json.dumps([entry]))
    return ["endless", "--to", str(folder / "VAE")]


EXTRA_CASES = [
    ("download: endless body (registry size 1 MiB)", _endless_with_registry_size,
     ["download", "--json"]),
]  # fmt: skip


def _arguments(build, argv: list[str], folder: Path, stack: contextlib.ExitStack) -> list[str]:
    """The command line of one case; a two-argument setup gets a fault-injecting server."""
    args = [str(a) for a in argv]
    if len(inspect.signature(build).parameters) == 2:
        from tests.http_server import FaultServer

        server = stack.enter_context(FaultServer())
        built = build(server, folder)
        if isinstance(built, list):
            return args + built
        return args + [str(built), "--to", str(folder / "VAE")]
    built = build(folder)
    return args if built is None else args + [str(built)]


def run_case(build, argv: list[str], folder: Path, limit: int, timeout: float) -> dict:
    """Run one case under ``/usr/bin/time`` (its own peak RSS) and an address-space limit."""
    with contextlib.ExitStack() as stack:
        args = _arguments(build, argv, folder, stack)
        env = dict(os.environ, VAE_MANAGER_HOME=str(folder / "home"))
        env["QT_QPA_PLATFORM"] = "offscreen"
        stats = folder / "time.txt"
        command = [sys.executable, str(ROOT / "main.py"), *args]
        if os.path.exists("/usr/bin/time"):
            command = ["/usr/bin/time", "-f", "%M", "-o", str(stats), *command]
        start = time.perf_counter()
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, errors="replace", env=env,
                timeout=timeout, preexec_fn=_limit(limit),
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return {"rc": "timeout", "seconds": timeout, "traceback": False, "result": ""}
        elapsed = time.perf_counter() - start
    peak_kib = stats.read_text().split()[-1] if stats.exists() else "0"
    return {
        "rc": done.returncode,
        "seconds": elapsed,
        "peak": int(peak_kib) / 1024,
        "traceback": "Traceback" in done.stderr,
        "result": _first_problem(done.stdout) or (done.stderr.strip().splitlines() or [""])[-1],
    }


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
            try:
                data = run_case(build, argv, Path(tmp), limit, args.timeout)
            except Exception as exc:  # a builder that fails is reported, not fatal
                data = {"rc": "build failed", "seconds": 0.0, "result": str(exc)}
        peak = data.get("peak", 0.0)
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
