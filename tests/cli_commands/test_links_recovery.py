"""Damaged link records on the command line: one line with the way out, then ``links set-aside``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app import cli
from app.cli_commands.common import EXIT_ERROR, EXIT_OK
from app.core.linking.records import FILE_NAME
from app.core.paths import app_paths
from tests.core.operations.test_migration_v1 import V1_SCHEMA

GARBAGE = b"garbage " * 1024


def _links_db() -> Path:
    path = app_paths().ensure().data_dir / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", [("links",), ("undo", "--list"), ("undo",)])
def test_a_damaged_file_prints_one_line_with_both_ways_out(capsys, command) -> None:
    path = _links_db()
    path.write_bytes(GARBAGE)
    code, out, err = _run(capsys, *command)
    assert code == EXIT_ERROR and out == ""
    [line] = err.splitlines()
    assert line.startswith(f"error: the links database {path} is damaged")
    assert "`vae-manager links restore`" in line and "`vae-manager links set-aside`" in line
    assert path.read_bytes() == GARBAGE


def test_restore_without_a_backup_then_set_aside(capsys) -> None:
    path = _links_db()
    path.write_bytes(GARBAGE)
    code, out, err = _run(capsys, "links", "restore")
    assert code == EXIT_ERROR and "no usable backup" in err and "links set-aside" in err
    assert path.read_bytes() == GARBAGE

    code, out, err = _run(capsys, "links", "set-aside", "--json")
    assert code == EXIT_OK and err == ""
    aside = Path(json.loads(out)["set_aside"])
    assert aside.name.startswith(f"{FILE_NAME}.broken-") and aside.read_bytes() == GARBAGE

    code, out, _ = _run(capsys, "links")
    assert code == EXIT_OK and out.strip() == "the app made no links (yet)"


def test_restore_puts_back_the_upgrade_backup(capsys) -> None:
    path = _links_db()
    conn = sqlite3.connect(path)  # a file the v1 app wrote
    conn.executescript(V1_SCHEMA + "INSERT INTO operations VALUES ('old-op', 'link', 1.0, NULL);")
    conn.close()
    code, out, _ = _run(capsys, "undo", "--list", "--json")  # upgrades, backing v1 up
    assert code == EXIT_OK and [r["id"] for r in json.loads(out)] == ["old-op"]
    path.write_bytes(GARBAGE)

    code, out, err = _run(capsys, "links", "restore")
    assert code == EXIT_OK, err
    assert out.startswith("restored the link records from ") and "kept as" in out
    code, out, _ = _run(capsys, "undo", "--list", "--json")
    assert code == EXIT_OK and [r["id"] for r in json.loads(out)] == ["old-op"]
