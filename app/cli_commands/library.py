"""Commands about the app's own library: import, library, library move."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli_commands.common import EXIT_FAILED_CHECK, EXIT_OK, add_json, catalog, registry
from app.cli_output import human_size, print_fields, print_json, progress_printer


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this module's commands."""
    cmd = commands.add_parser(
        "import", help="file VAEs and checkpoints into the library (folders recursively)"
    )
    cmd.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    how = cmd.add_mutually_exclusive_group()
    how.add_argument("--move", action="store_true", help="move instead of copying")
    how.add_argument("--hardlink", action="store_true", help="hard-link instead of copying")
    cmd.add_argument(
        "--extract-vae", action="store_true", help="also write each checkpoint's VAE to VAE/"
    )
    cmd.add_argument(
        "--to-safetensors",
        action="store_true",
        help="store pickled .ckpt/.pt VAEs as verified .safetensors (original kept unless --move)",
    )
    add_json(cmd)
    cmd.set_defaults(handler=import_command)

    cmd = commands.add_parser("library", help="where the library is and what it holds")
    add_json(cmd)
    cmd.set_defaults(handler=library_command, library_action=None)
    actions = cmd.add_subparsers(dest="library_action", metavar="ACTION")
    sub = actions.add_parser("move", help="move the library (catalog and links follow)")
    sub.add_argument("new_dir", type=Path, metavar="NEW_DIR")
    add_json(sub)


def import_command(args: argparse.Namespace) -> int:
    """Import files and folders; exit 1 when any file was refused."""
    from app.cli_commands.links import undo_hint
    from app.core.library import ImportOptions
    from app.core.library.records import MODE_COPY, MODE_HARDLINK, MODE_MOVE
    from app.core.operations.import_files import import_files

    mode = MODE_MOVE if args.move else MODE_HARDLINK if args.hardlink else MODE_COPY
    options = ImportOptions(mode, args.extract_vae, args.to_safetensors)
    shown = {"progress": progress_printer("importing")}
    with catalog() as store:
        result = import_files(
            [p.expanduser() for p in args.paths],
            options,
            catalog=store,
            registry=registry(),
            on_file=lambda path: shown.update(progress=progress_printer(path.name)),
            progress=lambda done, total: shown["progress"](done, total),
        )
    outcomes = result.outcomes
    if args.json:  # a list, one object per file, as before the journal (`undo --list` has the id)
        print_json([o.to_json() for o in outcomes])
    for outcome in [] if args.json else outcomes:
        arrow = f" -> {outcome.dest}" if outcome.dest else ""
        why = f"  ({outcome.reason})" if outcome.reason else ""
        print(f"{outcome.action:<10} {outcome.path}{arrow}{why}")
        if outcome.baked_in_vae is not None:
            print(f"{'':<10} baked-in VAE: {outcome.baked_in_vae}")
    if not args.json and result.operation_id:
        print(undo_hint(result.operation_id, result.undo_description))
    return EXIT_FAILED_CHECK if result.refused else EXIT_OK


def library_command(args: argparse.Namespace) -> int:
    """Show the library, or move it."""
    if args.library_action == "move":
        return _move(args)
    from app.core.library import library_info

    library = library_info()
    info = library.to_json()
    if args.json:
        print_json(info)
        return EXIT_OK
    info["vae_bytes"] = human_size(library.vae_bytes)
    info["checkpoint_bytes"] = human_size(library.checkpoint_bytes)
    print_fields(info)
    if info["moving_from"]:
        print(f"unfinished move from {info['moving_from']}: run `library move {info['root']}`")
    return EXIT_OK


def _move(args: argparse.Namespace) -> int:
    from app.cli_commands.links import undo_hint
    from app.core.operations.library_move import move_library

    with catalog() as store:
        result = move_library(
            args.new_dir.expanduser(), catalog=store, progress=progress_printer("moving")
        )
    report = result.report
    record = result.to_json()
    if args.json:
        print_json(record)
    else:
        record["moved_bytes"] = human_size(report.moved_bytes)
        print_fields({k: v for k, v in record.items() if k != "left"})
        for path, reason in report.left:
            print(f"  ! not moved: {path}: {reason}")
        if result.operation_id:
            print(undo_hint(result.operation_id))
    return EXIT_FAILED_CHECK if report.left else EXIT_OK
