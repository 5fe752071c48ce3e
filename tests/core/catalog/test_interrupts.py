from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.catalog.store import Catalog
from app.core.errors import Cancelled
from app.core.hashing.hasher import hash_file
from app.core.tasks import CancelToken
from tests.core.catalog.helpers import Counting, tiny_tensor_file, tiny_vae

REPO = Path(__file__).resolve().parents[3]


def integrity(db_path: Path) -> str:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def hashed_locations(catalog: Catalog) -> int:
    sql = "SELECT count(*) FROM locations WHERE file_id IS NOT NULL"
    return catalog.connection.execute(sql).fetchone()[0]


def test_cancel_mid_scan_commits_finished_files_and_raises(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    for i in range(12):
        tiny_tensor_file(models / f"m{i:02}.safetensors", seed=i)
    cancel = CancelToken()

    def progress(done: int, total: int | None) -> None:
        if done == 5:
            cancel.cancel()

    scanner = counting.scanner(catalog, batch_size=2)
    with pytest.raises(Cancelled):
        scanner.scan([models], progress=progress, cancel=cancel)

    assert integrity(catalog.path) == "ok"
    assert hashed_locations(catalog) == 5  # every finished file, each complete
    assert catalog.locations_missing() == []  # an unfinished walk marks nothing missing
    outcome = catalog.connection.execute("SELECT outcome FROM scans").fetchone()[0]
    assert outcome == "cancelled"
    counting.reset()

    report = scanner.scan([models])

    assert (report.unchanged, report.added, counting.calls["hash"]) == (5, 7, 7)
    assert hashed_locations(catalog) == 12


def test_cancel_during_a_long_hash_stops_it(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    tiny_vae(models / "a.safetensors", seed=1)
    big = models / "z-big.safetensors"
    tiny_vae(big, seed=2)
    cancel = CancelToken()

    def hasher(path: Path, **kwargs):
        if path == big:
            cancel.cancel()  # the real hasher notices before its first block
        return hash_file(path, **kwargs)

    scanner = counting.scanner(catalog, batch_size=100)
    scanner.tools = type(scanner.tools)(
        scanner.tools.registry, scanner.tools.inspect, hasher, scanner.tools.find_cached
    )
    with pytest.raises(Cancelled):
        scanner.scan([models], cancel=cancel)

    assert [loc.path for loc in catalog.locations()] == [str(models / "a.safetensors")]
    assert integrity(catalog.path) == "ok"


_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from app.core.catalog.scanner import Scanner
    from app.core.catalog.store import Catalog
    from app.core.registry import load_registry

    def progress(done, total):
        if done:
            print(done, flush=True)
        if done >= 30:
            time.sleep(0.02)  # keep the scan going while the parent kills it

    catalog = Catalog(Path(sys.argv[1]))
    Scanner(catalog, registry=load_registry(), batch_size=10, commit_seconds=3600).scan(
        [Path(sys.argv[2])], progress=progress
    )
    print("finished", flush=True)
    """
)


def test_sigkill_mid_scan_leaves_a_healthy_catalog(tmp_path: Path, models: Path) -> None:
    total = 120
    for i in range(total):
        tiny_tensor_file(models / f"d{i // 40}" / f"m{i:03}.safetensors", seed=i)
    db_path = tmp_path / "killed.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(db_path), str(models)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        for line in child.stdout:
            if line.strip() == "35":
                os.kill(child.pid, signal.SIGKILL)
                break
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL

    assert integrity(db_path) == "ok"
    with Catalog(db_path) as catalog:
        committed = hashed_locations(catalog)
        assert 30 <= committed < total  # whole batches of 10 made it, the rest did not
        assert committed % 10 == 0
        counting = Counting()
        report = counting.scanner(catalog).scan([models])
        assert report.unchanged == committed and counting.calls["hash"] == total - committed
        assert hashed_locations(catalog) == total
    assert integrity(db_path) == "ok"


_UNREADABLE_CHILD = textwrap.dedent(
    """
    import json, os, sys
    from pathlib import Path
    import app.core.identify, app.core.hashing.foreign_caches  # import all while still root
    import numpy  # imported lazily by the header parser; nobody may not read the stdlib
    from app.core.catalog.scanner import Scanner
    from app.core.catalog.store import Catalog
    from app.core.registry import load_registry

    registry = load_registry()
    os.setgid(65534)
    os.setuid(65534)  # nobody: chmod 000 applies again
    with Catalog(Path(sys.argv[1])) as catalog:
        report = Scanner(catalog, registry=registry).scan([Path(sys.argv[2])])
        print(json.dumps(report.to_json()))
    """
)


def scan_as_unprivileged(db_path: Path, root: Path) -> dict:
    """Scan in-process, or as user nobody when tests run as root (root ignores chmod)."""
    if os.geteuid() != 0:
        with Catalog(db_path) as catalog:
            return Counting().scanner(catalog).scan([root]).to_json()
    child = subprocess.run(
        [sys.executable, "-c", _UNREADABLE_CHILD, str(db_path), str(root)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    if child.returncode != 0 and "Operation not permitted" in child.stderr:
        pytest.skip("running as root and cannot drop privileges to test chmod 000")
    assert child.returncode == 0, child.stderr
    return json.loads(child.stdout)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder under /tmp itself, reachable by an unprivileged child process."""
    base = Path(tempfile.mkdtemp(prefix="catalog-perm-"))
    base.chmod(0o777)
    yield base
    for folder in base.rglob("*"):
        if folder.is_dir() and not folder.is_symlink():
            folder.chmod(0o755)
    shutil.rmtree(base)


def test_unreadable_folder_is_reported_not_fatal(shared_dir: Path) -> None:
    base = shared_dir / "models"
    tiny_tensor_file(base / "ok" / "a.safetensors", seed=1)
    locked = base / "locked"
    hidden = tiny_tensor_file(locked / "hidden.safetensors", seed=2)
    db_path = shared_dir / "db" / "catalog.sqlite3"
    with Catalog(db_path) as catalog:
        assert Counting().scanner(catalog).scan([base]).added == 2
    for path in shared_dir.rglob("*"):
        path.chmod(0o777 if path.is_dir() else 0o666)
    tiny_tensor_file(base / "ok" / "b.safetensors", seed=3).chmod(0o666)
    locked.chmod(0)

    record = scan_as_unprivileged(db_path, base)

    assert (record["added"], record["unchanged"], record["errors"]) == (1, 1, 1)
    [problem] = record["problems"]
    assert problem["path"] == str(locked) and problem["code"] == "unreadable-folder"
    assert record["missing"] == 0  # what is behind the locked door is unknown, not gone
    locked.chmod(0o755)
    with Catalog(db_path) as catalog:
        assert catalog.locations_missing() == []
        assert str(hidden) in {loc.path for loc in catalog.locations()}


def test_a_second_catalog_reads_committed_rows_while_a_scan_runs(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    for i in range(6):
        tiny_tensor_file(models / f"m{i}.safetensors", seed=i)
    seen: list[int] = []

    def progress(done: int, total: int | None) -> None:
        if done == 4:
            with Catalog(catalog.path) as reader:  # e.g. the GUI, on another connection
                seen.append(len(reader.entries()))
                with reader.transaction() as conn:  # and it can write between batches
                    conn.execute(
                        "INSERT INTO roots (path, first_scanned, last_scanned) "
                        "VALUES ('/gui', 0, 0)"
                    )

    counting.scanner(catalog, batch_size=2).scan([models], progress=progress)

    assert seen == [4]
    assert len(catalog.entries()) == 6
