"""Commands about A1111-family settings: set-default (and --reset), pair (and --unpair)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from app.cli_commands.common import EXIT_OK, add_json
from app.cli_output import print_json
from app.core.errors import UserError

HOW_CHOICES = ("sidecar", "metadata", "both")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this module's commands."""
    cmd = commands.add_parser(
        "set-default",
        help="make a VAE the default of an A1111/Forge/reForge install (config.json)",
    )
    cmd.add_argument("path", nargs="?", type=Path, help="the VAE (a library file is linked first)")
    cmd.add_argument("--install", required=True, type=Path, metavar="ROOT")
    cmd.add_argument(
        "--reset",
        action="store_true",
        help='back to "Automatic" (with PATH: only while PATH is the default)',
    )
    cmd.add_argument("--mode", choices=("auto", "symlink", "hardlink", "copy"), default="auto")
    add_json(cmd)
    cmd.set_defaults(handler=set_default_command)

    cmd = commands.add_parser("pair", help="use a VAE with one checkpoint in A1111/Forge/reForge")
    cmd.add_argument(
        "vae", nargs="?", type=Path, help="the VAE (with --unpair: only while it is the paired one)"
    )
    cmd.add_argument("--with", dest="checkpoint", required=True, type=Path, metavar="CHECKPOINT")
    cmd.add_argument("--unpair", action="store_true", help="remove the pairing instead")
    cmd.add_argument(
        "--how",
        choices=HOW_CHOICES,
        help="sidecar: <checkpoint>.vae.* link beside it; metadata: its Preferred VAE "
        "(<checkpoint>.json); default sidecar (Forge 2: metadata; --unpair: both)",
    )
    cmd.add_argument("--install", type=Path, metavar="ROOT", help="the install (default: found)")
    cmd.add_argument("--mode", choices=("auto", "symlink", "hardlink", "copy"), default="auto")
    add_json(cmd)
    cmd.set_defaults(handler=pair_command)


def _abs(path: Path) -> Path:
    """Absolute, links not resolved: a link in a VAE folder is the name the webui lists."""
    path = path.expanduser()
    if not os.path.lexists(path):
        raise UserError(f"no such file or folder: {path}")
    return Path(os.path.abspath(path))


def set_default_command(args: argparse.Namespace) -> int:
    """Write sd_vae (Forge 2: forge_additional_modules), or reset it to Automatic."""
    from app.cli_commands.links import undo_hint
    from app.core.operations.set_default import set_default

    if not args.reset and args.path is None:
        raise UserError("Name the VAE to make the default, or pass --reset.")
    if args.reset and args.path is not None:
        _refuse_unless_default(args.path, _abs(args.install))
    vae = None if args.reset else _abs(args.path)
    result = set_default(vae, _abs(args.install), mode=args.mode)
    if args.json:
        print_json(result.to_json())
        return EXIT_OK
    where = f"{result.install.label} at {result.install.root}"
    if result.linked:
        print(f"linked {vae} as {result.linked}")
    chosen = result.vae.name if result.vae else "Automatic"
    print(f"{where}: default VAE is now {chosen} ({result.change.key} in {result.change.config})")
    print(f"backup: {result.change.backup or 'none (there was no config.json yet)'}")
    for note in result.notes:
        print(f"note: {note}")
    print(undo_hint(result.operation_id) if result.operation_id else "nothing changed")
    return EXIT_OK


def pair_command(args: argparse.Namespace) -> int:
    """Pair (or unpair) a VAE with a checkpoint."""
    from app.cli_commands.links import undo_hint
    from app.core.operations.pair import pair, unpair

    if not args.unpair and args.vae is None:
        raise UserError("Name the VAE to pair, or pass --unpair.")
    install = _abs(args.install) if args.install else None
    checkpoint = _abs(args.checkpoint)
    if args.unpair and args.vae is not None:
        _refuse_unless_paired(args.vae, checkpoint, install)
    if args.unpair:
        result = unpair(checkpoint, how=args.how or "both", install=install)
    else:
        result = pair(_abs(args.vae), checkpoint, how=args.how, install=install, mode=args.mode)
    if args.json:
        print_json(result.to_json())
        return EXIT_OK
    for path in result.removed:
        print(f"removed {path}")
    for path in result.linked:
        print(f"linked {path}")
    if result.metadata is not None:
        print(f"{result.pairing.metadata_file}: {result.metadata.key} = {result.metadata.new!r}")
    after = result.pairing
    shown = after.effective.name if after.effective else "its built-in VAE"
    print(f"{checkpoint.name} now loads with {shown} ({after.source})")
    for note in result.notes:
        print(f"note: {note}")
    print(undo_hint(result.operation_id) if result.operation_id else "nothing changed")
    return EXIT_OK


def _refuse_unless_default(vae: Path, root: Path) -> None:
    """``set-default PATH --reset``: reset only while PATH is what the install uses.

    A1111 names its default by file name (Forge 2 by path), so that is what is compared.
    """
    from app.core.installs import install_at
    from app.core.installs.a1111_config import current_default_vae

    current = current_default_vae(install_at(root))
    if current is not None and Path(current).name != vae.name:
        raise UserError(
            f"the default VAE of {root} is {Path(current).name}, not {vae.name}; nothing changed "
            "(leave out the VAE to reset whatever the default is)"
        )


def _refuse_unless_paired(vae: Path, checkpoint: Path, root: Path | None) -> None:
    """``pair VAE --with CHECKPOINT --unpair``: only while VAE is the checkpoint's pairing."""
    from app.core.installs import install_at
    from app.core.installs.a1111_lookup import install_for_checkpoint
    from app.core.installs.a1111_pairing import pairings_of

    install = install_at(root) if root is not None else install_for_checkpoint(checkpoint)
    pairing = pairings_of(checkpoint, install)
    names = {Path(n).name for n in pairing.metadata_vae}
    names |= {Path(os.path.realpath(p)).name for p in pairing.sidecars}
    if vae.name not in names:
        raise UserError(
            f"{checkpoint.name} is not paired with {vae.name}; nothing changed "
            "(leave out the VAE to unpair whatever it is paired with)"
        )
