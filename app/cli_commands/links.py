"""Commands about UIs: installs, link, unlink, undo, broken-links."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli_commands.common import EXIT_FAILED_CHECK, EXIT_OK, add_json, existing
from app.cli_output import print_json, print_table, progress_printer
from app.core.errors import UserError


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register this module's commands."""
    cmd = commands.add_parser("installs", help="the UI installs found on this computer")
    cmd.add_argument(
        "--root",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="search only here (repeatable; default: home, user folders, drives)",
    )
    add_json(cmd)
    cmd.set_defaults(handler=installs_command, installs_action=None)
    actions = cmd.add_subparsers(dest="installs_action", metavar="ACTION")
    for name, text in (
        ("add", "remember an install folder"),
        ("remove", "forget an install folder (never reported again)"),
    ):
        sub = actions.add_parser(name, help=text)
        sub.add_argument("path", type=Path)
        add_json(sub)

    cmd = commands.add_parser("link", help="put a VAE into the VAE folder of one or more UIs")
    cmd.add_argument("file", type=Path)
    target = cmd.add_mutually_exclusive_group(required=True)
    target.add_argument("--to", nargs="+", type=Path, metavar="INSTALL_ROOT")
    target.add_argument("--all", action="store_true", help="every install found")
    cmd.add_argument("--mode", choices=("auto", "symlink", "hardlink", "copy"), default="auto")
    cmd.add_argument("--name", help="file name to use in the UI folders (to avoid a clash)")
    cmd.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
    add_json(cmd)
    cmd.set_defaults(handler=link_command)

    cmd = commands.add_parser("unlink", help="remove links the app made (never your own files)")
    cmd.add_argument("paths", nargs="+", type=Path)
    add_json(cmd)
    cmd.set_defaults(handler=unlink_command)

    cmd = commands.add_parser("undo", help="undo a link operation (default: the latest)")
    cmd.add_argument("operation", nargs="?", help="operation id, as printed by link")
    add_json(cmd)
    cmd.set_defaults(handler=undo_command)

    cmd = commands.add_parser("broken-links", help="links whose target is gone, in every install")
    cmd.add_argument("--repair", action="store_true", help="re-point or remove the app's own")
    add_json(cmd)
    cmd.set_defaults(handler=broken_links_command)


def installs_command(args: argparse.Namespace) -> int:
    """List discovered installs, or remember/forget one."""
    from app.core import installs

    if args.installs_action == "remove":
        installs.remove_install(args.path.expanduser().resolve())
        print_json([]) if args.json else print(f"forgot {args.path}")
        return EXIT_OK
    if args.installs_action == "add":
        found = installs.add_install(existing(args.path))
    else:
        found = installs.discover(search_roots=[existing(p) for p in args.root] or None)
    records = [i.to_json() for i in found]
    if args.json:
        print_json(records)
        return EXIT_OK
    rows = [
        (
            r["kind"],
            r["root"],
            "\n".join(f"{f['path']}  ({f['source']})" for f in r["vae_dirs"]) or "-",
        )
        for r in records
    ]
    print_table(("kind", "root", "VAE folders"), rows)
    return EXIT_OK


def link_command(args: argparse.Namespace) -> int:
    """Plan, and unless --dry-run apply, links of one file into several installs."""
    from app.core import installs, linking

    source = existing(args.file)
    if args.all:
        targets = installs.discover()
        if not targets:
            raise UserError("no UI installs found; add one with: installs add PATH")
    else:
        targets = [installs.install_at(existing(root)) for root in args.to]
    plan = linking.plan_links(
        source, targets, mode=args.mode, target_name=args.name, progress=progress_printer("hashing")
    )
    if args.dry_run:
        record = plan.to_json()
        rows = record["entries"]
    else:
        record = linking.apply_plan(plan, progress=progress_printer("copying")).to_json()
        rows = record["outcomes"]
    if args.json:
        print_json(record)
    else:
        print_table(
            ("install", "action", "mode", "file", "why"),
            [
                (r["target"], r["action"], r["mode"] or "-", r["dest"] or "-", r["reason"])
                for r in rows
            ],
        )
        if record.get("operation_id"):
            print(f"undo with: undo {record['operation_id']}")
    failed = {"conflict", "error"}
    return EXIT_FAILED_CHECK if any(r["action"] in failed for r in rows) else EXIT_OK


def unlink_command(args: argparse.Namespace) -> int:
    """Remove links the app made at the given paths."""
    from app.core import linking

    result = linking.unlink([p.expanduser().absolute() for p in args.paths])
    return _print_unlink_result(result.to_json(), args.json)


def undo_command(args: argparse.Namespace) -> int:
    """Undo one link operation, by default the latest not yet undone."""
    from app.core import linking

    operation = args.operation
    if operation is None:
        pending = [op for op in linking.LinkStore().operations() if op.undone_at is None]
        if not pending:
            raise UserError("nothing to undo")
        operation = pending[0].id
    return _print_unlink_result(linking.undo(operation).to_json(), args.json)


def _print_unlink_result(record: dict, as_json: bool) -> int:
    outcomes = record["outcomes"]
    if as_json:
        print_json(record)
    else:
        rows = [(o["path"], "yes" if o["removed"] else "no", o["reason"]) for o in outcomes]
        print_table(("path", "removed", "why"), rows)
    return EXIT_OK if all(o["removed"] for o in outcomes) else EXIT_FAILED_CHECK


def broken_links_command(args: argparse.Namespace) -> int:
    """Find (and with --repair, fix) links whose target is gone in every install's VAE folder."""
    from app.core import installs, linking

    folders = [f.path for i in installs.discover() for f in i.vae_dirs]
    broken = linking.find_broken_links(folders)
    records = [b.to_json() for b in broken]
    if args.repair and broken:
        records = [o.to_json() for o in linking.repair_broken_links(broken)]
    if args.json:
        print_json(records)
    elif not records:
        print("no broken links")
    else:
        print_table(tuple(records[0]), [tuple(str(v) for v in r.values()) for r in records])
    return EXIT_OK
