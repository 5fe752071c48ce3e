"""The preview command: decode a sample latent with a VAE of any image family.

Imports torch (and, for families diffusers implements, diffusers) only when run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli_commands.common import EXIT_OK, add_json, existing
from app.cli_output import print_fields, print_json, progress_printer
from app.core.errors import UserError


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the preview command."""
    cmd = commands.add_parser("preview", help="decode a sample latent with a VAE")
    cmd.add_argument(
        "--vae", type=Path, required=True, help="VAE file, diffusers folder or checkpoint"
    )
    source = cmd.add_mutually_exclusive_group()
    source.add_argument("--latent", type=Path, help=".latent/.safetensors/.npy tensor file")
    source.add_argument(
        "--image", type=Path, help="a PNG, JPEG or WebP image to encode and decode (round trip)"
    )
    cmd.add_argument("--scaled", action="store_true", help="the latent is in diffusion space")
    cmd.add_argument("--out", type=Path, help="write the image (.png) or float32 array (.npy)")
    cmd.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    cmd.add_argument("--dtype", choices=("auto", "fp32", "fp16", "bf16"), default="auto")
    cmd.add_argument("--tile", choices=("auto", "on", "off"), default="auto")
    cmd.add_argument(
        "--family",
        choices=("auto", "sd1", "sdxl", "sd3", "flux1"),
        default="auto",
        help="the family when the weights cannot tell (SD1 vs SDXL, SD3 vs FLUX.1; also picks "
        "a TAESD decoder's variant)",
    )
    add_json(cmd)
    cmd.set_defaults(handler=preview_command)


def preview_command(args: argparse.Namespace) -> int:
    """Decode and report device, dtype, time, quality and any precision fallback."""
    from app.core.torch_support import probe_torch

    torch_status = probe_torch()
    if not torch_status.available:
        raise UserError(f"{torch_status.message} {torch_status.hint}".strip())
    from app.preview.service import PreviewRequest, run_preview

    request = PreviewRequest(
        vae_path=existing(args.vae),
        latent_path=existing(args.latent) if args.latent else None,
        scaled=args.scaled,
        image_path=existing(args.image) if args.image else None,
        out_path=args.out,
        device=args.device,
        dtype=args.dtype,
        tile=args.tile,
        family=args.family,
    )
    result = run_preview(request, progress=progress_printer("decoding"))
    record = result.to_json()
    if args.json:
        print_json(record)
        return EXIT_OK
    print_fields(record)
    if result.fell_back:
        print(f"note: {result.fallback_reason}", file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    return EXIT_OK
