"""Command-line front over the same core calls the GUI makes.

Every command prints a human table, or JSON with ``--json``; it exits 0 on
success and non-zero with a one-line error otherwise. Heavy modules are
imported inside the commands so ``--help`` stays instant.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app import APP_NAME, __version__
from app.cli_output import human_size, print_fields, print_json, print_table, progress_printer
from app.core.errors import Cancelled, UserError

EXIT_OK = 0
EXIT_FAILED_CHECK = 1
EXIT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; with no command, ``main.py`` opens the window."""
    parser = argparse.ArgumentParser(
        prog="vae-manager",
        description=f"{APP_NAME}: find, verify, download, preview and link Stable Diffusion VAEs. "
        "Run without a command to open the window.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    cmd = commands.add_parser("inspect", help="what a model file is, its hashes and verdict")
    cmd.add_argument("path", type=Path)
    cmd.add_argument("--check-nan", action="store_true", help="read all weights to find NaN/Inf")
    _add_json(cmd)

    cmd = commands.add_parser("scan", help="catalog model files under folders")
    cmd.add_argument("paths", nargs="*", type=Path, help="folders (default: the app's library)")
    cmd.add_argument("--no-hash", action="store_true", help="catalog now, hash later")
    _add_json(cmd)

    cmd = commands.add_parser("list", help="catalog entries with their locations")
    cmd.add_argument("--duplicates", action="store_true", help="only copies that waste space")
    _add_json(cmd)

    cmd = commands.add_parser("verify", help="rehash and validate; exit 1 on mismatch/invalid")
    cmd.add_argument("paths", nargs="*", type=Path, help="files (default: everything cataloged)")
    _add_json(cmd)

    cmd = commands.add_parser("known", help="the registry of official VAE files")
    _add_json(cmd)

    cmd = commands.add_parser("preview", help="decode a sample latent with a VAE")
    cmd.add_argument(
        "--vae", type=Path, required=True, help="VAE file, diffusers folder or checkpoint"
    )
    source = cmd.add_mutually_exclusive_group()
    source.add_argument("--latent", type=Path, help=".latent/.safetensors/.npy tensor file")
    source.add_argument("--image", type=Path, help="an image to encode and decode (round trip)")
    cmd.add_argument("--scaled", action="store_true", help="the latent is in diffusion space")
    cmd.add_argument("--out", type=Path, help="write the image (.png) or float32 array (.npy)")
    cmd.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    cmd.add_argument("--dtype", choices=("auto", "fp32", "fp16", "bf16"), default="auto")
    cmd.add_argument("--tile", choices=("auto", "on", "off"), default="auto")
    _add_json(cmd)
    return parser


def _add_json(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--json", action="store_true", help="machine-readable output")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return EXIT_OK
    handler: Callable[[argparse.Namespace], int] = COMMANDS[args.command]
    try:
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


# --- commands --------------------------------------------------------------------------------


def _cmd_inspect(args: argparse.Namespace) -> int:
    path = _existing(args.path)
    from app.core.identify import identify

    report = identify(
        path, _registry(), progress=progress_printer(path.name), check_nan=args.check_nan
    )
    record = report.to_json()
    if args.json:
        print_json(record)
    else:
        print_fields(record)
    return EXIT_OK


def _cmd_scan(args: argparse.Namespace) -> int:
    from app.core.catalog.scanner import scan

    paths = _paths()
    roots = [_existing(p) for p in args.paths] or [paths.library_dir]
    for root in roots:
        root.mkdir(parents=True, exist_ok=True) if root == paths.library_dir else None
    with _catalog() as catalog:
        report = scan(
            catalog,
            roots,
            hash_now=not args.no_hash,
            progress=progress_printer("scanning"),
            registry=_registry(),
        )
    record = report.to_json()
    if args.json:
        print_json(record)
    else:
        print_fields({k: v for k, v in record.items() if k != "problems"})
        for problem in record.get("problems", []):
            print(f"  ! {problem['path']}: {problem['message']}")
    return EXIT_OK


def _cmd_list(args: argparse.Namespace) -> int:
    with _catalog() as catalog:
        if args.duplicates:
            groups = [g.to_json() for g in catalog.duplicates()]
            if args.json:
                print_json(groups)
            else:
                for group in groups:
                    print(f"{group['sha256'][:10]}  wastes {human_size(group['wasted_bytes'])}")
                    for path in group["paths"]:
                        print(f"    {path}")
            return EXIT_OK
        entries = [e.to_json() for e in catalog.entries()]
    if args.json:
        print_json(entries)
        return EXIT_OK
    rows = [
        (
            e["autov2"] or "-",
            e["kind"] or "-",
            e["family"] or "-",
            e["validation"] or "-",
            human_size(e["size"]),
            "\n".join(e["locations"]),
        )
        for e in entries
    ]
    print_table(("AutoV2", "kind", "family", "validation", "size", "locations"), rows)
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    from app.core.identify import identify
    from app.core.registry import STATUS_INVALID, STATUS_MISMATCH

    registry = _registry()
    if args.paths:
        targets = [_existing(p) for p in args.paths]
    else:
        with _catalog() as catalog:
            targets = [Path(p) for e in catalog.entries() for p in e.locations]
    results = []
    for target in targets:
        if not target.exists():
            results.append(
                {"path": str(target), "validation": "missing", "message": "file is gone"}
            )
            continue
        report = identify(target, registry, progress=progress_printer(target.name))
        results.append(
            {
                "path": str(target),
                "validation": report.validation.status,
                "official_id": report.validation.official_id,
                "sha256": report.hashes.sha256 if report.hashes else None,
                "message": report.validation.message,
            }
        )
    if args.json:
        print_json(results)
    else:
        print_table(
            ("validation", "path", "why"),
            [(r["validation"], r["path"], r["message"]) for r in results],
        )
    bad = {STATUS_MISMATCH, STATUS_INVALID, "missing"}
    return EXIT_FAILED_CHECK if any(r["validation"] in bad for r in results) else EXIT_OK


def _cmd_known(args: argparse.Namespace) -> int:
    registry = _registry()
    entries = [e.to_json() for e in registry.entries]
    for warning in registry.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        print_json(entries)
        return EXIT_OK
    rows = [(e["id"], e["family"], e["autov2"] or "(unverified)", e["filename"]) for e in entries]
    print_table(("id", "family", "AutoV2", "file"), rows)
    return EXIT_OK


def _cmd_preview(args: argparse.Namespace) -> int:
    from app.preview.service import PreviewRequest, run_preview

    request = PreviewRequest(
        vae_path=_existing(args.vae),
        latent_path=_existing(args.latent) if args.latent else None,
        scaled=args.scaled,
        image_path=_existing(args.image) if args.image else None,
        out_path=args.out,
        device=args.device,
        dtype=args.dtype,
        tile=args.tile,
    )
    result = run_preview(request, progress=progress_printer("decoding"))
    record = result.to_json()
    if args.json:
        print_json(record)
    else:
        print_fields(record)
        if result.fell_back:
            print(f"note: {result.fallback_reason}", file=sys.stderr)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "inspect": _cmd_inspect,
    "scan": _cmd_scan,
    "list": _cmd_list,
    "verify": _cmd_verify,
    "known": _cmd_known,
    "preview": _cmd_preview,
}


# --- helpers ---------------------------------------------------------------------------------


def _paths():  # noqa: ANN202 - AppPaths, imported lazily
    from app.core.paths import app_paths

    return app_paths().ensure()


def _registry():  # noqa: ANN202 - Registry, imported lazily
    from app.core.registry import load_registry

    return load_registry(_paths().user_registry)


def _catalog():  # noqa: ANN202 - Catalog, imported lazily
    from app.core.catalog.store import Catalog

    return Catalog(_paths().catalog_db)


def _existing(path: Path) -> Path:
    if not path.exists():
        raise UserError(f"no such file or folder: {path}")
    return path.resolve()


if __name__ == "__main__":
    raise SystemExit(main())
