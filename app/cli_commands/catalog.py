"""Commands about files: inspect, scan, list, verify, known."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli_commands.common import (
    EXIT_FAILED_CHECK,
    EXIT_OK,
    add_json,
    app_state,
    catalog,
    existing,
    registry,
)
from app.cli_output import human_size, print_fields, print_json, print_table, progress_printer

if TYPE_CHECKING:
    from app.core.catalog.records import DuplicateGroup
    from app.core.catalog.store import Catalog
    from app.core.catalog.verify import VerifyResult
    from app.core.identify import OtherNames


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this module's commands."""
    cmd = commands.add_parser("inspect", help="what a model file is, its hashes and verdict")
    cmd.add_argument("path", type=Path)
    cmd.add_argument("--check-nan", action="store_true", help="read all weights to find NaN/Inf")
    add_json(cmd)
    cmd.set_defaults(handler=inspect_command)

    cmd = commands.add_parser("scan", help="catalog model files under folders")
    cmd.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="folders (default: the library and every UI's VAE and checkpoint folders)",
    )
    cmd.add_argument("--no-hash", action="store_true", help="catalog now, hash later")
    add_json(cmd)
    cmd.set_defaults(handler=scan_command)

    cmd = commands.add_parser("list", help="catalog entries with their locations")
    cmd.add_argument("--duplicates", action="store_true", help="only copies that waste space")
    add_json(cmd)
    cmd.set_defaults(handler=list_command)

    cmd = commands.add_parser("verify", help="rehash and validate; exit 1 on mismatch/invalid")
    cmd.add_argument("paths", nargs="*", type=Path, help="files (default: everything cataloged)")
    add_json(cmd)
    cmd.set_defaults(handler=verify_command)

    cmd = commands.add_parser("known", help="the registry of official VAE files")
    add_json(cmd)
    cmd.set_defaults(handler=known_command)


@contextmanager
def existing_catalog() -> Iterator[Catalog | None]:
    """The catalog while a command runs, or None when there is none yet (none is made).

    A verdict weighs every name the bytes are cataloged under; without a catalog
    (``inspect`` or ``verify`` on a fresh install) there are no other names.
    """
    if not app_state().catalog_db.exists():
        yield None
        return
    with catalog() as store:
        yield store


@contextmanager
def known_names() -> Iterator[OtherNames | None]:
    """``Catalog.names_for`` while a command runs, so its verdict is the catalog's one."""
    with existing_catalog() as store:
        yield None if store is None else store.names_for


def inspect_command(args: argparse.Namespace) -> int:
    """Inspect, hash and validate one file."""
    path = existing(args.path)
    from app.core.identify import identify
    from app.core.registry import STATUS_INVALID, STATUS_MISMATCH

    with known_names() as other_names:
        report = identify(
            path,
            registry(),
            progress=progress_printer(path.name),
            check_nan=args.check_nan,
            other_names=other_names,
        )
    record = report.to_json()
    print_json(record) if args.json else print_fields(record)
    # A file that must not be used (invalid, unsafe, or official-named but other bytes)
    # fails the check, as in ``verify``, so ``inspect F && link F`` never links it.
    failed = report.validation.status in (STATUS_INVALID, STATUS_MISMATCH)
    return EXIT_FAILED_CHECK if failed else EXIT_OK


def scan_command(args: argparse.Namespace) -> int:
    """Catalog the given folders, or the library plus every discovered UI's model folders."""
    from app.core.catalog.scanner import scan

    ui_roots: list[Path] = []
    if args.paths:  # a path that is not there is reported with the rest, not fatal
        roots = [_absolute(p) for p in args.paths]
        ui_roots = list(roots)  # a UI's own folder given to scan: its hash caches count too
    else:  # the same folders as the window's rescan, install checkpoints included
        from app.core.catalog.roots import default_scan_roots
        from app.core.installs import discover
        from app.core.library import library_root
        from app.core.library.layout import ensure_library

        root = ensure_library(library_root())  # refuses `/`, drive roots, system folders
        found = discover()
        roots = default_scan_roots(found, library=root)
        ui_roots = [i.root for i in found]
    with catalog() as store:
        report = scan(
            store,
            roots,
            hash_now=not args.no_hash,
            progress=progress_printer("scanning"),
            registry=registry(),
            ui_roots=ui_roots,
        )
    record = report.to_json()
    exit_code = EXIT_FAILED_CHECK if report.failed else EXIT_OK
    if args.json:
        print_json(record)
        return exit_code
    print_fields({k: v for k, v in record.items() if k not in ("problems", "files")})
    for problem in report.problems:
        print(f"  ! {problem.path}: {problem.message}")
    return exit_code


