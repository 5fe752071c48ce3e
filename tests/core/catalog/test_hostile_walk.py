"""Scanning hostile folders through core: special files, link mazes, undecodable names.

Every test runs under a hang guard: before the fix a FIFO or ``/dev/zero`` made the
scan block forever and the link diamond walked 2^20 paths.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from app.core.catalog.records import (
    FILE_ADDED,
    FILE_FAILED,
    FILE_SKIPPED,
    FILE_UNCHANGED,
    ScanReport,
)
from app.core.catalog.scan_run import ScanRun
from app.core.catalog.scanner import scan
from app.core.catalog.store import Catalog
from app.core.catalog.walk import ISSUE_SPECIAL, Found, StatKey, walk_roots
from app.core.errors import UserError
from app.core.inspection import inspect_path
from app.core.registry import load_registry
from app.core.safe_open import NotRegularFile, open_regular, regular_stat
from tests.core.catalog import hostile_paths as hostile
from tests.core.catalog.helpers import Counting, tiny_vae

pytestmark = pytest.mark.skipif(os.name == "nt", reason="FIFOs, sockets and /dev/zero are POSIX")


def _by_path(report) -> dict[str, tuple[str, str]]:
    return {f.path: (f.result, f.message) for f in report.files.values()}


# --- never open a special file ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "special", "reason"),
    [
        (hostile.build_fifo_folder, "b_pipe.safetensors", "named pipe (FIFO): skipped"),
        (hostile.build_dev_zero_folder, "b_zero.ckpt", "device file /dev/zero: skipped"),
        (hostile.build_socket_folder, "b_sock.pt", "socket: skipped"),
    ],
)
def test_special_files_are_skipped_with_the_reason_and_never_opened(
    catalog: Catalog, counting: Counting, tmp_path: Path, build, special: str, reason: str
) -> None:
    models = build(tmp_path)
    with hostile.hang_guard():
        report = counting.scanner(catalog).scan([models])
    files = _by_path(report)
    assert files[str(models / special)] == (FILE_SKIPPED, reason)
    assert files[str(models / "a_real.safetensors")][0] == FILE_ADDED
    assert (str(models / special), ISSUE_SPECIAL, reason) in {
        (p.path, p.code, p.message) for p in report.problems
    }
    assert report.errors == 0 and not report.failed  # skipped inside a folder: not a failure
    assert counting.calls == {"inspect": 1, "hash": 1}  # only the real file was read
    assert [loc.path for loc in catalog.locations()] == [str(models / "a_real.safetensors")]


def test_a_special_file_named_as_the_root_fails_the_scan(catalog: Catalog, tmp_path: Path) -> None:
    fifo = hostile.build_fifo(tmp_path)
    with hostile.hang_guard():
        report = scan(catalog, [fifo], registry=load_registry())
    assert report.failed
    assert _by_path(report)[str(fifo)] == (
        FILE_FAILED,
        "named pipe (FIFO): not a model file, not opened",
    )


def test_inspect_refuses_fifos_devices_and_links_to_them(tmp_path: Path) -> None:
    fifo = hostile.build_fifo(tmp_path / "a")
    zero = hostile.build_dev_zero_link(tmp_path / "b")
    sock = hostile.make_socket(tmp_path / "c" / "s.pt")
    with hostile.hang_guard():
        for path, what in ((fifo, "named pipe (FIFO)"), (zero, "device file /dev/zero")):
            with pytest.raises(NotRegularFile, match=r"not a model file: not opened") as caught:
                inspect_path(path)
            assert caught.value.what == what and isinstance(caught.value, UserError)
        with pytest.raises(NotRegularFile, match="socket"):
            inspect_path(sock)


def test_a_diffusers_config_that_is_a_fifo_is_not_read(
    catalog: Catalog, counting: Counting, tmp_path: Path
) -> None:
    folder = tmp_path / "models" / "vae"
    tiny_vae(folder / "diffusion_pytorch_model.safetensors", seed=1)
    os.mkfifo(folder / "config.json")
    with hostile.hang_guard():
        report = counting.scanner(catalog).scan([tmp_path / "models"])
        with pytest.raises(NotRegularFile, match="config.json"):
            inspect_path(folder)
    assert _by_path(report)[str(folder / "config.json")] == (
        FILE_SKIPPED,
        "named pipe (FIFO): skipped",
    )
    # The weights are still cataloged, as a plain file, without reading the config.
    assert [loc.path for loc in catalog.locations()] == [
        str(folder / "diffusion_pytorch_model.safetensors")
    ]


def test_open_regular_refuses_a_file_swapped_for_a_fifo_after_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tiny_vae(tmp_path / "real.safetensors")
    with open_regular(real, buffering=0) as handle:
        assert os.get_blocking(handle.fileno())  # back to ordinary blocking reads
        assert handle.read(8) == real.read_bytes()[:8]
    fifo = hostile.build_fifo(tmp_path / "swapped")
    # The stat said "regular file" (the swap happened after it): the opened fd decides.
    monkeypatch.setattr("app.core.safe_open.regular_stat", lambda path: os.stat(real))
    with hostile.hang_guard(), pytest.raises(NotRegularFile, match="FIFO"):
        open_regular(fifo)
    monkeypatch.undo()
    with pytest.raises(NotRegularFile, match="FIFO"):
        regular_stat(fifo)


# --- directory links ---------------------------------------------------------------------------


def test_a_diamond_of_20_directory_links_costs_one_visit_per_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = hostile.build_link_diamond(tmp_path)
    listed: list[str] = []
    real_scandir = os.scandir

    def counting_scandir(path):
        listed.append(os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr("app.core.catalog.walk.os.scandir", counting_scandir)
    with hostile.hang_guard():
        walked = walk_roots([str(root)])
    # 2^20 paths lead to the deep file; the walk lists each of the 21 real folders once.
    assert len(listed) == 1 + hostile.LINK_LEVELS + 1
    [found] = walked.found
    first_links = "/".join("a" * hostile.LINK_LEVELS)
    assert found.path == str(root / "start" / first_links / "deep.safetensors")
    assert walked.issues == []


def test_a_link_back_up_the_tree_is_not_followed_and_a_link_loop_is_reported(
    catalog: Catalog, tmp_path: Path
) -> None:
    root = hostile.build_link_cycle(tmp_path)
    with hostile.hang_guard():
        report = scan(catalog, [root], registry=load_registry())
    assert [loc.path for loc in catalog.locations()] == [str(root / "VAE" / "a.safetensors")]
    result, message = _by_path(report)[str(root / "VAE" / "self.ckpt")]
    assert result == FILE_FAILED and message.startswith("cannot read: ")
    assert report.failed


def test_install_discovery_walker_lists_the_diamond_linearly(tmp_path: Path) -> None:
    from app.core.installs.base import ScanContext
    from app.core.installs.environment import Environment, SearchRoot
    from app.core.installs.walker import walk

    root = hostile.build_link_diamond(tmp_path)
    ctx = ScanContext(env=Environment.for_home(tmp_path / "home"), detect=lambda path: [])
    with hostile.hang_guard():
        report = walk([SearchRoot(root, 30)], ctx, time_budget_s=60)
    assert not report.timed_out and report.folders_listed <= 1 + hostile.LINK_LEVELS + 1


# --- file names that are not UTF-8 -------------------------------------------------------------


def _bad_name_folder(tmp_path: Path) -> Path:
    try:
        return hostile.build_bad_utf8_name(tmp_path)
    except OSError as exc:  # macOS (APFS) refuses such names outright
        pytest.skip(f"this file system refuses non-UTF-8 names: {exc}")


def test_a_name_with_invalid_utf8_is_cataloged_losslessly_and_found_again(
    catalog: Catalog, tmp_path: Path
) -> None:
    models = _bad_name_folder(tmp_path)
    bad = hostile.bad_name_path(models)
    assert os.fsencode(bad).endswith(hostile.BAD_NAME)
    registry = load_registry()

    report = scan(catalog, [models], registry=registry)

    assert report.errors == 0 and report.added == 2
    assert _by_path(report)[str(bad)] == (FILE_ADDED, "")
    plain = models / "z_plain.safetensors"
    assert {loc.path for loc in catalog.locations()} == {str(bad), str(plain)}
    entry = catalog.entry_for_path(bad)  # looked up by the very same path
    assert entry is not None and entry.locations == (str(bad),) and entry.sha256
    stored = catalog.connection.execute(
        "SELECT path FROM locations WHERE typeof(path) = 'blob'"
    ).fetchall()
    assert [row[0] for row in stored] == [str(bad)]  # raw bytes in, the same str back

    again = scan(catalog, [models], registry=registry)
    assert again.unchanged == 2 and _by_path(again)[str(bad)][0] == FILE_UNCHANGED
    bad.unlink()
    gone = scan(catalog, [models], registry=registry)
    assert gone.missing == 1 and catalog.locations_missing()[0].path == str(bad)


# --- one bad row never ends the batch ----------------------------------------------------------


def test_a_file_whose_row_cannot_be_stored_is_reported_and_the_rest_are_written(
    catalog: Catalog, counting: Counting, tmp_path: Path
) -> None:
    good = tiny_vae(tmp_path / "m" / "good.safetensors", seed=1)
    odd = tiny_vae(tmp_path / "m" / "odd.safetensors", seed=2)
    root = str(tmp_path / "m")
    scanner = counting.scanner(catalog)
    run = ScanRun(
        catalog, scanner.tools, ScanReport([root], hash_now=True), cancel=None, hash_now=True,
        batch_size=10, commit_seconds=60,
    )  # fmt: skip
    run.begin([root])
    st = os.stat(odd)
    # A file id past SQLite's 64-bit integers (as a 128-bit ReFS file id would be).
    huge = StatKey(st.st_dev, 1 << 64, st.st_size, st.st_mtime_ns, 1)
    run.visit(Found(str(good), str(good), False, False, root, StatKey.of(os.stat(good))))
    run.visit(Found(str(odd), str(odd), False, False, root, huge))
    run.finish([root], [], "done", time.monotonic())

    assert [loc.path for loc in catalog.locations()] == [str(good)]
    assert _by_path(run.report)[str(odd)][0] == FILE_FAILED
    assert "not-cataloged" in {p.code for p in run.report.problems if p.path == str(odd)}
    assert run.report.failed
