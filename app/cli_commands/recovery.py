"""``catalog restore`` and ``catalog rebuild``: the way out of a damaged or locked catalog."""

from __future__ import annotations

import argparse
import sys

from app.cli_commands.common import EXIT_OK, add_json, app_state
from app.cli_output import print_json


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``catalog restore`` and ``catalog rebuild``."""
    group = commands.add_parser("catalog", help="restore or rebuild a damaged catalog")
    actions = group.add_subparsers(dest="catalog_action", metavar="ACTION", required=True)
    cmd = actions.add_parser("restore", help="put back the newest backup of the catalog")
    add_json(cmd)
    cmd.set_defaults(handler=restore_command)
    cmd = actions.add_parser(
        "rebuild", help="set the catalog aside (nothing is deleted) and rescan your folders"
    )
    cmd.add_argument("--no-scan", action="store_true", help="start empty; scan later")
    cmd.add_argument("--no-hash", action="store_true", help="rescan now, hash later")
    add_json(cmd)
    cmd.set_defaults(handler=rebuild_command)


def restore_command(args: argparse.Namespace) -> int:
    """Restore the newest backup; the damaged file is kept beside it."""
    from app.core.catalog.recovery import restore_catalog

    done = restore_catalog(app_state().catalog_db)
    record = {"restored_from": str(done.backup), "set_aside": _text(done.set_aside)}
    if args.json:
        print_json(record)
    else:
        print(f"restored the catalog from {done.backup}")
        if done.set_aside is not None:
            print(f"the previous file was kept as {done.set_aside}")
    return EXIT_OK


def rebuild_command(args: argparse.Namespace) -> int:
    """Set the catalog aside, start an empty one and rescan the default folders."""
    from app.cli_commands.catalog import scan_command
    from app.core.catalog.recovery import rebuild_catalog

    done = rebuild_catalog(app_state().catalog_db)
    kept = f"; the old file was kept as {done.set_aside}" if done.set_aside else ""
    print(f"started an empty catalog{kept}", file=sys.stderr)  # stdout: the scan's report
    if args.no_scan:
        if args.json:
            print_json({"set_aside": _text(done.set_aside)})
        return EXIT_OK
    return int(scan_command(argparse.Namespace(paths=[], no_hash=args.no_hash, json=args.json)))


def _text(path: object) -> str | None:
    return None if path is None else str(path)