def _absolute(path: Path) -> Path:
    """The resolved path when it exists, else just absolute (the scan reports it missing)."""
    path = path.expanduser()
    return path.resolve() if os.path.lexists(path) else path.absolute()


def list_command(args: argparse.Namespace) -> int:
    """Catalog entries with their locations, or only the duplicate copies."""
    with catalog() as store:
        if args.duplicates:
            return _print_duplicates(store.duplicates(), args.json)
        entries = list(store.entries())
    if args.json:
        print_json([e.to_json() for e in entries])
        return EXIT_OK
    rows = [
        (
            e.autov2 or "-",
            e.kind or "-",
            e.family or "-",
            e.validation or "-",
            human_size(e.size),
            "\n".join([*e.locations, *(f"{p} (missing)" for p in e.missing_locations)]),
        )
        for e in entries
    ]
    print_table(("AutoV2", "kind", "family", "validation", "size", "locations"), rows)
    return EXIT_OK


def _print_duplicates(groups: list[DuplicateGroup], as_json: bool) -> int:
    if as_json:
        print_json([g.to_json() for g in groups])
    elif not groups:
        print("no duplicate copies")
    for group in [] if as_json else groups:
        print(f"{group.sha256[:10]}  wastes {human_size(group.wasted_bytes)}")
        for path in group.paths:
            print(f"    {path}")
    return EXIT_OK


def verify_command(args: argparse.Namespace) -> int:
    """Rehash and validate; exit 1 when anything is mismatched, invalid, unreadable or gone.

    The window's Verify is the same core call: a cataloged file's row follows
    the bytes just read (a file changed since its scan is recorded anew).
    """
    from app.core.catalog.verify import verify_paths

    if args.paths:
        targets = [_absolute(p) for p in args.paths]
        expand = True
    else:
        with catalog() as store:
            entries = store.entries()
        targets = [Path(p) for e in entries for p in (*e.locations, *e.missing_locations)]
        expand = False
    with existing_catalog() as store:
        results = verify_paths(
            targets,
            registry(),
            catalog=store,
            expand_folders=expand,
            progress_for=progress_printer,
        )
    if args.json:
        print_json([r.to_json() for r in results])
    else:
        rows = [(r.validation, r.path, r.message, _catalog_word(r)) for r in results]
        print_table(("validation", "path", "why", "catalog"), rows)
    return EXIT_FAILED_CHECK if any(r.bad for r in results) else EXIT_OK


def _catalog_word(result: VerifyResult) -> str:
    """What the catalog was told, in a word or two ("-": not cataloged, or no catalog)."""
    from app.core.catalog.verify import CatalogUpdate

    words = {
        CatalogUpdate.SAME: "as cataloged",
        CatalogUpdate.BYTES_CHANGED: "updated: the bytes changed",
        CatalogUpdate.VERDICT_CHANGED: "updated: new verdict",
        CatalogUpdate.HASHED: "hash recorded",
        CatalogUpdate.LEFT_AS_IS: "left as is",
    }
    return words.get(result.catalog, "-") if result.catalog is not None else "-"


def known_command(args: argparse.Namespace) -> int:
    """The registry of official VAEs."""
    known = registry()
    for warning in known.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    entries = [e.to_json() for e in known.entries]
    if args.json:
        print_json(entries)
        return EXIT_OK
    rows = [(e["id"], e["family"], e["autov2"] or "(unverified)", e["filename"]) for e in entries]
    print_table(("id", "family", "AutoV2", "file"), rows)
    return EXIT_OK
