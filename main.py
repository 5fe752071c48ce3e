"""Start VAE Manager: the window with no arguments, the command-line interface with a command."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    """Dispatch to the CLI when a command or option is given, else open the window."""
    if "--self-test" in argv:
        from app.gui.launch import launch_self_test

        return launch_self_test(argv)
    if argv:
        from app.cli import main as cli_main

        return cli_main(argv)
    from app.gui.launch import launch_gui

    return launch_gui()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
