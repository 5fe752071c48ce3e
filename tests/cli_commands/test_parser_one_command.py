"""``build_parser(command)`` builds one command's parser, and it parses as the full one does."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


FULL = _commands(build_parser())


@pytest.mark.parametrize("name", sorted(FULL))
def test_one_command_parser_matches_the_full_one(name: str) -> None:
    only = _commands(build_parser(name))
    assert list(only) == [name]
    assert only[name].format_help() == FULL[name].format_help()


def test_import_arguments_parse_the_same() -> None:
    argv = ["import", "--hardlink", "--extract-vae", "--json", "a.safetensors", "b"]
    assert vars(build_parser("import").parse_args(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("first", ["importx", "--version", "-h", "not a command"])
def test_anything_else_builds_every_command(first: str) -> None:
    assert list(_commands(build_parser(first))) == list(FULL)


def test_a_mistyped_command_still_lists_every_choice(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["importx"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'importx'" in err
    assert all(f"'{name}'" in err for name in FULL)


def test_an_import_does_not_load_what_only_undo_needs() -> None:
    """The trash, undo, uuid and secrets stay unloaded until used (~5 ms of every import)."""
    code = (
        "import sys, app.cli, app.cli_commands.library, app.core.operations.import_files, "
        "app.core.library.importer, app.core.library.copy_in\n"
        "late = ('app.core.trash', 'app.core.operations.undo', 'uuid', 'secrets')\n"
        "print(sorted(m for m in late if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
