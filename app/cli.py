"""Command-line front over the same core calls the GUI makes.

Every command prints a human table, or JSON with ``--json``; it exits 0 on
success and non-zero with a one-line error otherwise: a
:class:`~app.core.errors.UserError` is printed as it is (exit 2); anything else
is a bug, whose traceback goes to the log file while the terminal gets one line
saying so and where the log is (exit 1), never a raw traceback. The commands live in
:mod:`app.cli_commands`, one module per area; heavy modules are imported inside
the commands so ``--help`` stays instant.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Callable, Sequence

from app import APP_NAME, __version__
from app.cli_commands import catalog, downloads, library, links, preview, recovery, settings
from app.cli_commands.common import EXIT_BUG, EXIT_ERROR, EXIT_OK
from app.core.errors import Cancelled, UserError

COMMAND_MODULES = (catalog, recovery, library, links, downloads, preview, settings)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with no command, ``main.py`` opens the window.

    With ``command`` (the first argument), only that command's parser is built (the
    others' 25-odd parsers cost ~3 ms of every run); a name no module registers
    builds them all, so help and "invalid choice" errors read as always.
    """
    parser = argparse.ArgumentParser(
        prog="vae-manager",
        description=f"{APP_NAME}: find, verify, download, preview and link Stable Diffusion VAEs. "
        "Run without a command to open the window.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    if command is not None and not command.startswith("-"):
        only = _OnlyCommand(commands, command)
        for module in COMMAND_MODULES:
            module.add_commands(only)  # add_parser is all they call
        if only.found:
            return parser
        return build_parser()
    for module in COMMAND_MODULES:
        module.add_commands(commands)
    return parser


class _Ignored:
    """Swallows the building of a parser nobody will use (any call, any attribute)."""

    def __getattr__(self, name: str) -> _Ignored:
        return self

    def __call__(self, *args: object, **kwargs: object) -> _Ignored:
        return self


class _OnlyCommand:
    """Stands in for the subparsers action: builds one command's parser, ignores the rest."""

    def __init__(
        self, commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str
    ) -> None:
        self._commands = commands
        self._name = name
        self.found = False

    def add_parser(self, name: str, **kwargs: object) -> argparse.ArgumentParser | _Ignored:
        aliases = kwargs.get("aliases") or ()
        if name != self._name and self._name not in aliases:  # type: ignore[operator]
            return _Ignored()
        self.found = True
        return self._commands.add_parser(name, **kwargs)  # type: ignore[arg-type]


def command_names() -> set[str]:
    """The CLI's command names (main.py tells a command from a file to open with them)."""
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(commands.choices)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv else None)
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):  # a file name with undecodable bytes: \udcXX
        sys.stdout.reconfigure(errors="backslashreplace")
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    previous_hook = threading.excepthook
    threading.excepthook = _thread_bug_hook(args.command)  # a worker's bug: the same one line
    try:
        handler: Callable[[argparse.Namespace], int] = args.handler  # set_defaults
        return handler(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Cancelled:
        print("cancelled", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - a bug: one line here, the traceback in the log
        return _report_bug(exc, args.command)
    finally:
        threading.excepthook = previous_hook


def _thread_bug_hook(command: str) -> Callable[[threading.ExceptHookArgs], None]:
    """What a worker thread's uncaught exception does while a command runs: log it, one line."""

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or isinstance(args.exc_value, (SystemExit, KeyboardInterrupt)):
            return
        if isinstance(args.exc_value, Exception):
            _report_bug(args.exc_value, command)

    return hook


def _report_bug(exc: Exception, command: str) -> int:
    """Log the traceback and print one line that says it is a bug and where the log is."""
    from app.core.bug_log import record_bug

    log = record_bug(exc, f"the {command} command")
    where = f"the traceback is in {log}" if log else "the log could not be written"
    summary = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    print(
        f"error: this is a bug in {APP_NAME}, not something you did ({summary}); {where}",
        file=sys.stderr,
    )
    return EXIT_BUG


if __name__ == "__main__":
    raise SystemExit(main())
