"""scan / import / verify of hostile folders through the real CLI, each in a subprocess.

The subprocess timeout is the hang guard: before the fix a FIFO or a link to
``/dev/zero`` made these commands block forever. Each test checks that every
input is reported with its reason, that JSON is printed, that the exit code
follows the README (0 all fine, 1 something failed, 2 could not run), and that
the files before and after a bad one were handled.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.catalog import hostile_paths as hostile
from tests.core.installs import trees

pytestmark = pytest.mark.skipif(os.name == "nt", reason="FIFOs, sockets and /dev/zero are POSIX")

MAIN = Path(__file__).resolve().parents[2] / "main.py"
HANG_GUARD_S = 60


def _cli(*args: str | bytes | Path) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, str(MAIN), *(os.fsencode(a) for a in args)],
        capture_output=True,
        timeout=HANG_GUARD_S,
        env=env,
        check=False,
    )


def _json(done: subprocess.CompletedProcess[bytes]):
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    return json.loads(done.stdout.decode("utf-8"))  # strict UTF-8: the output must be valid


def _names(items, key: str = "path") -> dict[str, dict]:
    return {os.path.basename(item[key]): item for item in items}


def test_scan_lists_special_files_as_skipped_and_exits_0(tmp_path: Path) -> None:
    roots = [
        hostile.build_fifo_folder(tmp_path),
        hostile.build_dev_zero_folder(tmp_path),
        hostile.build_socket_folder(tmp_path),
        hostile.build_link_diamond(tmp_path),
    ]
    done = _cli("scan", *roots, "--json")
    report = _json(done)
    assert done.returncode == 0
    files = {(f["path"], f["result"], f["message"]) for f in report["files"]}
    assert (str(roots[0] / "b_pipe.safetensors"), "skipped", "named pipe (FIFO): skipped") in files
    assert (str(roots[1] / "b_zero.ckpt"), "skipped", "device file /dev/zero: skipped") in files
    assert (str(roots[2] / "b_sock.pt"), "skipped", "socket: skipped") in files
    added = sorted(os.path.basename(f["path"]) for f in report["files"] if f["result"] == "added")
    assert added == ["a_real.safetensors"] * 3 + ["deep.safetensors"]  # the diamond: once


def test_inspect_of_a_fifo_or_a_link_to_dev_zero_is_a_one_line_error(tmp_path: Path) -> None:
    for path, what in (
        (hostile.build_fifo(tmp_path / "a"), "named pipe (FIFO)"),
        (hostile.build_dev_zero_link(tmp_path / "b"), "device file"),
    ):
        done = _cli("inspect", path, "--json")
        assert done.returncode == 2 and done.stdout == b""
        [line] = done.stderr.decode().splitlines()
        assert line.startswith("error: ") and what in line and "not opened" in line


def test_import_goes_past_every_bad_file_and_reports_each(tmp_path: Path, app_home: Path) -> None:
    batch = hostile.build_mixed_batch(tmp_path)
    done = _cli("import", batch, "--json")
    outcomes = _names(_json(done))
    assert done.returncode == 1  # something was refused
    expected = {
        "a_good.safetensors": ("imported", "copied"),
        "b_pipe.safetensors": ("skipped", "named pipe (FIFO): skipped"),
        "c_zero.ckpt": ("skipped", "device file /dev/zero: skipped"),
        "d_sock.pt": ("skipped", "socket: skipped"),
        "e_loop.pt": ("refused", "cannot read: Too many levels of symbolic links"),
        hostile.long_name("h"): ("imported", "copied"),
        "z_good.safetensors": ("imported", "copied"),
    }
    for name, (action, reason) in expected.items():
        assert (outcomes[name]["action"], outcomes[name]["reason"]) == (action, reason), name
    assert outcomes["f_cut.safetensors"]["action"] == "refused"
    assert outcomes["f_cut.safetensors"]["reason"].startswith("truncated:")
    assert outcomes["g_evil.ckpt"]["action"] == "refused"
    assert outcomes["g_evil.ckpt"]["reason"].startswith("unsafe-pickle:")
    bad_name = os.fsdecode(b"i_" + hostile.BAD_NAME)
    assert outcomes[bad_name]["action"] == "imported"
    assert len(outcomes) == 10  # every input, nothing lost
    assert not (tmp_path / "MARKER").exists()
    library = sorted(os.listdir(os.fsencode(app_home / "data" / "library" / "VAE")))
    assert library == sorted(
        [b"a_good.safetensors", os.fsencode(hostile.long_name("h")), b"i_" + hostile.BAD_NAME,
         b"z_good.safetensors"]
    )  # fmt: skip


def test_scan_and_verify_of_the_same_batch_report_every_input(tmp_path: Path) -> None:
    batch = hostile.build_mixed_batch(tmp_path)
    scanned = _cli("scan", batch, "--json")
    files = _names(_json(scanned)["files"])
    assert scanned.returncode == 1  # e_loop.pt could not be read
    assert files["e_loop.pt"]["result"] == "failed"
    assert files["b_pipe.safetensors"]["result"] == "skipped"
    assert files["f_cut.safetensors"]["validation"] == "invalid"
    assert files["g_evil.ckpt"]["validation"] == "invalid"
    assert files["a_good.safetensors"]["result"] == files["z_good.safetensors"]["result"] == "added"
    assert len(files) == 10

    verified = _cli("verify", batch, "--json")
    results = _names(_json(verified))
    assert verified.returncode == 1
    assert results["e_loop.pt"]["validation"] == "unreadable"
    assert results["c_zero.ckpt"]["validation"] == "skipped"
    assert results["g_evil.ckpt"]["validation"] == "invalid"
    assert results["z_good.safetensors"]["validation"] == "unknown"
    assert len(results) == 10
    assert not (tmp_path / "MARKER").exists()


def test_an_invalid_utf8_name_round_trips_through_json_verify_and_link(tmp_path: Path) -> None:
    try:
        models = hostile.build_bad_utf8_name(tmp_path)
    except OSError as exc:  # macOS (APFS) refuses such names
        pytest.skip(f"this file system refuses non-UTF-8 names: {exc}")
    raw = os.fsencode(hostile.bad_name_path(models))

    scanned = _cli("scan", models, "--json")
    assert scanned.returncode == 0
    shown = [f["path"] for f in _json(scanned)["files"] if f["path"].endswith(".safetensors")]
    assert raw in {os.fsencode(p) for p in shown}  # the JSON string gives the bytes back
    assert b"\\udcff" in scanned.stdout  # shown as an escape, the output stays UTF-8

    verified = _cli("verify", raw, "--json")
    [result] = _json(verified)
    assert verified.returncode == 0 and os.fsencode(result["path"]) == raw

    listed = _json(_cli("list", "--json"))
    assert raw in {os.fsencode(p) for e in listed for p in e["locations"]}

    ui = trees.make_a1111(tmp_path / "ui" / "webui")
    linked = _cli("link", raw, "--to", ui, "--json")
    assert linked.returncode == 0, linked.stderr
    [outcome] = _json(linked)["outcomes"]
    dest = os.fsencode(outcome["dest"])
    assert outcome["action"] == "created" and os.path.samefile(dest, raw)
    unlinked = _cli("unlink", dest, "--json")
    assert unlinked.returncode == 0 and not os.path.lexists(dest)


def test_human_scan_output_shows_an_undecodable_name_escaped(tmp_path: Path) -> None:
    try:
        models = hostile.build_bad_utf8_name(tmp_path)
    except OSError as exc:
        pytest.skip(f"this file system refuses non-UTF-8 names: {exc}")
    _cli("scan", models)
    done = _cli("list")
    assert done.returncode == 0 and b"vae-\\udcff.safetensors" in done.stdout
