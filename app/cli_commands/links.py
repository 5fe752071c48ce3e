"""Commands about UIs and the app's operations: installs, link, unlink, links, remove, undo."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli_commands.common import EXIT_FAILED_CHECK, EXIT_OK, add_json, catalog, existing
from app.cli_output import print_json, print_table, progress_printer
from app.core.errors import UserError

if TYPE_CHECKING:  # the installs package walks disks: import it when a command runs
    from app.core.installs.records import Install
    from app.core.linking.apply import LinkOutcome
    from app.core.linking.plan import PlanEntry


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    cmd.add_argument("file", type=Path, metavar="PATH")
    target = cmd.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--into", "--to", dest="to", nargs="+", type=Path, metavar="ROOT", help="install roots"
    )
    target.add_argument("--all", action="store_true", help="every install found")
    cmd.add_argument("--mode", choices=("auto", "symlink", "hardlink", "copy"), default="auto")
    cmd.add_argument("--name", help="file name to use in the UI folders (to avoid a clash)")
    cmd.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
    add_json(cmd)
    cmd.set_defaults(handler=link_command)

    cmd = commands.add_parser("unlink", help="remove links the app made (never your own files)")
    cmd.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    cmd.add_argument(
        "--from",
        dest="installs",
        nargs="+",
        type=Path,
        metavar="ROOT",
        help="only in these installs; PATH may then be the library file",
    )
    add_json(cmd)
    cmd.set_defaults(handler=unlink_command)

    cmd = commands.add_parser("links", help="what the app linked where")
    add_json(cmd)
    cmd.set_defaults(handler=links_command, links_action=None)
    actions = cmd.add_subparsers(dest="links_action", metavar="ACTION")
    add_json(actions.add_parser("restore", help="put back the newest backup of the link records"))
    add_json(
        actions.add_parser(
            "set-aside",
            help="rename the link records (nothing is deleted) and start empty: the app then "
            "leaves the links it made alone as your own files",
        )
    )

    cmd = commands.add_parser("remove", help="move a file to the trash (its app links first)")
    cmd.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    add_json(cmd)
    cmd.set_defaults(handler=remove_command)

    cmd = commands.add_parser("undo", help="undo an operation (default: the latest)")
    cmd.add_argument("operation", nargs="?", help="operation id, as printed by each command")
    cmd.add_argument("--list", action="store_true", help="recent operations and what undo does")
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
    if args.json:
        print_json([i.to_json() for i in found])
        return EXIT_OK
    rows = [
        (i.kind, i.root, "\n".join(f"{f.path}  ({f.source})" for f in i.vae_dirs) or "-")
        for i in found
    ]
    print_table(("kind", "root", "VAE folders"), rows)
    return EXIT_OK


def _installs_at(roots: list[Path]) -> list[Install]:
    from app.core import installs

    return [installs.install_at(existing(root)) for root in roots]


def link_command(args: argparse.Namespace) -> int:
    """Plan, and unless --dry-run apply, links of one file into several installs."""
    from app.core import installs, linking
    from app.core.operations.link import link_into

    source = existing(args.file)
    if args.all:
        targets = installs.discover()
        if not targets:
            raise UserError("no UI installs found; add one with: installs add PATH")
    else:
        targets = _installs_at(args.to)
    rows: Sequence[PlanEntry | LinkOutcome]
    if args.dry_run:
        plan = linking.plan_links(
            source, targets, args.mode, args.name, progress=progress_printer("hashing")
        )
        record, rows, preview = plan.to_json(), plan.entries, None
    else:
        result = link_into(
            source, targets, mode=args.mode, target_name=args.name,
            progress=progress_printer("linking"),
        )  # fmt: skip
        preview = _undo_preview(result.operation_id)
        record, rows = {**result.to_json(), "undo": preview}, result.outcomes
    if args.json:
        print_json(record)
    else:
        undo_text = {"created": "removes this link"}
        print_table(
            ("install", "action", "mode", "file", "why", "undo"),
            [
                (r.target, r.action, r.mode or "-", r.dest or "-", r.reason or "-",
                 undo_text.get(r.action, "-"))
                for r in rows
            ],
        )  # fmt: skip
        _print_notes((), preview)
    failed = {"conflict", "error"}
    return EXIT_FAILED_CHECK if any(r.action in failed for r in rows) else EXIT_OK


def _undo_preview(operation_id: str | None) -> dict[str, object] | None:
    """What ``undo`` would do for this operation, for the output."""
    if operation_id is None:
        return None
    from app.core.operations.journal import Journal
    from app.core.operations.undo import undo_description

    record = Journal().get(operation_id)
    if record is None:
        return None
    return {"operation_id": operation_id, "description": undo_description(record)}


def _print_notes(notes: tuple[str, ...], preview: dict[str, object] | None) -> None:
    for note in notes:
        print(note)
    if preview is not None:
        print(f"{preview['description']}: undo {preview['operation_id']}")


def undo_hint(operation_id: str, description: str | None = None) -> str:
    """The line every changing command ends with: what undo would do, and how.

    ``description``, when the operation's result already holds it, saves reading
    the journal again (a second connection to ``links.sqlite3``).
    """
    if description is None:
        preview = _undo_preview(operation_id)
        if preview is None:
            return f"undo with: undo {operation_id}"
        description = str(preview["description"])
    return f"{description}: undo {operation_id}"


def unlink_command(args: argparse.Namespace) -> int:
    """Remove links the app made at the given paths (or of a library file, with --from)."""
    from app.core.operations.unlink import unlink

    paths = [p.expanduser().absolute() for p in args.paths]
    installs = _installs_at(args.installs) if args.installs else None
    result = unlink(paths, installs=installs)
    preview = _undo_preview(result.operation_id)
    record = {**result.to_json(), "undo": preview}
    if args.json:
        print_json(record)
    else:
        rows = [(o.path, "yes" if o.removed else "no", o.reason) for o in result.outcomes]
        print_table(("path", "removed", "why"), rows)
        _print_notes(result.notes, preview)
    return EXIT_OK if all(o.removed for o in result.outcomes) else EXIT_FAILED_CHECK


def links_command(args: argparse.Namespace) -> int:
    """Every live link the app made: where, of what, how, in which install, by which operation."""
    from app.core.operations.links import list_links

    if args.links_action is not None:
        return _recover_links(args.links_action, args.json)
    rows = list_links()
    if args.json:
        print_json([r.to_json() for r in rows])
    elif not rows:
        print("the app made no links (yet)")
    else:
        print_table(
            ("link", "library file", "mode", "install", "operation", "created"),
            [
                (r.dest, r.source, r.mode, r.install or "-", r.operation_id, _when(r.created_at))
                for r in rows
            ],
        )
    return EXIT_OK


def _recover_links(action: str, as_json: bool) -> int:
    """``links restore`` / ``links set-aside``: the ways out of damaged link records."""
    from app.core.linking.recovery import restore_link_records, set_aside_link_records

    if action == "restore":
        done = restore_link_records()
        record = {"restored_from": str(done.backup), "set_aside": _text(done.set_aside)}
        lines = [f"restored the link records from {done.backup}"]
    else:
        aside = set_aside_link_records().set_aside
        record = {"set_aside": _text(aside)}
        lines = ["started empty link records: the links made so far are left alone as your own"]
    if record["set_aside"] is not None:
        lines.append(f"the previous file was kept as {record['set_aside']}")
    print_json(record) if as_json else print("\n".join(lines))
    return EXIT_OK


def _text(path: Path | None) -> str | None:
    return None if path is None else str(path)


def _when(stamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))


def remove_command(args: argparse.Namespace) -> int:
    """Move files to the trash, removing the app's links of them first."""
    from app.core.operations.remove import remove

    with catalog() as store:
        result = remove([p.expanduser().absolute() for p in args.paths], catalog=store)
    preview = _undo_preview(result.operation_id)
    record = {**result.to_json(), "undo": preview}
    if args.json:
        print_json(record)
    else:
        unlinked = [(o.path, "yes" if o.removed else "no", o.reason) for o in result.unlinked]
        if unlinked:
            print_table(("link", "removed", "why"), unlinked)
        print_table(
            ("file", "trashed", "why"),
            [(o.path, "yes" if o.trashed else "no", o.reason) for o in result.outcomes],
        )
        _print_notes(result.notes, preview)
    return EXIT_OK if all(o.trashed for o in result.outcomes) else EXIT_FAILED_CHECK


