"""Shared helpers for the whole-process speed benchmarks: sizes, timing, ratio summaries."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(text: str) -> int:
    """``2G``, ``160M``, ``4096`` as bytes."""
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    if text and text[-1] in _UNITS:
        return int(float(text[:-1]) * _UNITS[text[-1]])
    return int(text)


def warm(path: Path) -> None:
    """Read ``path`` once so every side finds it in the page cache."""
    with open(path, "rb", buffering=0) as f:
        buf = bytearray(8 << 20)
        while f.readinto(buf):
            pass


def timed(argv: Sequence[str], *, env: dict[str, str] | None = None, ok=(0,)) -> tuple[float, str]:
    """Wall seconds of one whole process, and its stdout; raise when it fails."""
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"{argv[:3]} exited {done.returncode}: {done.stderr[-2000:]}")
    return seconds, done.stdout


def alternate(
    rounds: int, ours: Callable[[], float], reference: Callable[[], float]
) -> list[tuple[float, float]]:
    """``rounds`` pairs (ours, reference), alternating which side goes first."""
    pairs = []
    for i in range(rounds):
        if i % 2:
            ref = reference()
            mine = ours()
        else:
            mine = ours()
            ref = reference()
        pairs.append((mine, ref))
        print(f"  round {i + 1}: ours {mine:.3f} s, reference {ref:.3f} s, ratio {ref / mine:.2f}x")
    return pairs


def summarize(label: str, pairs: list[tuple[float, float]]) -> str:
    """One line: the speed ratio reference/ours (1.0 = as fast) as min / median / max."""
    ratios = sorted(ref / mine for mine, ref in pairs)
    ours = statistics.median(m for m, _ in pairs)
    ref = statistics.median(r for _, r in pairs)
    line = (
        f"{label}: ours median {ours:.3f} s, reference median {ref:.3f} s; ratio "
        f"min {ratios[0]:.2f}x / median {statistics.median(ratios):.2f}x / max {ratios[-1]:.2f}x "
        f"over {len(pairs)} rounds"
    )
    print(line)
    return line


def python_cli() -> list[str]:
    """The app's CLI as a fresh process, as a user runs it."""
    return [sys.executable, str(ROOT / "main.py")]


def machine() -> str:
    """CPU model and core count, for the README table."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"
