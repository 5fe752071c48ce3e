"""Start VAE Manager: the window (optionally importing files), or the command-line interface."""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    """Open the window, run the self-test, or hand the arguments to the CLI.

    Before Qt starts, the window side checks for a display and for the system
    libraries its display plugin needs (``app.gui.launch.window_blocker``) and
    says what to install instead of letting Qt abort.

    A command or an option goes to the CLI; arguments that are all existing files
    or folders ("Open with VAE Manager", files dropped on the icon) open the
    window and import them.
    """
    argv = [a for a in argv if not a.startswith("-psn_")]  # macOS Finder adds these
    if "--self-test" in argv:
        from app.gui.launch import launch_self_test

        return launch_self_test(argv)
    if argv:
        from app.cli import main as cli_main

        # An option, or anything that is not a path: the CLI. Only when every argument
        # exists does the first need telling from a command (a file named "scan"): the
        # command list costs a whole argument parser, so it is built only then.
        if argv[0].startswith("-") or not all(os.path.exists(a) for a in argv):
            return cli_main(argv)
        from app.cli import command_names

        if argv[0] in command_names():
            return cli_main(argv)
    from app.gui.launch import launch_gui

    return launch_gui(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
