"""Hostile torch files: each one proven dangerous (or explosive) and then refused, bounded.

Execution classes: a plain ``torch.load(weights_only=False)`` in a subprocess runs the
payload (a marker file appears), then the app (core, ``inspect --json``, ``scan`` and
``import`` of a folder holding them, ``load_state_dict``) refuses a fresh copy with the
specific reason and the marker never appears. The bomb, flood and huge-length classes run
through the CLI in a subprocess under a 1.5 GiB address-space limit and a timeout (a hang
guard, not a timing assertion), so a blow-up fails the test instead of the machine.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import torch

from app.core.errors import UserError
from app.core.inspection import inspect_path, load_state_dict
from tests.core.inspection import hostile_archives as ha

ROOT = Path(__file__).resolve().parents[3]
MEMORY_LIMIT = 1536 << 20
HANG_GUARD_S = 120

# class builder -> (problem code, words the reason must contain)
EXPECTED = {
    ha.build_duplicate_member: ("unsafe-pickle", "two zip members are named"),
    ha.build_nul_in_name: ("unsafe-pickle", "NUL"),
    ha.build_case_folded_name: ("unsafe-pickle", "os.system"),
    ha.build_local_name_mismatch: ("unsafe-pickle", "local header names another file"),
    ha.build_tar_legacy: ("unsafe-pickle", "os.system"),
    ha.build_protocol0_pickle: ("unsafe-pickle", "os.system"),
    ha.build_protocol1_legacy: ("unsafe-pickle", "system"),
    ha.build_safetensors_polyglot: ("unsafe-pickle", "os.system"),
    ha.build_two_folders: ("unsafe-pickle", "outside the archive folder"),
    ha.build_trailing_after_zip: ("unsafe-pickle", "after the zip's end record"),
    ha.build_gap_in_zip: ("unsafe-pickle", "belong to no member"),
    ha.build_local_size_mismatch: ("unsafe-pickle", "disagrees on its size"),
    ha.build_trailing_in_data_pkl: ("unsafe-pickle", "after the end of its pickle"),
    ha.build_torchscript: ("unsafe-pickle", "TorchScript"),
    ha.build_zip_bomb_pickle: ("unsafe-pickle", "zip bomb"),
    ha.build_zip_bomb_storage: ("unsafe-pickle", "zip bomb"),
    ha.build_shared_subdict_flood: ("unsafe-pickle", "200,000 entries"),
    ha.build_opcode_flood: ("unsafe-pickle", "2,000,000 opcodes"),
    ha.build_mark_flood: ("unsafe-pickle", "MARKs"),
    ha.build_huge_binbytes8: ("truncated", "ends early"),
    ha.build_oversized_legacy_pickle: ("unsafe-pickle", "longer than 256 MiB"),
    ha.build_bytearray_allocation: ("unsafe-pickle", "builtins.bytearray"),
    ha.build_deep_tuple: ("unsafe-pickle", "nests tuples"),
    ha.build_huge_memo_index: ("unsafe-pickle", "memo index"),
    ha.build_view_past_storage: ("corrupt", "views 4,000,000 bytes of storage 0"),
    ha.build_missing_storage: ("corrupt", "storage 0 is missing"),
}
EXECUTION = [build for _name, build in ha.EXECUTION_CASES]
BOUNDED = [(build, argv) for _name, build, argv in ha.CASES if build not in EXECUTION]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        preexec_fn=_limit_memory,
    )


def _plain_torch_load(paths: list[Path]) -> None:
    """What an unprotected UI does: torch.load(weights_only=False), errors ignored."""
    code = (
        "import sys, torch\n"
        "for p in sys.argv[1:]:\n"
        "    try: torch.load(p, weights_only=False)\n"
        "    except Exception: pass\n"
    )
    subprocess.run([sys.executable, "-c", code, *map(str, paths)], timeout=HANG_GUARD_S)


def _assert_refused(problems: list[dict], build) -> None:
    code, words = EXPECTED[build]
    assert problems, "no problem reported"
    assert problems[0]["code"] == code, problems
    assert words in problems[0]["message"], problems


@pytest.fixture(scope="module")
def proven(tmp_path_factory) -> dict:
    """Every execution class built once and loaded with a plain torch.load: marker seen?"""
    root = tmp_path_factory.mktemp("proof")
    paths = {build: build(root / build.__name__) for build in EXECUTION}
    _plain_torch_load(list(paths.values()))
    return {build: ha.marker_for(path).exists() for build, path in paths.items()}


@pytest.mark.parametrize("build", EXECUTION, ids=lambda b: b.__name__)
def test_execution_class_runs_under_plain_torch_load_and_is_refused(tmp_path, proven, build):
    assert proven[build], "the plain torch.load did not run the payload: not a real threat"
    path = build(tmp_path / "copy")
    marker = ha.marker_for(path)

    inspection = inspect_path(path)
    _assert_refused([p.to_json() for p in inspection.problems], build)
    assert inspection.kind == "other"

    result = _cli("inspect", "--json", str(path))
    assert result.returncode == 1, result.stderr  # an unsafe file fails the check
    _assert_refused(json.loads(result.stdout)["problems"], build)

    with pytest.raises(UserError, match=EXPECTED[build][0]):
        load_state_dict(path)
    assert not marker.exists()


def test_zipfile_and_torch_see_different_pickles(tmp_path):
    # The reason the zip classes are ambiguous: zipfile reads the clean copy.
    for build in (ha.build_duplicate_member, ha.build_nul_in_name):
        with zipfile.ZipFile(build(tmp_path / build.__name__)) as zf:
            assert b"system" not in zf.read("archive/data.pkl")
    with zipfile.ZipFile(ha.build_case_folded_name(tmp_path / "case")) as zf:
        assert not [n for n in zf.namelist() if n.endswith("/data.pkl")]
    local = zipfile.ZipFile(ha.build_local_name_mismatch(tmp_path / "local"))
    with local, pytest.raises(zipfile.BadZipFile, match="differ"):
        local.read("archive/data.pkl")


def test_scan_and_import_of_a_folder_of_them_refuse_each_and_run_nothing(tmp_path):
    folder = tmp_path / "models"
    paths = [build(folder) for build in EXECUTION]
    scanned = _cli("scan", "--json", str(folder))
    assert scanned.returncode in (0, 1), scanned.stderr
    problems = {p["path"]: p for p in json.loads(scanned.stdout)["problems"]}
    for build, path in zip(EXECUTION, paths, strict=True):
        _assert_refused([problems[str(path)]], build)

    imported = _cli("import", "--json", str(folder))
    assert imported.returncode in (0, 1), imported.stderr
    outcomes = {o["path"]: o for o in json.loads(imported.stdout)}
    for build, path in zip(EXECUTION, paths, strict=True):
        assert outcomes[str(path)]["action"] == "refused"
        assert EXPECTED[build][1] in outcomes[str(path)]["reason"]
    assert not ha.marker_for(paths[0]).exists()


@pytest.mark.parametrize("build, argv", BOUNDED, ids=lambda v: getattr(v, "__name__", ""))
def test_bounded_class_is_refused_within_memory_and_time(tmp_path, build, argv):
    path = build(tmp_path)
    result = _cli(*argv, str(path))
    assert result.returncode in (0, 1), result.stderr[-2000:]
    _assert_refused(json.loads(result.stdout)["problems"], build)
    assert not ha.marker_for(path).exists()


def test_torch_itself_refuses_the_view_past_its_storage(tmp_path):
    # The app's "corrupt" mirrors torch: weights-only loading refuses the same view.
    with pytest.raises(RuntimeError, match="storage"):
        torch.load(ha.build_view_past_storage(tmp_path), weights_only=True)


def test_bytearray_size_is_what_weights_only_loading_would_allocate(tmp_path):
    # The allocation is real in the loader the app runs, so refusing it is not paranoia:
    # with 1 GiB of address space to spare, the clean file loads and the 91-byte call fails.
    code = (
        "import resource, sys, torch\n"
        "spare = int(open('/proc/self/statm').read().split()[0]) * resource.getpagesize()\n"
        "resource.setrlimit(resource.RLIMIT_AS, (spare + (1 << 30),) * 2)\n"
        "torch.load(sys.argv[1], weights_only=True)\n"
        "print('clean file loaded', flush=True)\n"
        "torch.load(sys.argv[2], weights_only=True)\n"
    )
    clean = ha._write(tmp_path / "clean.ckpt", ha.zip_bytes(ha.torch_zip_entries(ha._benign())))
    path = ha.build_bytearray_allocation(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", code, str(clean), str(path)],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert "clean file loaded" in result.stdout, result.stderr
    assert result.returncode != 0 and "MemoryError" in result.stderr
