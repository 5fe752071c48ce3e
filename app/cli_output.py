"""How the command line prints: JSON, aligned tables, key/value records, progress on stderr."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Sequence


def progress_printer(label: str) -> Callable[[int, int | None], None]:
    """A progress line on stderr, repainted at most 5 times a second, only on a terminal."""
    if not sys.stderr.isatty():
        return lambda done, total: None
    last = [0.0]

    def show(done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - last[0] < 0.2 and done != total:
            return
        last[0] = now
        percent = f"{100 * done / total:5.1f}%" if total else human_size(done)
        end = "\n" if total and done >= total else ""
        print(f"\r{label}: {percent}", end=end, file=sys.stderr, flush=True)

    return show


def human_size(count: int | None) -> str:
    """Bytes as B/KiB/MiB/GiB with one decimal."""
    if count is None:
        return "-"
    value = float(count)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


# A lone surrogate is how Python holds a file name's undecodable byte (0xFF -> U+DCFF).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def print_json(value: object) -> None:
    """Pretty JSON on stdout, non-ASCII kept readable.

    Lone surrogates are written as JSON escapes (backslash, ``udcff``), so the output
    is valid UTF-8 and ``os.fsencode(json.loads(...))`` gives a file name's bytes back.
    """
    text = json.dumps(value, indent=2, ensure_ascii=False)
    print(_LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def print_fields(record: dict[str, object]) -> None:
    """One ``key  value`` line per field, problems spelled out."""
    width = max((len(k) for k in record), default=0)
    for key, value in record.items():
        if key == "problems" and isinstance(value, list):
            text = "; ".join(f"{p['code']}: {p['message']}" for p in value) or "none"
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value) or "-"
        else:
            text = "-" if value is None else str(value)
        print(f"{key:<{width}}  {text}")


def print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """An aligned table; a cell may hold several lines."""
    if not rows:
        print("(nothing)")
        return
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [
        max(len(line) for row in cells for line in row[i].split("\n")) for i in range(len(header))
    ]
    for row in cells:
        lines = [cell.split("\n") for cell in row]
        for n in range(max(len(x) for x in lines)):
            parts = [(x[n] if n < len(x) else "").ljust(widths[i]) for i, x in enumerate(lines)]
            print("  ".join(parts).rstrip())