def undo_command(args: argparse.Namespace) -> int:
    """Undo one operation (by default the latest not yet undone), or list recent ones."""
    from app.core.operations.undo import undo

    if args.list:
        return _list_operations(args.json)
    result = undo(args.operation, progress=progress_printer("undoing"))
    if args.json:
        print_json(result.to_json())
        return EXIT_OK if result.complete else EXIT_FAILED_CHECK
    state = "undone" if result.complete else "partly undone"
    print(f"{result.summary or result.kind} ({result.operation_id}): {state}")
    for step in result.steps:
        mark = "done" if step.done else "left alone"
        why = f" ({step.reason})" if step.reason else ""
        print(f"  {mark}: {step.description}{why}")
    for note in result.notes:
        print(f"  {note}")
    if not result.complete:
        print("  fix what is named above, then run the same undo again")
    return EXIT_OK if result.complete else EXIT_FAILED_CHECK


def _list_operations(as_json: bool) -> int:
    from app.core.operations.journal import Journal
    from app.core.operations.undo import undo_description

    records = Journal().recent()
    if as_json:
        print_json(
            [{**r.to_json(), "undo": undo_description(r), "undoable": r.undoable} for r in records]
        )
        return EXIT_OK
    if not records:
        print("nothing recorded yet")
        return EXIT_OK
    rows = [
        (
            r.id,
            _when(r.created_at),
            str(r.kind),
            "undone" if r.undone_at else (undo_description(r) if r.steps else "nothing to undo"),
        )
        for r in records
    ]
    print_table(("operation", "when", "kind", "undo"), rows)
    return EXIT_OK


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
