"""The README's command table says what ``app.cli`` really takes.

Each row's command (and sub-action) must exist, every ``--option`` the row names
must be one that command accepts, and every command and sub-action the parser
has must have a row.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from app.cli import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def _table_rows() -> list[str]:
    """The first cell of each row of the "Command line" table."""
    text = README.read_text(encoding="utf-8").split("## Command line", 1)[1]
    table = text.split("| command | what it does |", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return [re.split(r"(?<!\\)\|", row)[1] for row in rows]


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse has no public way to list them
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for a in parser._actions for s in a.option_strings}


def _usages(cell: str) -> list[tuple[list[str], list[str]]]:
    """Each ``command [action] [--option ...]`` a cell names (``a`` / ``b`` rows name two)."""
    named = []
    for usage in re.findall(r"`([^`]+)`", cell):
        words = [w for w in usage.split()[:2] if re.fullmatch(r"[a-z][a-z-]*", w)]
        named.append((words, OPTION.findall(usage)))
    return named


def test_every_row_names_real_commands_and_options() -> None:
    commands = _subparsers(build_parser())
    rows = _table_rows()
    assert len(rows) >= 20
    for cell in rows:
        for words, options in _usages(cell):
            parser = commands.get(words[0])
            assert parser is not None, f"README names no command {words[0]!r}: {cell}"
            actions = _subparsers(parser)
            if len(words) > 1 and words[1] in actions:
                parser = actions[words[1]]
            for option in options:
                assert option in _options(parser), (cell, option)


def test_every_command_and_action_has_a_row() -> None:
    named = {tuple(w) for cell in _table_rows() for w, _ in _usages(cell)}
    heads = {w[0] for w in named}
    for name, parser in _subparsers(build_parser()).items():
        assert name in heads, f"the README's command table has no row for {name!r}"
        for action in _subparsers(parser):
            assert (name, action) in named, f"no README row for {name} {action}"


def test_every_option_of_every_command_is_in_its_row() -> None:
    named: dict[tuple[str, ...], set[str]] = {}
    for cell in _table_rows():
        for words, options in _usages(cell):
            named.setdefault(tuple(words), set()).update(options)
    for name, parser in _subparsers(build_parser()).items():
        for key, sub in [((name,), parser)] + [
            ((name, action), p) for action, p in _subparsers(parser).items()
        ]:
            shown = named.get(key, set())
            for action in sub._actions:
                strings = set(action.option_strings) - {"-h", "--help", "--json"}
                if strings:
                    assert strings & shown, f"README's `{' '.join(key)}` row lacks {strings}"
