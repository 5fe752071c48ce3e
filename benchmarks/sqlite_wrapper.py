"""What classifying every SQLite error costs: the app's wrapper against a bare connection.

The wrapper (``app.core.sqlite_db``) hands out cursors that catch SQLite errors
on every ``execute``, fetch and row, so a damaged or locked file is a user's
error wherever it shows up. Both sides read the same file in the same run:

- iterate N rows (``for row in conn.execute(...)``: one Python call per row),
- ``fetchall`` of the same rows (one call per query),
- M point lookups by primary key (one statement each), raw vs the wrapper's
  connection vs ``Database.fetchone`` (which also takes the object's lock).

    python benchmarks/sqlite_wrapper.py [--rows 200000] [--lookups 20000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.sqlite_db import Database  # noqa: E402

SCHEMA = ["CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT)"]


def best(action: Callable[[], object], rounds: int) -> float:
    """The fastest of ``rounds`` runs, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        with Database(path, SCHEMA, name="benchmark") as db:
            with db.transaction() as conn:
                conn.executemany(
                    "INSERT INTO t (x) VALUES (?)", ((str(i),) for i in range(args.rows))
                )
            raw = sqlite3.connect(path, isolation_level=None)
            wrapped = db.connection
            ids = range(1, min(args.lookups, args.rows) + 1)

            def iterate(conn: sqlite3.Connection) -> int:
                return sum(1 for _ in conn.execute("SELECT id, x FROM t"))

            def fetch(conn: sqlite3.Connection) -> list[object]:
                return conn.execute("SELECT id, x FROM t").fetchall()

            def lookups(conn: sqlite3.Connection) -> list[object]:
                return [conn.execute("SELECT x FROM t WHERE id = ?", (i,)).fetchone() for i in ids]

            figures = [
                ("iterate rows", lambda: iterate(raw), lambda: iterate(wrapped)),
                ("fetchall", lambda: fetch(raw), lambda: fetch(wrapped)),
                ("point lookups (connection)", lambda: lookups(raw), lambda: lookups(wrapped)),
                ("point lookups (Database.fetchone)", lambda: lookups(raw),
                 lambda: [db.fetchone("SELECT x FROM t WHERE id = ?", (i,)) for i in ids]),
            ]  # fmt: skip
            print(f"{args.rows} rows, {len(ids)} lookups, best of {args.rounds}")
            for name, reference, ours in figures:
                ref_s, our_s = best(reference, args.rounds), best(ours, args.rounds)
                print(f"{name:36} raw {ref_s * 1000:7.1f} ms   wrapper {our_s * 1000:7.1f} ms   "
                      f"x{our_s / ref_s:.2f}")  # fmt: skip
            raw.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
