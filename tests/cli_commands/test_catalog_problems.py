"""A damaged or locked catalog on the command line: one line with the way out, no traceback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli
from app.cli_commands import catalog as catalog_commands
from app.cli_commands.common import EXIT_BUG, EXIT_ERROR, EXIT_OK
from app.core import sqlite_db
from app.core.catalog.schema import MIGRATIONS
from app.core.catalog.store import Catalog
from app.core.paths import app_paths
from tests.model_files import ldm_vae_state_dict, write_safetensors

MAIN = Path(__file__).resolve().parents[2] / "main.py"


def _vae(seed: int):
    import torch

    return ldm_vae_state_dict(ch=32, seed=seed, dtype=torch.float16)


def _catalog_path() -> Path:
    return app_paths().ensure().catalog_db


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_with_a_garbage_catalog_prints_one_line_with_both_ways_out(capsys) -> None:
    path = _catalog_path()
    path.write_bytes(os.urandom(4096))
    code, out, err = _run(capsys, "list")
    assert code == EXIT_ERROR and out == ""
    [line] = err.splitlines()
    assert line.startswith(
        f"error: the catalog database {path} is damaged (file is not a database)"
    )
    assert "`vae-manager catalog restore`" in line and "`vae-manager catalog rebuild`" in line
    assert "Traceback" not in err


def test_the_same_in_a_real_process(app_home: Path) -> None:
    """What a user sees: nothing but the line on stderr, exit 2 (README's 'could not run')."""
    _catalog_path().write_bytes(b"SQLite format 3\0" + os.urandom(200))  # a header cut short
    done = subprocess.run([sys.executable, str(MAIN), "list"], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ), check=False)  # fmt: skip
    assert done.returncode == EXIT_ERROR and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("error: the catalog database ") and "catalog rebuild" in line


def test_a_locked_catalog_fails_a_scan_with_one_line(
    capsys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sqlite_db, "BUSY_TIMEOUT_MS", 200)
    path = _catalog_path()
    Catalog(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program writing
    try:
        (tmp_path / "models").mkdir()
        code, _out, err = _run(capsys, "scan", str(tmp_path / "models"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == EXIT_ERROR
    [line] = err.splitlines()
    assert "is locked by another program" in line and "catalog restore" in line


def test_a_catalog_from_a_newer_app_says_update(capsys) -> None:
    Catalog(_catalog_path(), migrations=[*MIGRATIONS, "SELECT 1;"]).close()
    code, _out, err = _run(capsys, "list")
    assert code == EXIT_ERROR
    [line] = err.splitlines()
    assert "written by a newer version of the app" in line and "update the app" in line


def test_restore_brings_back_the_backup_and_list_works_again(capsys, tmp_path: Path) -> None:
    path = _catalog_path()
    models = tmp_path / "models"
    write_safetensors(models / "vae.safetensors", _vae(3))
    assert _run(capsys, "scan", str(models))[0] == EXIT_OK
    with Catalog(path, migrations=[*MIGRATIONS, "SELECT 1;"]) as cat:  # an upgrade: a backup
        assert cat.backup_path is not None
    path.write_bytes(b"garbage")
    code, out, err = _run(capsys, "catalog", "restore", "--json")
    assert code == EXIT_OK, err
    record = json.loads(out)
    assert Path(record["set_aside"]).read_bytes() == b"garbage"
    code, out, _err = _run(capsys, "list", "--json")
    assert code == EXIT_OK
    assert [Path(loc).name for e in json.loads(out) for loc in e["locations"]] == [
        "vae.safetensors"
    ]


def test_restore_without_a_backup_points_to_rebuild(capsys) -> None:
    _catalog_path().write_bytes(b"garbage")
    code, _out, err = _run(capsys, "catalog", "restore")
    assert code == EXIT_ERROR
    [line] = err.splitlines()
    assert "no usable backup" in line and "rebuild" in line


def test_rebuild_sets_the_file_aside_and_rescans(capsys, monkeypatch, tmp_path: Path) -> None:
    from app.core.library import library_root

    write_safetensors(library_root() / "VAE" / "vae.safetensors", _vae(4))
    path = _catalog_path()
    path.write_bytes(b"garbage")
    code, out, err = _run(capsys, "catalog", "rebuild", "--json")
    assert code == EXIT_OK, err
    assert "the old file was kept as" in err
    [aside] = [p for p in path.parent.iterdir() if ".broken-" in p.name]
    assert aside.read_bytes() == b"garbage"
    assert any(f["path"].endswith("vae.safetensors") for f in json.loads(out)["files"])
    code, out, _err = _run(capsys, "list", "--json")
    assert code == EXIT_OK and len(json.loads(out)) == 1


def test_a_bug_is_one_line_naming_the_log_and_exits_1(capsys, monkeypatch) -> None:
    def broken(args):
        return {}["no such key"]  # a real bug in a command

    monkeypatch.setattr(catalog_commands, "list_command", broken)
    code, out, err = _run(capsys, "list")
    assert code == EXIT_BUG and out == ""
    [line] = err.splitlines()
    log = app_paths().log_dir / "vae-manager.log"
    assert line == (
        "error: this is a bug in VAE Manager, not something you did (KeyError: 'no such key'); "
        f"the traceback is in {log}"
    )
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "no such key" in text


def test_a_bug_in_a_worker_thread_is_the_same_one_line(capsys, monkeypatch) -> None:
    import threading

    def spawns_a_broken_worker(args):
        worker = threading.Thread(target=lambda: [][1])  # IndexError in the thread
        worker.start()
        worker.join()
        return EXIT_OK

    monkeypatch.setattr(catalog_commands, "list_command", spawns_a_broken_worker)
    hook_before = threading.excepthook
    code, _out, err = _run(capsys, "list")
    assert code == EXIT_OK  # the command itself went on
    [line] = err.splitlines()
    assert line.startswith("error: this is a bug in VAE Manager, not something you did (IndexError")
    assert "Traceback" not in err
    assert threading.excepthook is hook_before  # put back when the command ends
